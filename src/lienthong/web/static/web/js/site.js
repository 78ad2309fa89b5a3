// Small behaviours for the header search box; everything else is plain HTML and htmx.
(function () {
  "use strict";
  function panel() { return document.getElementById("search-suggestions"); }
  function input() { return document.getElementById("search-input"); }
  function close() { var p = panel(); if (p) { p.innerHTML = ""; } }

  document.addEventListener("keydown", function (ev) {
    var box = input();
    if (!box) { return; }
    // "/" jumps to the search box from anywhere, as on many sites; not while typing in a field.
    if (ev.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      ev.preventDefault(); box.focus(); box.select(); return;
    }
    if (ev.key === "Escape") { close(); return; }
    // Arrow keys move between suggestions; Enter on the box itself still submits the full search.
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      var links = Array.prototype.slice.call(panel().querySelectorAll("a"));
      if (!links.length) { return; }
      var i = links.indexOf(document.activeElement);
      if (ev.key === "ArrowDown") { i = i < links.length - 1 ? i + 1 : 0; }
      else { i = i > 0 ? i - 1 : -1; }
      ev.preventDefault();
      if (i === -1) { box.focus(); } else { links[i].focus(); }
    }
  });
  // Suggestions again when the box regains focus with a query in it, once per page ("suggest" is the box's
  // htmx trigger; an htmx trigger filter would be evaluated as JavaScript source, which the CSP refuses).
  var suggested = false;
  document.addEventListener("focusin", function (ev) {
    var box = input();
    if (suggested || ev.target !== box || box.value.length <= 1 || !window.htmx) { return; }
    suggested = true;
    window.htmx.trigger(box, "suggest");
  });
  // Bars drawn from a figure (data-w, a percentage): set here because the CSP refuses style="" attributes.
  function bars(root) {
    var els = (root || document).querySelectorAll("[data-w]");
    for (var i = 0; i < els.length; i++) { els[i].style.setProperty("--w", els[i].getAttribute("data-w") + "%"); }
  }
  document.addEventListener("DOMContentLoaded", function () { bars(document); });
  document.addEventListener("htmx:load", function (ev) { bars(ev.target); });
  document.addEventListener("click", function (ev) {
    var form = document.getElementById("site-search");
    if (form && !form.contains(ev.target)) { close(); }
  });
})();
