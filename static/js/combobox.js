// A text field that suggests as the reader types: a WAI-ARIA 1.2 combobox with a listbox popup,
// "list autocomplete with manual selection". The site search box (search.js) and the
// interaction checker's fields (checker.js) are both built on it.
// https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY_MS = 150;

  function sameOriginUrl(value) {
    // Only follow links to this site, whatever a response says.
    try {
      var url = new URL(value, window.location.href);
      return url.origin === window.location.origin ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  // input: the field; popup: an empty <ul> whose id is set (and may change later).
  // config.endpoint: the suggestions URL (?q= is added);
  // config.items(data, q): the response turned into [{name, note, noteClass, ...}];
  // config.choose(item): what choosing one does (the popup is closed first);
  // config.announce(text): speaks through the page's status region;
  // config.clearOnEscape: Escape with nothing open empties the field (a search box).
  // Returns {dismiss}: cancels what is in flight and closes the popup.
  function combobox(input, popup, config) {
    popup.classList.add("search-suggest");
    popup.setAttribute("role", "listbox");
    popup.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");

    var options = [];
    var items = [];
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
      return !popup.hidden;
    }

    function busy() {
      return timer !== null || controller !== null;
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
      sequence++; // whatever is in flight is now stale
      if (controller) controller.abort();
      controller = null;
    }

    function choose(option) {
      var index = options.indexOf(option);
      if (index < 0) return;
      shownFor = null;
      close();
      config.choose(items[index]);
    }

    function render(found) {
      popup.textContent = "";
      options = [];
      items = found;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      found.forEach(function (item) {
        var option = document.createElement("li");
        option.id = popup.id + "-" + options.length;
        option.className = "search-suggest__option";
        option.setAttribute("role", "option");
        var name = document.createElement("span");
        name.className = "search-suggest__name";
        name.textContent = item.name;
        option.appendChild(name);
        if (item.note) {
          var note = document.createElement("span");
          note.className = item.noteClass || "search-suggest__generic";
          note.textContent = item.note;
          // The space keeps the accessible name readable: "Lioresal brand of Baclofen".
          option.appendChild(document.createTextNode(" "));
          option.appendChild(note);
        }
        popup.appendChild(option);
        options.push(option);
      });
    }

    function same(a, b) {
      return a.name === b.name && (a.note || "") === (b.note || "");
    }

    function show(q, found) {
      // The option the reader highlighted in the list shown so far (typed on, then an arrow
      // key before the newer suggestions came) stays highlighted if they hold it too: else
      // Enter, meant to choose it, would send what was typed.
      var kept = active >= 0 ? items[active] : null;
      render(found);
      shownFor = q;
      config.announce(
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
      else if (kept) {
        for (var index = 0; index < items.length; index++) {
          if (same(items[index], kept)) {
            setActive(index);
            break;
          }
        }
      }
    }

    function fetchSuggestions() {
      timer = null;
      var q = query();
      if (controller) controller.abort();
      controller = new AbortController();
      var mine = ++sequence;
      var url = new URL(config.endpoint, window.location.href);
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
          show(q, config.items(data, q));
        })
        .catch(function () {
          // Suggestions are a convenience: on failure the field still works as typed.
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

    function dismiss() {
      cancel();
      close();
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
            choose(options[active]);
          } else {
            dismiss();
          }
          break;
        case "Escape":
          if (isOpen() || busy()) {
            event.preventDefault();
            dismiss();
          } else if (config.clearOnEscape) {
            // Handled here so Chrome's own "Escape clears a search field" waits for a
            // second press.
            event.preventDefault();
            if (input.value) {
              input.value = "";
              update();
            }
          }
          break;
        case "Tab":
          dismiss();
          break;
        case "ArrowLeft":
        case "ArrowRight":
        case "Home":
        case "End":
          setActive(-1);
          break;
      }
    });

    input.addEventListener("blur", dismiss);

    // Keep focus in the field while the pointer is on the list, so a click can land.
    popup.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });

    popup.addEventListener("click", function (event) {
      choose(event.target.closest('[role="option"]'));
    });

    return { dismiss: dismiss };
  }

  window.MedGuide = window.MedGuide || {};
  window.MedGuide.combobox = combobox;
  window.MedGuide.sameOriginUrl = sameOriginUrl;
})();
