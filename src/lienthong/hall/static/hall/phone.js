// A ticket's phone page: asks the ticket's status every data-refresh seconds (and when the screen comes back on)
// and fills the fields; once called, the counter shows big and the phone vibrates. Stops once the ticket is done.
(() => {
  "use strict";
  const root = document.getElementById("hall-phone");
  if (!root) return;
  const every = Math.max(5, Number(root.dataset.refresh || 20)) * 1000;
  let timer = null;
  let wasCalled = root.dataset.state === "called";
  const set = (name, value) => {
    for (const e of root.querySelectorAll(`[data-field="${name}"]`)) e.textContent = value === null || value === undefined ? "" : String(value);
  };
  const show = (which, on) => { for (const e of root.querySelectorAll(`[data-show="${which}"]`)) e.hidden = !on; };
  const apply = (s) => {
    root.dataset.state = s.state;
    set("state_label", s.state_label);
    set("position", s.position);
    set("estimate_minutes", s.estimate_minutes);
    set("counter", s.counter);
    set("time", new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(new Date()));
    show("waiting", s.position !== null);
    show("called", s.counter !== null);
    const called = s.counter !== null;
    if (called && !wasCalled && navigator.vibrate) navigator.vibrate([300, 150, 300]);
    wasCalled = called;
    if (s.state !== "waiting") for (const f of root.querySelectorAll(".hp-notify")) f.hidden = true;
    return !s.final;
  };
  const refresh = async () => {
    clearTimeout(timer);
    let more = true;
    try {
      const r = await fetch(root.dataset.status, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (r.ok) more = apply(await r.json());
    } catch (e) { /* offline for a moment: try again later */ }
    if (more) timer = setTimeout(refresh, every);
  };
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") refresh(); });
  timer = setTimeout(refresh, every);
})();
