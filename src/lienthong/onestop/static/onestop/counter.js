// The counter's intake page. A USB scanner is a keyboard: it types the card's code into the focused field and
// presses Enter, which submits the scan form (htmx posts it). After each read the field is emptied and keeps
// the focus for the next card; Enter in the procedure search must not receive the dossier.
document.addEventListener("DOMContentLoaded", () => {
  const scan = document.getElementById("qr");
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form && form.id === "scan-form" && scan) {
      scan.value = "";
      const search = document.getElementById("procedure-q");
      if (search && event.detail.successful) search.focus(); else scan.focus();
    }
  });
  document.body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target && event.target.id === "procedure-q") event.preventDefault();
  });
});
