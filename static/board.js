// The board's enhancements. Each card's Move button is a link to the card's
// move page; here it opens the same form in the card's dialog instead (a
// modal <dialog>: the rest of the page is inert, Escape closes it, the focus
// returns to the button). Drag and drop only fills in that form: dropping on
// the next stage submits it; dropping on a later stage (a skip) opens the
// dialog at the reason and confirmation, which the person completes before
// pressing Move. The server decides, as for any move. Columns marked
// data-droppable="false" (offer, contract, hired) never take a drop.
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
  function dialogOf(card) { return card.querySelector("dialog.board-dialog"); }
  function openDialog(card) {
    var d = dialogOf(card);
    if (d && !d.open && d.showModal) { d.showModal(); }
    return d;
  }
  function openSkip(card, focus) {
    var details = card.querySelector(".board-skip");
    if (!details) { return; }
    details.open = true;
    if (focus) { openDialog(card); card.querySelector("textarea[name='note']").focus(); }
  }

  Array.prototype.forEach.call(board.querySelectorAll(".board-card"), function (card) {
    var d = dialogOf(card), opener = card.querySelector(".board-move-open");
    if (!select(card) || !d || !d.showModal) { return; } // no move from the board, or no dialogs: the links stay
    card.draggable = true;
    card.classList.add("is-draggable");
    // Inside the open dialog, typing or picking must not start a drag.
    card.addEventListener("pointerdown", function (ev) {
      card.draggable = !ev.target.closest("dialog");
    });
    opener.setAttribute("role", "button");
    opener.setAttribute("aria-haspopup", "dialog");
    opener.addEventListener("click", function (ev) {
      ev.preventDefault();
      openDialog(card);
      select(card).focus();
    });
    opener.addEventListener("keydown", function (ev) {
      if (ev.key === " ") { ev.preventDefault(); opener.click(); }
    });
    d.querySelector("[data-dialog-close]").addEventListener("click", function () { d.close(); });
    // A click on the backdrop closes it too.
    d.addEventListener("click", function (ev) { if (ev.target === d) { d.close(); } });
    d.addEventListener("close", function () { opener.focus(); });
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
      if (allowed[col.dataset.stage] && col.dataset.droppable !== "false") { col.classList.add("drop-ok"); } else if (!col.contains(card)) { col.classList.add("drop-no"); }
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
