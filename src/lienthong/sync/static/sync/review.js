// Review queue keyboard: j/k or arrows move, 1-5 choose a candidate, r none of them, u undo the last
// decision; Enter/c confirm the preselected person, which exists only when a candidate reaches the
// engine's automatic-link threshold (otherwise Enter only points at the hint: nothing is decided).
// Decisions are posted with fetch (JSON answer); the decided proposal leaves the page, the next one
// becomes current, and the undo bar offers to take the decision back.
(function () {
  "use strict";
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "vi");
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
  function setCount(name, value) {
    var box = document.querySelector("[data-testid=review-count]");
    box.dataset[name] = value;
    var span = box.querySelector("[data-testid=review-" + name + "]");
    if (span) span.textContent = fmt.format(value);
  }
  function counted() {  // one proposal fewer on this page and in the queue
    var box = document.querySelector("[data-testid=review-count]");
    setCount("total", Math.max(0, parseInt(box.dataset.total, 10) - 1));
    setCount("end", Math.max(0, parseInt(box.dataset.end, 10) - 1));
  }
  function showUndo(res) {
    var bar = document.getElementById("undo-bar");
    bar.querySelector("[data-testid=undo-text]").textContent = res.text;
    document.getElementById("undo-form").action = res.undo_url;
    bar.hidden = false;
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
        if (res.j.pending) {  // it would change a verified identity: a second officer decides (issue 9)
          delete el.dataset.busy;
          var badge = document.createElement("span");
          badge.className = "badge badge-expiring";
          badge.dataset.testid = "identity-change-pending";
          badge.textContent = res.j.message;
          el.querySelector(".proposal-head").appendChild(badge);
          return;
        }
        var list = all(), i = list.indexOf(el);
        var next = list[i + 1] || list[i - 1] || null;
        var reg = el.querySelector(".reg").textContent;
        el.remove();
        counted();
        showUndo({ text: reg + ": " + res.j.summary + ".", undo_url: res.j.undo_url });
        select(next);
      })
      .catch(function () { delete el.dataset.busy; alert("Không gửi được quyết định, thử lại."); });
  }
  function noDefault(el) {  // Enter without a preselected person: point at the hint, decide nothing
    var hint = el.querySelector("[data-testid=no-default]");
    if (hint) { hint.classList.remove("flash"); void hint.offsetWidth; hint.classList.add("flash"); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.tagName === "BUTTON" || t.tagName === "A")) return;
    var k = e.key;
    if (k === "u") {
      var bar = document.getElementById("undo-bar");
      if (!bar.hidden) { document.getElementById("undo-form").requestSubmit(); e.preventDefault(); }
      return;
    }
    var el = current();
    if (!el) return;
    if (k === "j" || k === "ArrowDown") { move(1); e.preventDefault(); }
    else if (k === "k" || k === "ArrowUp") { move(-1); e.preventDefault(); }
    else if (k === "Enter" || k === "c") {
      e.preventDefault();
      if (el.dataset.default) decide("confirm", el.dataset.default); else noDefault(el);
    }
    else if (k === "r") { decide("reject"); e.preventDefault(); }
    else if (/^[1-9]$/.test(k)) {
      var c = el.querySelector('.candidate[data-key="' + k + '"]');
      if (c) { decide(c.dataset.default ? "confirm" : "choose", c.dataset.cccd); e.preventDefault(); }
    }
  });
  document.addEventListener("click", function (e) {
    var art = e.target.closest && e.target.closest("article.proposal");
    if (art && !art.classList.contains("current")) select(art);
  });
})();
