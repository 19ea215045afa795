// Small behaviours the pages would otherwise write inline (the Content-Security-Policy allows no
// inline script, no on*= handler and no eval).
(function () {
  // <input type="file" data-autosubmit>: send the form as soon as a file is chosen.
  document.addEventListener("change", function (event) {
    var input = event.target.closest && event.target.closest("[data-autosubmit]");
    if (input && input.form) { input.form.requestSubmit(); }
  });

  // <input readonly data-select-on-click>: a click selects the whole value, ready to copy.
  document.addEventListener("click", function (event) {
    var input = event.target.closest && event.target.closest("[data-select-on-click]");
    if (input && input.select) { input.select(); }
  });

  // <button hx-get=... data-count-as="index" data-count-of="#rows .row">: the request carries
  // index=<how many rows there are now> (what hx-vals='js:...' would compute with eval).
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    if (source && source.dataset && source.dataset.countAs && source.dataset.countOf) {
      event.detail.parameters[source.dataset.countAs] = document.querySelectorAll(source.dataset.countOf).length;
    }
  });

  // A live progress stream that ended with its "done" message (not because its element was
  // replaced or removed) announces itself as "job-stream-done" on the body, so lists refresh
  // with hx-trigger="job-stream-done from:body" instead of an evaluated event filter.
  document.addEventListener("htmx:sseClose", function (event) {
    if (event.detail && event.detail.type === "message") {
      document.body.dispatchEvent(new CustomEvent("job-stream-done", { bubbles: true }));
    }
  });
})();
