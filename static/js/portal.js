// Portal behaviour without inline handlers (the Content-Security-Policy allows no
// inline script): a <select data-autosubmit> submits its form when it changes.
// Selects still written with onchange="this.form.submit()" (blocked by the policy)
// get the same behaviour until their templates switch to data-autosubmit.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (!(field instanceof HTMLSelectElement) || !field.form) return;
  if (
    field.hasAttribute("data-autosubmit") ||
    field.getAttribute("onchange") === "this.form.submit()"
  ) {
    field.form.submit();
  }
});
