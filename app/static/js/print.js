// Print buttons: a page that is a document (label, slip, pick list, manifest) prints itself.
(function () {
  if (window.storesyncPrint) { return; }  // loaded again by a boosted navigation
  window.storesyncPrint = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();
