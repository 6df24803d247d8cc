// Progressive enhancement only; every page works without it.
// A scrollable table wrapper is focusable so keyboard users can scroll it. When the table fits,
// that tab stop is noise, so remove it (and restore it if a resize makes the table overflow).
(function () {
  "use strict";
  var wrappers = document.querySelectorAll(".table-scroll");
  if (!wrappers.length) return;
  function update() {
    wrappers.forEach(function (wrapper) {
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        wrapper.setAttribute("tabindex", "0");
      } else {
        wrapper.removeAttribute("tabindex");
      }
    });
  }
  update();
  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
})();
