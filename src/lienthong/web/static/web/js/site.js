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
  document.addEventListener("click", function (ev) {
    var form = document.getElementById("site-search");
    if (form && !form.contains(ev.target)) { close(); }
  });
})();
