// Report page: polls GET /api/studies/<id>/report while a run is queued or running, moves the progress bar
// through the build stages, and reloads the page when the run has ended (to show the report and downloads).
(function () {
  "use strict";
  var section = document.getElementById("progress");
  if (!section) { return; }
  var url = section.getAttribute("data-url");
  var state = section.getAttribute("data-state");
  if (state !== "queued" && state !== "running") { return; }
  var fill = section.querySelector(".fill");
  var bar = section.querySelector(".bar");
  var label = document.getElementById("progress-state");
  var log = document.getElementById("progress-log");
  function show(job) {
    fill.style.width = job.percent + "%";
    bar.setAttribute("aria-valuenow", String(job.percent));
    label.textContent = job.state + " — " + job.percent + "%";
    log.textContent = job.log.join("\n");
    var items = section.querySelectorAll("li[data-stage]");
    for (var i = 0; i < items.length; i++) {
      var done = job.stages_done.indexOf(items[i].getAttribute("data-stage")) >= 0;
      items[i].className = done ? "done" : "";
    }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (job.state === "queued" || job.state === "running") {
          window.setTimeout(poll, 500);
        } else {
          window.setTimeout(function () { window.location.reload(); }, 300);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
}());
