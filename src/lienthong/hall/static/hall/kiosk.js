// The electronic board: search without diacritics as one types, an on-screen keyboard for the touch screen,
// the waiting figures refreshed every few tens of seconds (one small request per board), back to the board when
// nobody touches it; on the ticket page, the browser's print (when the board prints its own tickets) and the
// way back. Everything works without it too (the search is a GET form, each step a page).
(function () {
  "use strict";

  // The same key as lienthong.identity.text.fold: lower case, no diacritics, đ → d, single spaces.
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d")
      .toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  function search(board) {
    var box = board.querySelector("#k-q");
    if (!box) { return; }
    function apply() {
      var q = fold(box.value), shown = 0;
      board.querySelectorAll("[data-role=group]").forEach(function (group) {
        var any = false;
        group.querySelectorAll("[data-search]").forEach(function (s) {
          var hit = !q || s.getAttribute("data-search").indexOf(q) !== -1;
          s.hidden = !hit;
          if (hit) { any = true; shown += 1; }
        });
        group.hidden = !any;
      });
      var none = board.querySelector("[data-role=none]");
      if (none) { none.hidden = shown > 0; }
    }
    box.addEventListener("input", apply);
    apply();
  }

  function keyboard(board) {
    var keys = board.querySelector("[data-role=keyboard]");
    if (!keys) { return; }
    var target = null;
    board.querySelectorAll("[data-keyboard]").forEach(function (field) {
      field.addEventListener("focus", function () { target = field; keys.hidden = false; });
    });
    keys.addEventListener("pointerdown", function (ev) { ev.preventDefault(); });  // the field keeps its focus
    keys.addEventListener("click", function (ev) {
      var button = ev.target.closest("[data-key]");
      if (!button || !target) { return; }
      var key = button.getAttribute("data-key");
      if (key === "hide") { keys.hidden = true; target.blur(); return; }
      if (key === "enter") { keys.hidden = true; if (target.form) { target.form.requestSubmit(); } return; }
      if (key === "back") { target.value = target.value.slice(0, -1); }
      else { target.value += key; }
      target.dispatchEvent(new Event("input", {bubbles: true}));
      target.focus();
    });
  }

  function refresh(board) {
    var url = board.getAttribute("data-counts-url"), every = parseInt(board.getAttribute("data-refresh"), 10);
    if (!url || !every) { return; }
    function update() {
      if (document.hidden) { return; }
      fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (data) {
        if (!data) { return; }
        Object.keys(data.services).forEach(function (letter) {
          var row = data.services[letter];
          board.querySelectorAll('[data-letter="' + letter + '"]').forEach(function (el) {
            var w = el.querySelector("[data-role=waiting]"), e = el.querySelector("[data-role=wait]");
            if (w) { w.textContent = row.waiting_text; }
            if (e) { e.textContent = row.wait_text; }
            el.classList.toggle("k-closed", !row.open);
          });
        });
        var clock = board.querySelector("[data-role=clock]");
        if (clock && data.at) { clock.textContent = data.at.slice(-5); }
      }).catch(function () { /* the next round tries again */ });
    }
    window.setInterval(update, every * 1000);
  }

  // Nobody touched the board for a while: back to its first page (a half-typed search or an open step cleared).
  function idle(board) {
    var seconds = parseInt(board.getAttribute("data-idle"), 10), home = board.getAttribute("data-board-url");
    if (!seconds || !home) { return; }
    var timer = null;
    function dirty() {
      if (location.search) { return true; }
      return Array.prototype.some.call(board.querySelectorAll("input[data-keyboard]"), function (f) { return f.value; });
    }
    function arm() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { if (dirty()) { location.replace(home); } else { arm(); } }, seconds * 1000);
    }
    ["pointerdown", "keydown", "input"].forEach(function (name) { document.addEventListener(name, arm, true); });
    arm();
  }

  function ticketPage(page) {
    var home = page.getAttribute("data-board-url"), seconds = parseInt(page.getAttribute("data-back"), 10) || 8;
    if (page.getAttribute("data-print") === "1") {
      window.setTimeout(function () { window.print(); }, 300);
    }
    var left = seconds, counter = page.querySelector("[data-role=countdown]"), text = counter ? counter.textContent : "";
    window.setInterval(function () {
      left -= 1;
      if (counter) { counter.textContent = text.replace(String(seconds), String(Math.max(left, 0))); }
      if (left <= 0) { location.replace(home); }
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector("[data-testid=kiosk-board]");
    if (board) { search(board); keyboard(board); refresh(board); idle(board); }
    var page = document.querySelector("[data-testid=kiosk-ticket-page]");
    if (page) { ticketPage(page); }
  });
})();
