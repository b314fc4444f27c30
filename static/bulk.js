// Bulk selection on list pages: "select all on this page" and a count of the selected rows.
// The per-row checkboxes work without this script; it only adds the select-all box.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  var count = document.getElementById("bulk-count");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.bulk-select"));
  if (!all || boxes.length === 0) {
    return;
  }
  function refresh() {
    var selected = boxes.filter(function (b) { return b.checked; }).length;
    all.checked = selected === boxes.length;
    all.indeterminate = selected > 0 && selected < boxes.length;
    if (count) {
      count.textContent = selected === 0 ? "" : selected + " selected";
    }
  }
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    refresh();
  });
  boxes.forEach(function (b) { b.addEventListener("change", refresh); });
  refresh();
})();
