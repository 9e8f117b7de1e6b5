// The need form (procurement/templates/procurement/need_form.html), without inline script:
// - a search box filters the grouped category list;
// - as the resident types the title and text, the likely categories are fetched
//   (GET [data-suggest-url]?title=&text=) and offered as buttons; a tap chooses one,
//   and the resident can still choose any other.
(function () {
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var select = form.querySelector("select[name=category]");
  var search = form.querySelector("#category-search");
  var box = form.querySelector("#category-suggestions");
  var title = form.querySelector("[name=title]");
  var text = form.querySelector("[name=text]");
  if (!select) return;

  if (search) {
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      var firstMatch = null;
      select.querySelectorAll("optgroup").forEach(function (group) {
        var groupHit = group.label.toLowerCase().indexOf(q) >= 0;
        var any = false;
        group.querySelectorAll("option").forEach(function (option) {
          var hit = !q || groupHit || option.textContent.toLowerCase().indexOf(q) >= 0;
          option.hidden = !hit;
          option.disabled = !hit;
          if (hit) { any = true; if (!firstMatch) firstMatch = option; }
        });
        group.hidden = !any;
      });
      if (q && firstMatch && (select.selectedIndex <= 0 || select.selectedOptions[0].hidden)) {
        select.value = firstMatch.value;
      }
    });
  }

  function choose(id) {
    if (search && search.value) { search.value = ""; search.dispatchEvent(new Event("input")); }
    select.value = String(id);
    select.dispatchEvent(new Event("change"));
    render(lastRows);
  }

  var lastRows = [];
  function render(rows) {
    lastRows = rows;
    box.textContent = "";
    if (!rows.length) { box.hidden = true; return; }
    var label = document.createElement("span");
    label.className = "small text-muted me-1";
    label.textContent = box.getAttribute("data-label");
    box.appendChild(label);
    rows.forEach(function (row) {
      var button = document.createElement("button");
      button.type = "button";
      var chosen = select.value === String(row.id);
      button.className = "btn btn-sm me-1 mb-1 " + (chosen ? "btn-primary" : "btn-outline-primary");
      button.textContent = row.group + " · " + row.name;
      button.setAttribute("data-category", row.id);
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      button.addEventListener("click", function () { choose(row.id); });
      box.appendChild(button);
    });
    box.hidden = false;
  }

  var timer = null;
  var asked = "";
  function ask() {
    var words = ((title && title.value) || "") + " " + ((text && text.value) || "");
    if (words.trim().length < 2 || words === asked) return;
    asked = words;
    var url = form.getAttribute("data-suggest-url") + "?title=" +
      encodeURIComponent(title ? title.value.slice(0, 120) : "") + "&text=" +
      encodeURIComponent(text ? text.value.slice(0, 480) : "");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { render(data.suggestions || []); })
      .catch(function () {});
  }
  [title, text].forEach(function (field) {
    if (!field) return;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
  });
  select.addEventListener("change", function () { render(lastRows); });
  ask();
})();
