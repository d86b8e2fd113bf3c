// Bulk actions on the candidate list: "select all on this page", a live
// count of the ticked rows, and only the chosen action's fields. The form
// works without this file (every field shows, rows are ticked one by one).
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("input[name='ids']"));
  var all = document.getElementById("bulk-select-all");
  var count = document.getElementById("bulk-count");
  form.querySelectorAll("[data-bulk-js]").forEach(function (el) { el.hidden = false; });

  function ticked() { return rows.filter(function (r) { return r.checked; }).length; }
  function updateCount() {
    var n = ticked();
    count.textContent = n + " selected";
    all.checked = n > 0 && n === rows.length;
    all.indeterminate = n > 0 && n < rows.length;
  }
  all.addEventListener("change", function () {
    rows.forEach(function (r) { r.checked = all.checked; });
    updateCount();
  });
  rows.forEach(function (r) { r.addEventListener("change", updateCount); });
  updateCount();

  function chosen() {
    var c = form.querySelector("input[name='action']:checked");
    return c ? c.value : "";
  }
  function showFields() {
    var action = chosen();
    form.querySelectorAll("[data-bulk-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-bulk-for") !== action;
    });
  }
  form.querySelectorAll("input[name='action']").forEach(function (r) { r.addEventListener("change", showFields); });
  showFields();

  // Rejections are final for the candidate: ask once more.
  form.addEventListener("submit", function (ev) {
    var n = ticked();
    var preview = ev.submitter && ev.submitter.name === "preview"; // a preview changes nothing
    if (chosen() === "reject" && n > 0 && !preview && !window.confirm("Reject " + (n === 1 ? "1 candidate" : n + " candidates") + "? They will be told.")) {
      ev.preventDefault();
    }
  });
})();
