// Forms marked data-busy say they are working once submitted (uploads take a few seconds)
// and cannot be sent twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-busy]")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  form.querySelectorAll("[type=submit]").forEach((button) => button.setAttribute("aria-disabled", "true"));
  const status = form.querySelector("[data-busy-status]");
  if (status) status.textContent = form.dataset.busy;
});
