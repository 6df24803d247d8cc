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

// A print button ([data-print], rendered hidden or inside something hidden) appears only
// where it can work: with JavaScript. Without it the page says to print from the browser.
(function () {
  "use strict";
  if (!window.print) return;
  document.querySelectorAll("[data-print]").forEach(function (button) {
    var hidden = button.closest("[hidden]");
    if (hidden) hidden.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// A monograph's sections ([data-fold] <details>, open in the HTML) fold on a phone so a
// reader can move through the page; the one a link or address leads to opens, and printing
// opens them all. On a wider window, or without JavaScript, nothing is folded.
(function () {
  "use strict";
  var folds = document.querySelectorAll("details[data-fold]");
  if (!folds.length || !window.matchMedia) return;
  var phone = window.matchMedia("(max-width: 40em)");

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    var fold = target.matches("[data-fold]") ? target : target.querySelector("[data-fold]");
    fold = fold || target.closest("[data-fold]");
    if (fold && !fold.open) {
      fold.open = true;
      target.scrollIntoView();
    }
  }

  function arrange() {
    folds.forEach(function (fold) {
      fold.open = !phone.matches;
    });
    openTarget();
  }

  arrange();
  phone.addEventListener("change", arrange);
  window.addEventListener("hashchange", openTarget);
  window.addEventListener("beforeprint", function () {
    folds.forEach(function (fold) {
      fold.open = true;
    });
  });
})();
