// The guide body's editor (articles/widgets.py): a live preview the server renders with the
// site's own Markdown renderer and sanitiser, and a picker that inserts links to drugs and
// guides. A static file added through the widget's Media, as the Content-Security-Policy asks.
(function () {
  "use strict";

  function csrfToken(element) {
    const form = element.closest("form");
    const input = form && form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function debounce(fn, wait) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  function setUp(editor) {
    const textarea = editor.querySelector("textarea");
    const preview = editor.querySelector(".markdown-editor__preview");
    const picker = editor.querySelector(".markdown-editor__picker");
    const search = picker.querySelector("input[type=search]");
    const choices = picker.querySelector(".markdown-editor__choices");
    let sent = 0;

    async function refresh() {
      const ticket = ++sent;
      const body = new FormData();
      body.append("body", textarea.value);
      try {
        const response = await fetch(editor.dataset.previewUrl, {
          method: "POST",
          body: body,
          headers: {"X-CSRFToken": csrfToken(editor)},
          credentials: "same-origin",
        });
        if (!response.ok || ticket !== sent) {
          return;
        }
        const data = await response.json();
        // Sanitised on the server by articles/markdown.py (nh3), as on the public page.
        preview.innerHTML = data.html;
      } catch (error) {
        preview.textContent = "The preview could not be loaded.";
      }
    }

    function insertLink(label, url) {
      const start = textarea.selectionStart;
      const end = textarea.selectionEnd;
      const selected = textarea.value.slice(start, end);
      const text = "[" + (selected || label).replace(/[[\]]/g, "") + "](" + url + ")";
      textarea.setRangeText(text, start, end, "end");
      textarea.focus();
      textarea.dispatchEvent(new Event("input", {bubbles: true}));
    }

    async function lookUp() {
      const query = search.value.trim();
      choices.replaceChildren();
      if (query.length < 2) {
        return;
      }
      const url = new URL(editor.dataset.linksUrl, window.location.href);
      url.searchParams.set("q", query);
      const response = await fetch(url, {credentials: "same-origin"});
      if (!response.ok) {
        return;
      }
      const data = await response.json();
      for (const result of data.results) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.textContent = result.label + " (" + result.kind + ")";
        button.addEventListener("click", () => {
          insertLink(result.label, result.url);
          search.value = "";
          choices.replaceChildren();
        });
        item.append(button);
        choices.append(item);
      }
      if (!data.results.length) {
        const item = document.createElement("li");
        item.textContent = "No drug or guide by that name.";
        choices.append(item);
      }
    }

    preview.hidden = false;
    picker.hidden = false;
    textarea.addEventListener("input", debounce(refresh, 300));
    search.addEventListener("input", debounce(lookUp, 250));
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();  // not a submit of the whole guide
        lookUp();
      }
    });
    refresh();
  }

  function start() {
    document.querySelectorAll("[data-markdown-editor]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
