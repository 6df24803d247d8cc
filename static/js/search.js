// Search suggestions: each site search box becomes a combobox (combobox.js) whose options
// lead straight to a medicine or a guide.
// Progressive enhancement only; without it the form still submits to /search/?q=.
(function () {
  "use strict";
  if (!window.fetch || !window.AbortController || !window.MedGuide) return;
  var sameOriginUrl = window.MedGuide.sameOriginUrl;

  // The response's suggestions as options, keeping only links to this site.
  function items(data) {
    var found = [];
    (Array.isArray(data && data.suggestions) ? data.suggestions : []).forEach(function (s) {
      if (!s || typeof s.name !== "string") return;
      var url = sameOriginUrl(s.url);
      if (!url) return;
      var item = { name: s.name, url: url };
      if (s.generic) {
        item.note = "brand of " + s.generic;
      } else if (s.type === "article" || s.type === "condition") {
        item.note = s.type === "article" ? "Guide" : "Condition";
        item.noteClass = "search-suggest__type";
      }
      found.push(item);
    });
    return found;
  }

  function enhance(form) {
    var input = form.querySelector(".search-form__input");
    var row = form.querySelector(".search-form__row");
    var endpoint = form.getAttribute("data-suggest-url");
    if (!input || !row || !endpoint || !input.id) return;

    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    var label = form.querySelector(".search-form__label");
    if (label && label.id) list.setAttribute("aria-labelledby", label.id);
    row.appendChild(list);
    input.setAttribute("aria-controls", list.id);

    // Present from page load so screen readers pick up its changes.
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(status);

    var suggestions = window.MedGuide.combobox(input, list, {
      endpoint: endpoint,
      items: items,
      clearOnEscape: true,
      choose: function (item) {
        window.location.assign(item.url);
      },
      announce: function (text) {
        // Repeating the same text would not be read again; a no-break space changes it.
        status.textContent = status.textContent === text ? text + "\u00a0" : text;
      },
    });

    form.addEventListener("submit", suggestions.dismiss);
  }

  document.querySelectorAll("form.search-form").forEach(enhance);
})();
