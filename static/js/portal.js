// Portal behaviour without inline handlers (the Content-Security-Policy allows no
// inline script).

// A <select data-autosubmit> submits its form when it changes.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.form && field.hasAttribute("data-autosubmit")) {
    field.form.submit();
  }
});

// A textarea with a maxlength shows "used / allowed" in its [data-counter-for] line
// (templates/huitian/_field.html renders it).
function updateCounter(area) {
  var counter = document.querySelector('[data-counter-for="' + area.id + '"]');
  if (!counter) return;
  var max = area.getAttribute("maxlength");
  counter.textContent = area.value.length + " / " + max;
  counter.classList.toggle("text-danger", area.value.length >= max);
}
document.addEventListener("input", function (event) {
  if (event.target instanceof HTMLTextAreaElement && event.target.id) updateCounter(event.target);
});
document.querySelectorAll("textarea[maxlength]").forEach(updateCounter);
