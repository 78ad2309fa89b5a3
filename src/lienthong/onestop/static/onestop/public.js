// The citizens' portal: a file over the per-file limit is refused as soon as it is chosen, naming its paper,
// so a phone does not upload 30 MB only to hear it back from the server (which checks it again anyway).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) return;
  const box = input.parentElement.querySelector(".error");
  const file = input.files && input.files[0];
  if (file && file.size > Number(input.dataset.maxBytes)) {
    input.value = "";
    if (box) { box.textContent = input.dataset.tooLarge; box.hidden = false; }
  } else if (box) {
    box.hidden = true;  // a new file: the message about the previous one no longer applies
  }
});
