// The pipeline editor on the position form. Without this file every "Move up"
// and "Move down" button posts the form back and the page returns with the
// stage moved; with it, the row moves in place, the focus stays on the button
// pressed, and the move is announced.
(function () {
  "use strict";
  var list = document.querySelector("[data-pipeline-editor]");
  var status = document.getElementById("pipeline-status");
  if (!list || !status) { return; }

  function rows() { return Array.prototype.slice.call(list.children); }
  function movable(row) { return row && !row.hasAttribute("data-fixed"); }
  function announce(text) {
    // Emptied first, so the same words said twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // Renumber the hidden places and mark the buttons that cannot move further.
  function refresh() {
    var all = rows();
    all.forEach(function (row, i) {
      var place = row.querySelector("input[type='hidden'][name^='order_']");
      if (place) { place.value = String(i + 1); }
      var up = row.querySelector("button[value^='up:']");
      var down = row.querySelector("button[value^='down:']");
      if (up) { up.setAttribute("aria-disabled", String(!movable(all[i - 1]))); }
      if (down) { down.setAttribute("aria-disabled", String(!movable(all[i + 1]))); }
    });
  }

  list.addEventListener("click", function (ev) {
    var button = ev.target.closest("button[name='pipeline_move']");
    if (!button) { return; }
    ev.preventDefault();
    var dir = button.value.split(":")[0];
    var row = button.closest("li");
    var name = row.getAttribute("data-name");
    var other = dir === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!movable(other)) {
      announce(dir === "up" ? name + " is already first." :
        name + " is already the last stage before the offer. Offer, Contract, Onboarding and Hired end the pipeline, in that order.");
      return;
    }
    // The neighbour moves, never the row holding the focus, so the focus stays.
    if (dir === "up") { list.insertBefore(other, row.nextElementSibling); } else { list.insertBefore(other, row); }
    refresh();
    button.focus();
    announce(name + " moved " + dir + ", to place " + (rows().indexOf(row) + 1) + " of " + rows().length + ".");
  });
})();
