// Review queue keyboard: j/k or arrows move, Enter/c confirm, 1-5 choose a candidate, r reject.
// Decisions are posted with fetch (JSON answer); the decided proposal leaves the page and the next
// one becomes current, so an officer never leaves the keyboard.
(function () {
  "use strict";
  function all() { return Array.prototype.slice.call(document.querySelectorAll("article.proposal")); }
  function current() { return document.querySelector("article.proposal.current"); }
  function select(el) {
    var cur = current();
    if (cur) cur.classList.remove("current");
    if (!el) { document.getElementById("review-done").hidden = false; return; }
    el.classList.add("current");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = all(), i = list.indexOf(current());
    var next = list[Math.min(Math.max(i + step, 0), list.length - 1)];
    if (next) select(next);
  }
  function decide(action, cccd) {
    var el = current();
    if (!el || el.dataset.busy) return;
    el.dataset.busy = "1";
    var body = new URLSearchParams({ action: action });
    if (cccd) body.set("cccd", cccd);
    fetch(el.dataset.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": document.getElementById("review").dataset.csrf, "Accept": "application/json" }
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (!res.ok) { delete el.dataset.busy; alert(res.j.error || "Lỗi"); return; }
        var list = all(), i = list.indexOf(el);
        var next = list[i + 1] || list[i - 1] || null;
        el.remove();
        var total = document.querySelector("[data-testid=review-total]");
        if (total) total.textContent = Math.max(0, parseInt(total.textContent, 10) - 1);
        select(next);
      })
      .catch(function () { delete el.dataset.busy; alert("Không gửi được quyết định, thử lại."); });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    if (!current()) return;
    var k = e.key;
    if (k === "j" || k === "ArrowDown") { move(1); e.preventDefault(); }
    else if (k === "k" || k === "ArrowUp") { move(-1); e.preventDefault(); }
    else if (k === "Enter" || k === "c") {
      var proposed = current().querySelector(".candidate.proposed");
      decide("confirm", proposed ? proposed.dataset.cccd : null); e.preventDefault();
    }
    else if (k === "r") { decide("reject"); e.preventDefault(); }
    else if (/^[1-9]$/.test(k)) {
      var c = current().querySelector('.candidate[data-key="' + k + '"]');
      if (c) { decide(c.classList.contains("proposed") ? "confirm" : "choose", c.dataset.cccd); e.preventDefault(); }
    }
  });
  document.addEventListener("click", function (e) {
    var art = e.target.closest && e.target.closest("article.proposal");
    if (art && !art.classList.contains("current")) select(art);
  });
})();
