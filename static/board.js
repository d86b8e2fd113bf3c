// The board's drag and drop: an enhancement of each card's move form, which
// keeps working without it (and for keyboard users). A drop only fills in
// the card's form: dropping on the next stage submits it; dropping on a
// later stage (a skip) opens the reason and confirmation, which the person
// completes before pressing Move. The server decides, as for any move.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board || !("draggable" in board)) { return; }
  var live = document.getElementById("board-live");
  var columns = Array.prototype.slice.call(board.querySelectorAll(".board-column"));
  var dragged = null;

  function say(msg) { if (live) { live.textContent = msg; } }
  function select(card) { return card.querySelector("select[name='to']"); }
  // The card's move choices by stage key.
  function choices(card) {
    var out = {};
    Array.prototype.forEach.call(select(card).options, function (o) { out[o.value] = o; });
    return out;
  }
  function name(card) { return card.querySelector(".board-card-name").textContent.trim(); }
  function openSkip(card, focus) {
    var details = card.querySelector(".board-skip");
    if (!details) { return; }
    details.open = true;
    if (focus) { card.querySelector("textarea[name='note']").focus(); }
  }

  Array.prototype.forEach.call(board.querySelectorAll(".board-card"), function (card) {
    if (!select(card)) { return; } // no move from the board
    card.draggable = true;
    card.classList.add("is-draggable");
    // Typing in the reason or picking in the list must not start a drag.
    card.addEventListener("pointerdown", function (ev) {
      card.draggable = !ev.target.closest("input, select, textarea, button, summary");
    });
  });

  function reset() {
    dragged = null;
    board.classList.remove("is-dragging");
    columns.forEach(function (col) { col.classList.remove("drop-ok", "drop-no", "drop-over"); });
  }
  // The column under the pointer, when the dragged card may go there.
  function target(ev) {
    var col = dragged && ev.target.closest && ev.target.closest(".board-column");
    return col && col.classList.contains("drop-ok") ? col : null;
  }

  board.addEventListener("dragstart", function (ev) {
    var card = ev.target.closest && ev.target.closest(".board-card.is-draggable");
    if (!card) { return; }
    dragged = card;
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", name(card));
    var allowed = choices(card);
    board.classList.add("is-dragging");
    columns.forEach(function (col) {
      if (allowed[col.dataset.stage]) { col.classList.add("drop-ok"); } else if (!col.contains(card)) { col.classList.add("drop-no"); }
    });
  });
  board.addEventListener("dragend", reset);
  board.addEventListener("dragover", function (ev) {
    if (target(ev)) { ev.preventDefault(); ev.dataTransfer.dropEffect = "move"; }
  });
  board.addEventListener("dragenter", function (ev) {
    var col = target(ev);
    columns.forEach(function (c) { c.classList.toggle("drop-over", c === col); });
    if (col) { ev.preventDefault(); }
  });
  board.addEventListener("drop", function (ev) {
    var col = target(ev);
    if (!col) { return; }
    ev.preventDefault();
    var card = dragged;
    reset();
    var option = choices(card)[col.dataset.stage];
    select(card).value = option.value;
    if (option.hasAttribute("data-skip")) {
      openSkip(card, true);
      say(option.textContent.trim() + " for " + name(card) + ": give the reason, tick the confirmation, then press Move.");
      return;
    }
    say("Moving " + name(card) + "…");
    var form = card.querySelector("form");
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  });
  // Choosing a skip in the list unfolds its reason and confirmation too.
  board.addEventListener("change", function (ev) {
    if (ev.target.matches("select[name='to']")) {
      var o = ev.target.options[ev.target.selectedIndex];
      if (o && o.hasAttribute("data-skip")) { openSkip(ev.target.closest(".board-card"), false); }
    }
  });
})();
