// Manage forms marked data-verdict: only the determinations of the chosen classification can be
// picked (the optgroup labels name the classifications); "Not yet known" fits every one.
"use strict";
(function () {
  document.querySelectorAll("form[data-verdict]").forEach(function (form) {
    var classification = form.querySelector("select[name=classification]");
    var determination = form.querySelector("select[name=determination]");
    if (!classification || !determination) { return; }
    function apply() {
      var chosen = classification.options[classification.selectedIndex];
      var label = chosen && chosen.value ? chosen.text : "";
      determination.querySelectorAll("optgroup").forEach(function (group) {
        var fits = !label || group.label === label || group.label === "Not yet known";
        group.querySelectorAll("option").forEach(function (option) {
          option.disabled = !fits;
        });
      });
      var picked = determination.options[determination.selectedIndex];
      if (picked && picked.disabled) { determination.value = ""; }
    }
    classification.addEventListener("change", apply);
    apply();
  });
})();
