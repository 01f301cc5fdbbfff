// Small behaviours for server-rendered pages. No inline scripts anywhere (CSP-ready).
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-autosubmit submit when a select changes (the unit switcher).
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelectorAll(".sa-js-hide").forEach((el) => el.classList.add("d-none"));
    form.querySelectorAll("select").forEach((select) =>
      select.addEventListener("change", () => form.requestSubmit()));
  });
  // Tree toggles: htmx loads the children on the first click; later clicks fold and unfold.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-tree-toggle]");
    if (!button) return;
    const list = document.getElementById(button.getAttribute("aria-controls"));
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    button.textContent = open ? "+" : "−";
    if (button.dataset.loaded) list.hidden = open;
    button.dataset.loaded = "1";
  });
  // Buttons with data-confirm ask before they submit.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
});
