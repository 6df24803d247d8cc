// Search suggestions: each site search box becomes a WAI-ARIA 1.2 combobox with a listbox popup,
// "list autocomplete with manual selection":
// https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/
// Progressive enhancement only; without it the form still submits to /search/?q=.
(function () {
  "use strict";
  if (!window.fetch || !window.AbortController) return;

  var MIN_LENGTH = 2;
  var DELAY_MS = 150;

  function sameOriginUrl(value) {
    // Only follow links to this site, whatever the response says.
    try {
      var url = new URL(value, window.location.href);
      return url.origin === window.location.origin ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function enhance(form) {
    var input = form.querySelector(".search-form__input");
    var row = form.querySelector(".search-form__row");
    var endpoint = form.getAttribute("data-suggest-url");
    if (!input || !row || !endpoint || !input.id) return;

    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-suggest";
    list.setAttribute("role", "listbox");
    var label = form.querySelector(".search-form__label");
    if (label && label.id) list.setAttribute("aria-labelledby", label.id);
    list.hidden = true;
    row.appendChild(list);

    // Present from page load so screen readers pick up its changes.
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var options = [];
    var active = -1;
    var shownFor = null; // the query the options were fetched for
    var pending = null; // which option to highlight once a keyboard-requested fetch arrives
    var timer = null;
    var controller = null;
    var sequence = 0;

    function query() {
      return input.value.trim();
    }

    function isOpen() {
      return !list.hidden;
    }

    function announce(text) {
      // Repeating the same text would not be read again; a trailing no-break space changes it.
      status.textContent = status.textContent === text ? text + "\u00a0" : text;
    }

    function setActive(index) {
      if (active >= 0 && options[active]) options[active].removeAttribute("aria-selected");
      active = index;
      if (active >= 0 && options[active]) {
        var option = options[active];
        option.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function busy() {
      return timer !== null || controller !== null;
    }

    function cancel() {
      clearTimeout(timer);
      timer = null;
      pending = null;
      sequence++; // whatever is in flight is now stale
      if (controller) controller.abort();
      controller = null;
    }

    function go(option) {
      var url = option && sameOriginUrl(option.getAttribute("data-url"));
      if (!url) return;
      close();
      window.location.assign(url);
    }

    function render(suggestions) {
      list.textContent = "";
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (suggestion) {
        if (!suggestion || typeof suggestion.name !== "string") return;
        if (!sameOriginUrl(suggestion.url)) return;
        var option = document.createElement("li");
        option.id = listId + "-" + options.length;
        option.className = "search-suggest__option";
        option.setAttribute("role", "option");
        option.setAttribute("data-url", suggestion.url);
        var name = document.createElement("span");
        name.className = "search-suggest__name";
        name.textContent = suggestion.name;
        option.appendChild(name);
        var note = null;
        if (suggestion.generic) {
          note = document.createElement("span");
          note.className = "search-suggest__generic";
          note.textContent = "brand of " + suggestion.generic;
        } else if (suggestion.type === "article") {
          note = document.createElement("span");
          note.className = "search-suggest__type";
          note.textContent = "Guide";
        }
        if (note) {
          // The space keeps the accessible name readable: "Lioresal brand of Baclofen".
          option.appendChild(document.createTextNode(" "));
          option.appendChild(note);
        }
        list.appendChild(option);
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
          // A slower, older response must not replace a newer one.
          if (mine !== sequence || q !== query()) return;
          controller = null;
          show(q, Array.isArray(data && data.suggestions) ? data.suggestions : []);
        })
        .catch(function () {
          // Suggestions are a convenience: on failure the form still searches.
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
        list.textContent = "";
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
            event.preventDefault();
            go(options[active]);
          } else {
            cancel();
            close();
          }
          break;
        case "Escape":
          // Handled here so Chrome's own "Escape clears a search field" waits for a second press.
          event.preventDefault();
          if (isOpen() || busy()) {
            cancel();
            close();
          } else if (input.value) {
            input.value = "";
            update();
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
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });

    list.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) go(option);
    });

    form.addEventListener("submit", function () {
      cancel();
      close();
    });
  }

  document.querySelectorAll("form.search-form").forEach(enhance);
})();
