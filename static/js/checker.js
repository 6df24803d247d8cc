// The interaction checker's form, enhanced: each field suggests medicine names as a WAI-ARIA 1.2
// combobox ("list autocomplete with manual selection"), and choosing a suggestion fills the field;
// "Add another" and "Remove" work in place; the results can be printed.
// https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/
// Progressive enhancement only: without it the form, its links and the results all work.
(function () {
  "use strict";
  var form = document.querySelector("form.checker-form");
  if (!form) return;

  var MIN_LENGTH = 2;
  var DELAY_MS = 150;
  var list = form.querySelector(".checker-fields");
  var addButton = form.querySelector(".checker-form__add");
  var max = parseInt(form.getAttribute("data-max"), 10) || 10;
  var endpoint = form.getAttribute("data-suggest-url");
  var substances = (form.getAttribute("data-substances") || "").split("|").filter(Boolean);
  var canFetch = Boolean(window.fetch && window.AbortController && endpoint);

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

  function sameOriginUrl(value) {
    try {
      var url = new URL(value, window.location.href);
      return url.origin === window.location.origin ? url.href : null;
    } catch (error) {
      return null;
    }
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

  function combobox(input, line) {
    var popup = document.createElement("ul");
    popup.className = "search-suggest";
    popup.setAttribute("role", "listbox");
    popup.hidden = true;
    line.appendChild(popup);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");

    var options = [];
    var active = -1;
    var shownFor = null;
    var pending = null;
    var timer = null;
    var controller = null;
    var sequence = 0;

    function query() {
      return input.value.trim();
    }

    function isOpen() {
      return !popup.hidden;
    }

    function setActive(index) {
      if (active >= 0 && options[active]) options[active].removeAttribute("aria-selected");
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!options.length) return;
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function cancel() {
      clearTimeout(timer);
      timer = null;
      pending = null;
      sequence++;
      if (controller) controller.abort();
      controller = null;
    }

    function choose(option) {
      if (!option) return;
      input.value = option.getAttribute("data-value");
      shownFor = null;
      close();
      announce(input.value + " added.");
    }

    function render(suggestions) {
      popup.textContent = "";
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (suggestion) {
        var option = document.createElement("li");
        option.id = popup.id + "-" + options.length;
        option.className = "search-suggest__option";
        option.setAttribute("role", "option");
        option.setAttribute("data-value", suggestion.name);
        var name = document.createElement("span");
        name.className = "search-suggest__name";
        name.textContent = suggestion.name;
        option.appendChild(name);
        if (suggestion.note) {
          var note = document.createElement("span");
          note.className = "search-suggest__generic";
          note.textContent = suggestion.note;
          option.appendChild(document.createTextNode(" "));
          option.appendChild(note);
        }
        popup.appendChild(option);
        options.push(option);
      });
    }

    function show(q, suggestions) {
      render(suggestions);
      shownFor = q;
      announce(
        options.length === 1
          ? "1 suggestion"
          : options.length
            ? options.length + " suggestions"
            : "No suggestions"
      );
      var highlight = pending;
      pending = null;
      if (!options.length) {
        close();
        return;
      }
      open();
      if (highlight === "first") setActive(0);
      else if (highlight === "last") setActive(options.length - 1);
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

    function fetchSuggestions() {
      timer = null;
      var q = query();
      if (controller) controller.abort();
      controller = new AbortController();
      var mine = ++sequence;
      var url = new URL(endpoint, window.location.href);
      url.searchParams.set("q", q);
      fetch(url.href, { headers: { Accept: "application/json" }, signal: controller.signal })
        .then(function (response) {
          if (!response.ok) throw new Error("suggestions: HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (mine !== sequence || q !== query()) return;
          controller = null;
          var found = localMatches(q);
          var seen = {};
          found.forEach(function (s) {
            seen[s.name.toLowerCase()] = true;
          });
          (Array.isArray(data && data.suggestions) ? data.suggestions : []).forEach(function (s) {
            if (!s || typeof s.name !== "string" || s.type !== "drug") return;
            if (!sameOriginUrl(s.url) || seen[s.name.toLowerCase()]) return;
            seen[s.name.toLowerCase()] = true;
            found.push({ name: s.name, note: s.generic ? "brand of " + s.generic : "" });
          });
          show(q, found);
        })
        .catch(function () {
          // Suggestions are a convenience: on failure the field still takes any name.
          if (mine === sequence) {
            controller = null;
            pending = null;
            close();
          }
        });
    }

    function update() {
      cancel();
      setActive(-1);
      if (query().length < MIN_LENGTH) {
        options = [];
        shownFor = null;
        popup.textContent = "";
        close();
        return;
      }
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    }

    function openOrFetch(highlight) {
      if (query().length < MIN_LENGTH) return;
      if (shownFor === query() && options.length) {
        open();
        if (highlight === "first") setActive(0);
        else if (highlight === "last") setActive(options.length - 1);
      } else {
        cancel();
        pending = highlight;
        fetchSuggestions();
      }
    }

    input.addEventListener("input", update);

    input.addEventListener("keydown", function (event) {
      if (event.altKey && event.key === "ArrowDown") {
        event.preventDefault();
        if (!isOpen()) openOrFetch(null);
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) openOrFetch("first");
          else setActive(active + 1 < options.length ? active + 1 : 0);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen()) openOrFetch("last");
          else setActive(active > 0 ? active - 1 : options.length - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            // Fill the field; a second Enter checks the list.
            event.preventDefault();
            choose(options[active]);
          } else {
            cancel();
            close();
          }
          break;
        case "Escape":
          if (isOpen() || timer !== null || controller !== null) {
            event.preventDefault();
            cancel();
            close();
          }
          break;
        case "Tab":
          cancel();
          close();
          break;
        case "ArrowLeft":
        case "ArrowRight":
        case "Home":
        case "End":
          setActive(-1);
          break;
      }
    });

    input.addEventListener("blur", function () {
      cancel();
      close();
    });

    // Keep focus in the field while the pointer is on the list, so a click can land.
    popup.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });

    popup.addEventListener("click", function (event) {
      choose(event.target.closest('[role="option"]'));
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

  var print = document.querySelector("[data-print]");
  if (print && window.print) {
    print.closest("[hidden]").hidden = false;
    print.addEventListener("click", function () {
      window.print();
    });
  }
})();
