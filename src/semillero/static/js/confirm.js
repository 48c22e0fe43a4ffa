// Ask before submitting a form that carries data-confirm="question" (e.g. revoking
// an API token). Kept in a file: the content security policy forbids inline scripts.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm) {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }
});
