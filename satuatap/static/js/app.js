// Small behaviours for server-rendered pages. No inline scripts anywhere (CSP-ready).
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked data-autosubmit submit when a select changes (the unit switcher).
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.querySelectorAll(".sa-js-hide").forEach((el) => el.classList.add("d-none"));
    form.querySelectorAll("select").forEach((select) =>
      select.addEventListener("change", () => form.requestSubmit()));
  });
  // Buttons with data-confirm ask before they submit.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
});
