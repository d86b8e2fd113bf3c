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
      var held = form.querySelector("input[name='send'][value='held']:checked");
      var question = held ? "Reject this application? The candidate will be told when the position is filled." : "Reject this application? The candidate will be told.";
      var preview = ev.submitter && ev.submitter.name === "preview"; // a preview changes nothing
      if (choice && choice.value === "rejected" && !preview && !window.confirm(question)) {
        ev.preventDefault();
      }
    });
  });
  // A candidate without a time zone yet: tell the portal the browser's, once
  // (the layout renders this form only then), and show the page again when
  // the portal answers 200: the zone was kept and differs from the portal's,
  // in which this page was shown. Without JavaScript the portal's zone
  // applies and the page says so (a noscript note in the layout).
  var detect = document.querySelector("form[data-zone-detect]");
  if (detect && window.fetch && window.FormData && window.Intl) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (zone) {
      detect.querySelector("input[name='time_zone']").value = zone;
      fetch(detect.action, { method: "POST", body: new FormData(detect), credentials: "same-origin" }).then(function (res) {
        if (res.status === 200 && !document.querySelector(".error-summary")) {
          window.location.replace(window.location.href);
        }
      }).catch(function () {});
    }
  }
  // Typing the days of a later send chooses "In a number of days".
  document.querySelectorAll("fieldset.send-time").forEach(function (group) {
    var days = group.querySelector("input[name='send_in_days']");
    var later = group.querySelector("input[name='send'][value='later']");
    if (days && later) {
      days.addEventListener("input", function () { if (days.value.trim() !== "") { later.checked = true; } });
    }
  });
  // A rejection's preview, once shown, follows the chosen wording and send
  // time (without this, the form's Preview button shows it again).
  document.querySelectorAll("select[data-preview-app]").forEach(function (select) {
    var form = select.form;
    form.addEventListener("change", function (ev) {
      var name = ev.target && ev.target.name;
      if (name !== "wording" && name !== "send" && name !== "send_in_days") { return; }
      var shown = form.querySelector("[data-testid='rejection-preview']");
      if (!shown || !window.fetch) { return; }
      var body = new URLSearchParams(new FormData(form));
      body.set("preview", "1");
      fetch(form.action, {method: "POST", body: body, credentials: "same-origin"}).then(function (res) {
        return res.ok ? res.text() : null;
      }).then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-preview-app='" + select.getAttribute("data-preview-app") + "']");
        fresh = fresh && fresh.form && fresh.form.querySelector("[data-testid='rejection-preview']");
        shown = form.querySelector("[data-testid='rejection-preview']");
        if (fresh && shown) { shown.replaceWith(document.importNode(fresh, true)); }
      });
    });
  });
  // The "More" menu closes on Escape (focus back on it) and on a click elsewhere.
  document.querySelectorAll("details.nav-more").forEach(function (menu) {
    menu.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
    document.addEventListener("click", function (ev) {
      if (menu.open && !menu.contains(ev.target)) { menu.open = false; }
    });
  });
})();
