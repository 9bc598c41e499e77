/* Staff pages: follow background reading jobs.
 *
 * Every element with data-progress-url is a job still queued or running. Its JSON state is
 * fetched every second and written into the [data-field] elements inside it; when the job is
 * finished the page reloads, so that the server draws the links that fit (review, retry).
 * Without JavaScript the page shows the state at load time and can be reloaded by hand.
 */
(function () {
  "use strict";

  var INTERVAL = 1000;

  function show(element, state) {
    element.querySelectorAll("[data-field]").forEach(function (target) {
      var name = target.getAttribute("data-field");
      if (!(name in state)) return;
      if (target.tagName === "PROGRESS") {
        target.value = state[name];
        target.textContent = state[name] + "%";
      } else {
        target.textContent = state[name];
      }
    });
  }

  function follow(element) {
    var url = element.getAttribute("data-progress-url");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (state) {
          show(element, state);
          if (state.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, INTERVAL);
          }
        })
        .catch(function () {
          window.setTimeout(poll, INTERVAL * 5);
        });
    }
    poll();
  }

  document.querySelectorAll("[data-progress-url]").forEach(follow);
})();
