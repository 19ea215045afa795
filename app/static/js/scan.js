// Keep the scan box focused: a USB or Bluetooth scanner types into whatever has focus and
// presses Enter, so after every swap or stray tap the focus goes back to the scan box.
(function () {
  function focusScanBox() {
    var box = document.querySelector("[data-scan-box]");
    if (box && document.activeElement !== box && !(document.activeElement && document.activeElement.matches("input, select, textarea"))) {
      box.focus();
    }
  }
  document.addEventListener("htmx:afterSettle", function () {
    var box = document.querySelector("[data-scan-box]");
    if (box) { box.value = ""; box.focus(); }
  });
  document.addEventListener("click", function () { setTimeout(focusScanBox, 0); });
  document.addEventListener("DOMContentLoaded", focusScanBox);
})();
