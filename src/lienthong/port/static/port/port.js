// "Add a crew member": copy the last crew row with fresh field names. Without JavaScript the three
// empty rows still work, and a second submission brings three more.
document.addEventListener("DOMContentLoaded", () => {
  const add = document.getElementById("crew-add");
  const rows = document.getElementById("crew-rows");
  if (!add || !rows) return;
  add.addEventListener("click", () => {
    const last = rows.lastElementChild;
    const index = rows.children.length;
    const row = last.cloneNode(true);
    row.querySelectorAll("input").forEach((input) => {
      input.name = input.name.replace(/^crew-\d+-/, `crew-${index}-`);
      input.value = "";
    });
    rows.appendChild(row);
    row.querySelector("input").focus();
  });
});
