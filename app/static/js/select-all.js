// A "select all" checkbox for bulk actions: ticks every enabled checkbox with the given name.
(function () {
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) { return; }
    var form = all.form || document;
    form.querySelectorAll('input[type=checkbox][name="' + all.dataset.selectAll + '"]:not(:disabled)').forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
