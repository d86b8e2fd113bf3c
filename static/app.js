// Small enhancements only; every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) { summary.focus(); }
  // Ask before irreversible actions: any form with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
  // Ask before irreversible status changes.
  document.querySelectorAll("form[data-testid='status-form']").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var choice = form.querySelector("input[name='status']:checked");
      if (choice && choice.value === "rejected" && !window.confirm("Reject this application? The candidate will be told.")) {
        ev.preventDefault();
      }
    });
  });
})();
