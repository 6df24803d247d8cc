// The interaction checker's form, enhanced: each field suggests medicine names (combobox.js),
// and choosing a suggestion fills the field; "Add another" and "Remove" work in place; the
// results can be printed.
// Progressive enhancement only: without it the form, its links and the results all work.
(function () {
  "use strict";
  var form = document.querySelector("form.checker-form");
  if (!form) return;

  var list = form.querySelector(".checker-fields");
  var addButton = form.querySelector(".checker-form__add");
  var max = parseInt(form.getAttribute("data-max"), 10) || 10;
  var endpoint = form.getAttribute("data-suggest-url");
  var substances = (form.getAttribute("data-substances") || "").split("|").filter(Boolean);
  var canFetch = Boolean(window.fetch && window.AbortController && window.MedGuide && endpoint);

  // One polite status region for the whole form, present from load so it is announced.
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(status);

  function announce(text) {
    // The same text twice would not be read again; a trailing no-break space changes it.
    status.textContent = status.textContent === text ? text + "\u00a0" : text;
  }

  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll(".checker-field"));
  }

  // Fields, labels and error ids follow the row's position, so "Medicine 3" is always third.
  function renumber() {
    rows().forEach(function (row, index) {
      var number = index + 1;
      var input = row.querySelector("input");
      var label = row.querySelector("label");
      var error = row.querySelector(".checker-field__error");
      var popup = row.querySelector(".search-suggest");
      var id = "drug-" + number;
      input.id = id;
      label.htmlFor = id;
      label.id = id + "-label";
      label.textContent = "Medicine " + number;
      var described = ["checker-hint"];
      if (error) {
        error.id = id + "-error";
        described.push(error.id);
      }
      input.setAttribute("aria-describedby", described.join(" "));
      if (popup) {
        popup.id = id + "-suggestions";
        popup.setAttribute("aria-labelledby", label.id);
        input.setAttribute("aria-controls", popup.id);
        Array.prototype.forEach.call(popup.children, function (option, position) {
          option.id = popup.id + "-" + position;
        });
      }
      var remove = row.querySelector(".checker-field__remove");
      if (remove) {
        var name = input.value.trim() || "medicine " + number;
        remove.querySelector(".visually-hidden").textContent = " " + name;
      }
    });
    if (addButton) addButton.hidden = rows().length >= max;
  }

  function removeButton() {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "checker-field__remove";
    button.appendChild(document.createTextNode("Remove"));
    var name = document.createElement("span");
    name.className = "visually-hidden";
    button.appendChild(name);
    return button;
  }

  function removeRow(row) {
    var all = rows();
    var index = all.indexOf(row);
    var input = row.querySelector("input");
    var hadResult = input.getAttribute("data-initial") !== "";
    row.remove();
    if (hadResult) {
      // The results on the page included it: check the list again without it.
      renumber();
      form.requestSubmit ? form.requestSubmit() : form.submit();
      return;
    }
    if (!rows().length) addRow();
    renumber();
    var rest = rows();
    var next = rest[Math.min(index, rest.length - 1)];
    next.querySelector("input").focus();
    announce("Removed. " + rest.length + (rest.length === 1 ? " field" : " fields") + " left.");
  }

  function addRow() {
    var row = document.createElement("li");
    row.className = "checker-field";
    var label = document.createElement("label");
    label.className = "checker-field__label";
    var line = document.createElement("div");
    line.className = "checker-field__row";
    var input = document.createElement("input");
    input.className = "checker-field__input";
    input.type = "text";
    input.name = "drugs";
    input.maxLength = 120;
    input.autocomplete = "off";
    input.setAttribute("autocapitalize", "none");
    input.spellcheck = false;
    input.setAttribute("data-initial", "");
    line.appendChild(input);
    line.appendChild(removeButton());
    row.appendChild(label);
    row.appendChild(line);
    list.appendChild(row);
    enhance(row);
    renumber();
    return row;
  }

  function enhance(row) {
    var input = row.querySelector("input");
    var line = row.querySelector(".checker-field__row");
    var remove = row.querySelector(".checker-field__remove");
    if (remove && remove.tagName === "A") {
      // The plain link reloads the page without the name; in place is quicker.
      var button = removeButton();
      remove.replaceWith(button);
      remove = button;
    } else if (!remove) {
      remove = removeButton();
      line.appendChild(remove);
    }
    remove.addEventListener("click", function () {
      removeRow(row);
    });
    if (canFetch) combobox(input, line);
  }

  function localMatches(q) {
    var key = q.toLowerCase();
    return substances
      .filter(function (name) {
        return name.toLowerCase().indexOf(key) === 0;
      })
      .map(function (name) {
        return { name: name, note: "substance" };
      });
  }

  // Substances the page lists, then the medicines the search suggests, each name once.
  function items(data, q) {
    var found = localMatches(q);
    var seen = {};
    found.forEach(function (s) {
      seen[s.name.toLowerCase()] = true;
    });
    (Array.isArray(data && data.suggestions) ? data.suggestions : []).forEach(function (s) {
      if (!s || typeof s.name !== "string" || s.type !== "drug") return;
      if (!window.MedGuide.sameOriginUrl(s.url) || seen[s.name.toLowerCase()]) return;
      seen[s.name.toLowerCase()] = true;
      found.push({ name: s.name, note: s.generic ? "brand of " + s.generic : "" });
    });
    return found;
  }

  function combobox(input, line) {
    var popup = document.createElement("ul");
    line.appendChild(popup);
    window.MedGuide.combobox(input, popup, {
      endpoint: endpoint,
      items: items,
      // Fill the field; a second Enter checks the list.
      choose: function (item) {
        input.value = item.name;
        announce(input.value + " added.");
      },
      announce: announce,
    });
  }

  rows().forEach(enhance);
  renumber();

  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      if (rows().length >= max) return;
      var row = addRow();
      row.querySelector("input").focus();
      announce("Medicine " + rows().length + " field added.");
    });
  }

  // Straight to the tidy, shareable address (the server would redirect there anyway).
  form.addEventListener("submit", function (event) {
    var names = [];
    form.querySelectorAll('input[name="drugs"]').forEach(function (input) {
      // A field may hold a list too, "baclofen, diazepam", as the plain form allows.
      input.value.split(/[,;]+/).forEach(function (part) {
        var name = part.trim();
        if (name) names.push(encodeURIComponent(name));
      });
    });
    event.preventDefault();
    var action = form.getAttribute("action");
    window.location.assign(names.length ? action + "?drugs=" + names.join(",") : action);
  });
})();
