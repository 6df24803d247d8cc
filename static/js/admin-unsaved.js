// Warns before leaving a change form with unsaved edits (issue 14). Added through the admin's
// Media (medguide/editing.py), so it is a static file the Content-Security-Policy allows.
// The form's values are compared with those it opened with, so typing a change and undoing it
// does not warn; submitting the form (Save or a workflow button) never does.
(function () {
  "use strict";

  function snapshot(form) {
    const values = [];
    for (const element of form.elements) {
      if (!element.name || element.type === "file" || element.name === "csrfmiddlewaretoken") {
        continue;
      }
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) {
        continue;
      }
      if (element.type === "submit" || element.type === "button") {
        continue;
      }
      if (element.tagName === "SELECT" && element.multiple) {
        values.push(element.name + "=" + Array.from(element.selectedOptions, (o) => o.value).join(","));
      } else {
        values.push(element.name + "=" + element.value);
      }
    }
    return values.join("\n");
  }

  function watch() {
    const form = document.querySelector("#content-main form[method=post]");
    if (!form || !form.querySelector("[name=csrfmiddlewaretoken]")) {
      return;
    }
    let opened = snapshot(form);
    let submitting = false;
    form.addEventListener("submit", () => { submitting = true; });
    window.addEventListener("beforeunload", (event) => {
      if (submitting || snapshot(form) === opened) {
        return;
      }
      event.preventDefault();
      event.returnValue = "";  // older browsers show their own wording, not this
    });
    // Back from the browser's page cache: whatever was saved is the new starting point.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) {
        opened = snapshot(form);
        submitting = false;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
}());
