// The packing bench is noisy and the packer looks at the parcel, not the screen: a refused scan
// also sounds a low buzz, a counted one a short beep. Audio starts only after a key press (the
// scanner's typing), as browsers require.
(function () {
  if (window.storesyncScanAlert) { return; }
  window.storesyncScanAlert = true;
  var audio = null;
  document.addEventListener("keydown", function () {
    if (!audio && window.AudioContext) {
      try { audio = new AudioContext(); } catch (e) { audio = null; }
    }
  });
  function tone(frequency, seconds, type) {
    if (!audio) { return; }
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.type = type; osc.frequency.value = frequency; gain.gain.value = 0.2;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + seconds);
  }
  document.addEventListener("htmx:afterSettle", function () {
    var feedback = document.querySelector(".pack-screen .scan-feedback");
    if (!feedback) { return; }
    if (feedback.classList.contains("bad")) { tone(180, 0.45, "square"); }
    else if (feedback.classList.contains("good")) { tone(1200, 0.08, "sine"); }
  });
})();
