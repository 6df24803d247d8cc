// The liquid-dose converter, answered as the reader types. Without this script the form is
// sent to the server, which gives the same answers and messages (drugs/converter.py).
(function () {
  "use strict";
  var form = document.querySelector("form[data-converter]");
  if (!form) return;
  var result = form.querySelector("[data-converter-result]");
  var amountInput = form.querySelector("input[name=amount]");
  var SMALLEST = 0.01;
  var LARGEST = 10000;
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  function format(value) {
    return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  function checked(name) {
    return form.querySelector("input[name=" + name + "]:checked");
  }

  function answer() {
    var product = checked("liquid");
    var unit = checked("unit") ? checked("unit").value : "mg";
    var text = amountInput.value.trim();
    if (!product) return { error: "Choose one of the liquids listed." };
    if (!text) return { empty: true };
    if (text.length > 20 || !NUMBER.test(text)) {
      return { error: "Enter the amount as a number, such as 10 or 2.5." };
    }
    var amount = Number(text);
    if (amount <= 0) return { error: "Enter an amount more than zero." };
    if (amount < SMALLEST) return { error: "Enter at least 0.01 " + unit + "." };
    if (amount > LARGEST) {
      return {
        error: "That is far more than any dose: enter no more than 10,000 " + unit + ".",
      };
    }
    var perMl = Number(product.dataset.mgPerMl);
    var exact = unit === "mg" ? amount / perMl : amount * perMl;
    var rounded = Math.round((exact + Number.EPSILON) * 100) / 100;
    var about = Math.abs(rounded - exact) > 1e-9 ? "about " : "";
    var mg = unit === "mg" ? amount : rounded;
    var maximum = Number(form.dataset.dailyMaximumMg || 0);
    return {
      sentence:
        format(amount) + " " + unit + " of " + product.dataset.label + " is " + about +
        format(rounded) + " " + (unit === "mg" ? "mL" : "mg") + ".",
      // The same words as drugs/converter.py.
      over: maximum && mg > maximum
        ? format(mg) + " mg is more than the largest daily maximum on this page (" +
          format(maximum) + " mg a day). Check the amount you typed, and ask your doctor " +
          "or pharmacist before taking this much."
        : "",
    };
  }

  function show() {
    var outcome = answer();
    var errors = document.getElementById("converter-errors");
    if (errors) errors.remove();
    form.querySelectorAll(".tool-field__error").forEach(function (node) { node.remove(); });
    amountInput.removeAttribute("aria-invalid");
    amountInput.removeAttribute("aria-describedby");
    result.textContent = "";
    if (outcome.empty) return;
    var paragraph = document.createElement("p");
    if (outcome.error) {
      paragraph.className = "converter__message";
      paragraph.id = "converter-message";
      paragraph.textContent = outcome.error;
      amountInput.setAttribute("aria-invalid", "true");
      amountInput.setAttribute("aria-describedby", "converter-message");
    } else {
      var output = document.createElement("output");
      output.htmlFor = "converter-amount";
      output.textContent = outcome.sentence;
      paragraph.appendChild(output);
    }
    result.appendChild(paragraph);
    if (outcome.over) {
      var warning = document.createElement("p");
      warning.className = "converter__over";
      warning.setAttribute("role", "alert");
      warning.textContent = outcome.over;
      result.appendChild(warning);
    }
  }

  form.addEventListener("input", show);
  form.addEventListener("change", show);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show();
    // Keep the answer shareable: the address is the one the server would answer.
    var params = new URLSearchParams(new FormData(form));
    history.replaceState(null, "", "?" + params.toString() + "#converter");
  });
})();
