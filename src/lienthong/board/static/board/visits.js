// The volunteer's visit form on a bad connection: each visit is kept in this phone's storage with its own id the
// moment it is saved, and sent (oldest first) now, when the browser says it is back online, and every 30 seconds;
// the server stores a visit once whatever how often it arrives. Without this script the form posts as usual.
(function () {
  "use strict";
  var form = document.querySelector("[data-visit-form]");
  var box = document.querySelector("[data-queue]");
  if (!form || !box || !window.localStorage || !window.fetch) return;
  var KEY = "lienthong.visits.v1";
  var sending = false, sent = 0;

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function store(q) { localStorage.setItem(KEY, JSON.stringify(q)); }
  function say(text) { box.hidden = false; box.textContent = text; }
  function status() {
    var n = load().length;
    if (n) say(box.getAttribute("data-waiting").replace("{n}", n));
    else if (sent) say(box.getAttribute("data-sent").replace("{n}", sent));
  }
  // crypto.randomUUID needs https; getRandomValues works on an intranet's plain http too.
  function uuid4() {
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function now() {
    var d = new Date();
    return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear() + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function post(item) {
    var body = new FormData();
    Object.keys(item).forEach(function (k) { [].concat(item[k]).forEach(function (v) { body.append(k, v); }); });
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl && setTimeout(function () { ctl.abort(); }, 15000);
    return fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json" }, signal: ctl ? ctl.signal : undefined })
      .then(function (r) { if (timer) clearTimeout(timer); return r; });
  }
  function drop(id) { store(load().filter(function (x) { return x.client_id !== id; })); }
  function flush() {
    var q = load();
    if (sending || !q.length) { status(); return; }
    sending = true;
    var item = q[0];
    post(item).then(function (r) {
      if (r.ok) { drop(item.client_id); sent += 1; return true; }
      if (r.status === 400) {  // refused as it stands: the volunteer logs it again
        return r.json().then(function (body) {
          drop(item.client_id);
          var why = Object.keys(body.errors || {}).map(function (k) { return body.errors[k]; }).join(" ");
          say(box.getAttribute("data-refused") + " " + item.household + " — " + why);
          return false;
        });
      }
      if (r.type === "opaqueredirect" || r.status === 403) { say(box.getAttribute("data-login")); return false; }
      throw new Error("HTTP " + r.status);
    }).then(function (more) {
      sending = false;
      if (more) flush();
    }, function () { sending = false; status(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.checkValidity() || !form.querySelector("[name=topics]:checked")) {
      form.reportValidity();
      if (!form.querySelector("[name=topics]:checked")) form.querySelector("[name=topics]").focus();
      return;
    }
    var item = { client_id: uuid4(), topics: [] };
    new FormData(form).forEach(function (v, k) {
      if (k === "csrfmiddlewaretoken" || k === "client_id") return;
      if (k === "topics") item.topics.push(v); else item[k] = v;
    });
    var q = load(); q.push(item); store(q);
    var commune = form.elements.commune_code.value;
    form.reset();
    form.elements.commune_code.value = commune;
    form.elements.visited_at.value = now();
    say(box.getAttribute("data-saved"));
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 30000);
  flush();
})();
