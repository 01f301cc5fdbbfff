// Zakat calculator and collection settings: small enhancements; every page also works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Rupiah inputs: show thousands separators once the field is left (1500000 -> 1.500.000).
  document.querySelectorAll("input[data-rupiah]").forEach((input) => {
    input.addEventListener("blur", () => {
      const digits = input.value.replace(/^\s*rp\.?\s*/i, "").replace(/[.\s]/g, "");
      if (/^\d+$/.test(digits)) input.value = digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    });
  });
  // Fields marked data-show-if="name=value" show only while that radio button is chosen.
  const dependents = document.querySelectorAll("[data-show-if]");
  const refresh = () => {
    dependents.forEach((el) => {
      const [name, value] = el.dataset.showIf.split("=");
      const form = el.closest("form") || document;
      const chosen = form.querySelector(`input[name="${name}"]:checked`);
      el.hidden = !chosen || chosen.value !== value;
    });
  };
  document.body.addEventListener("change", (event) => {
    if (event.target.matches("input[type=radio]")) refresh();
  });
  refresh();
});
