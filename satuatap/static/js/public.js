// Public pages: copy buttons for bank account numbers. Without JavaScript (or a clipboard) the
// buttons stay hidden and the number can be selected by hand.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  const status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(button.dataset.copy).then(() => {
        if (status) status.textContent = status.dataset.copied;
      });
    });
  });
});
