// The hall display: listens to the hall's server-sent events (hall.feed), shows each call big, keeps the last calls
// of each counter and the waiting counts, plays the chime and the spoken call. EventSource reconnects by itself
// (with Last-Event-ID, so the server re-sends what was missed); if it gives up (an HTTP error from a proxy while
// the server restarts), a new one is made with ?after=<the last id shown>.
(() => {
  "use strict";
  const root = document.getElementById("hall-display");
  if (!root) return;
  const NOW_CALLING = 3;
  const RECENT = 3;
  const label = root.dataset.counterLabel || "Counter";
  let lastId = Number(root.dataset.lastId || 0);
  const seen = new Set();
  const conn = document.getElementById("hd-conn");
  const calls = document.getElementById("hd-calls");
  const rows = document.getElementById("hd-counter-rows");
  const soundButton = document.getElementById("hd-sound");

  // --- the clock: the centre's time, whatever the TV's zone ---------------------------------------------------
  const clock = document.getElementById("hd-clock");
  const date = document.getElementById("hd-date");
  const hm = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hour12: false });
  const dmy = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" });
  const tick = () => {
    const now = new Date();
    clock.textContent = hm.format(now);
    const day = dmy.format(now);
    // A new day: the page starts afresh (yesterday's calls off the screen, the day's numbering from 001).
    if (date.dataset.day && date.dataset.day !== day) window.location.reload();
    date.dataset.day = day;
    date.textContent = day;
  };
  tick();
  setInterval(tick, 1000);

  // --- sound ----------------------------------------------------------------------------------------------------
  // Browsers play sound only after a click on the page (a kiosk Chromium started with
  // --autoplay-policy=no-user-gesture-required needs none): the button stays until sound has played once.
  const player = new Audio();
  const queue = [];
  let playing = false;
  const soundWorks = () => { soundButton.hidden = true; root.dataset.sound = "on"; };
  const playNext = () => {
    if (playing || !queue.length) return;
    playing = true;
    player.src = queue.shift();
    player.play().then(soundWorks).catch(() => {
      playing = false;
      queue.length = 0;
      soundButton.hidden = false;
    });
  };
  player.addEventListener("ended", () => { playing = false; playNext(); });
  player.addEventListener("error", () => { playing = false; playNext(); });
  const say = (url) => { if (url) { queue.push(url); playNext(); } };
  soundButton.addEventListener("click", () => { say(root.dataset.chime); });
  // Allowed without a click already? A silent try tells (the kiosk flag above).
  const probe = new Audio(root.dataset.chime);
  probe.volume = 0;
  probe.play().then(() => { probe.pause(); soundWorks(); }).catch(() => {});

  // --- drawing --------------------------------------------------------------------------------------------------
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const flash = (e) => {
    e.classList.remove("hd-flash");
    void e.offsetWidth; // restart the animation
    e.classList.add("hd-flash");
  };
  const showCall = (d) => {
    for (const old of calls.querySelectorAll("[data-none], [data-ticket]")) {
      if (old.dataset.none || old.dataset.ticket === d.ticket) old.remove();
    }
    const li = el("li", "hd-call hd-call-main");
    li.dataset.ticket = d.ticket;
    li.append(el("span", "hd-ticket", d.ticket), el("span", "hd-arrow", "→"), el("span", "hd-counter", `${label} ${d.counter}`));
    li.lastChild.previousSibling.setAttribute("aria-hidden", "true");
    for (const other of calls.children) other.classList.remove("hd-call-main");
    calls.prepend(li);
    while (calls.children.length > NOW_CALLING) calls.lastElementChild.remove();
    flash(li);

    let row = rows.querySelector(`tr[data-counter="${d.counter}"]`);
    if (!row) {
      row = el("tr");
      row.dataset.counter = d.counter;
      const th = el("th", "", `${label} ${d.counter}`);
      th.scope = "row";
      row.append(th, el("td", "hd-recent"));
      rows.append(row);
    }
    const cell = row.querySelector(".hd-recent");
    for (const code of cell.querySelectorAll(".hd-code")) if (code.textContent === d.ticket) code.remove();
    cell.prepend(el("span", "hd-code", d.ticket));
    while (cell.children.length > RECENT) cell.lastElementChild.remove();
    flash(row);
  };
  const showWaiting = (waiting) => {
    if (!waiting) return;
    for (const [letter, n] of Object.entries(waiting)) {
      const b = root.querySelector(`.hd-service[data-letter="${letter}"] .hd-n`);
      if (b) b.textContent = String(n);
    }
  };
  const onEvent = (ev) => {
    let d;
    try { d = JSON.parse(ev.data); } catch (e) { return; }
    const id = Number(ev.lastEventId || d.id);
    if (id > lastId) lastId = id;
    if (seen.has(id)) return;
    seen.add(id);
    showWaiting(d.waiting);
    if (ev.type === "call" || ev.type === "recall") {
      showCall(d);
      if (d.speak) say(d.audio);
    }
    root.dataset.lastShown = String(id);
  };

  // --- the stream -----------------------------------------------------------------------------------------------
  let source = null;
  let again = null;
  let lost = null;
  const state = (s) => {
    conn.dataset.state = s;
    conn.textContent = s === "live" ? root.dataset.live : root.dataset.lost;
  };
  const connect = () => {
    clearTimeout(again);
    if (source) source.close();
    source = new EventSource(`${root.dataset.events}?after=${lastId}`);
    for (const kind of ["call", "recall", "queue"]) source.addEventListener(kind, onEvent);
    source.addEventListener("open", () => { clearTimeout(lost); lost = null; state("live"); });
    source.addEventListener("error", () => {
      // A stream ends every minute and a half and reconnects at once: say "lost" only if it stays lost (the
      // browser's retries fail every second meanwhile: the first failure starts the clock).
      if (lost === null) lost = setTimeout(() => state("lost"), 2500);
      if (source.readyState === EventSource.CLOSED) again = setTimeout(connect, 3000);
    });
  };
  connect();
})();
