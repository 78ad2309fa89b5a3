// The hall counter's keyboard: officers live on keyboards. A letter presses the visible button that carries it
// (data-hc-key: G call next, L call again, B start, H finish, V did not come, C transfer, T dossier, D rating),
// never while typing in a field, never with a modifier key.
document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    const target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const key = (event.key || "").toLowerCase();
    if (key.length !== 1) return;
    const button = document.querySelector(`#hc-work [data-hc-key="${key}"]`);
    if (!button || button.offsetParent === null || button.disabled) return;
    event.preventDefault();
    button.click();
    if (button.tagName === "SUMMARY") {
      const select = button.parentElement.querySelector("select");
      if (select) window.setTimeout(() => select.focus(), 0);
    }
  });
});
