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
  // "Use my location" (data-geo-button) fills the form's [data-geo=lat] and [data-geo=lon] fields.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-geo-button]");
    if (!button) return;
    const status = button.parentNode.querySelector("[data-geo-status]");
    const form = button.closest("form");
    if (!navigator.geolocation || !window.isSecureContext) { status.textContent = button.dataset.unsupported; return; }
    status.textContent = button.dataset.busy;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition((position) => {
      form.querySelector("[data-geo=lat]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[data-geo=lon]").value = position.coords.longitude.toFixed(6);
      status.textContent = button.dataset.done.replace("%(m)s", Math.round(position.coords.accuracy));
      button.disabled = false;
    }, () => {
      status.textContent = button.dataset.failed;
      button.disabled = false;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
  // Forms with a person/organisation choice (data-kind-form) show only the fields of the chosen kind.
  document.querySelectorAll("form[data-kind-form]").forEach((form) => {
    const show = () => {
      const checked = form.querySelector("input[name=kind]:checked");
      const organisation = checked !== null && checked.value === "organisation";
      form.querySelectorAll("[data-person-only]").forEach((el) => { el.hidden = organisation; });
      form.querySelectorAll("[data-org-only]").forEach((el) => { el.hidden = !organisation; });
    };
    form.querySelectorAll("input[name=kind]").forEach((radio) => radio.addEventListener("change", show));
    show();
  });
  // Buttons with data-confirm ask before they submit, but only a form that is filled in as required:
  // an empty required field goes to the server, which refuses it beside the field, with no question first.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (!button || (button.form && !button.form.checkValidity())) return;
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
});
