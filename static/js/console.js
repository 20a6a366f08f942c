// The facilitator's console: live answer counts per question.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) { return; }
  var latest = {};
  var socket = io();
  function apply(r) {
    if (latest[r.question] && latest[r.question] > r.seq) { return; }
    latest[r.question] = r.seq;
    var section = root.querySelector("[data-question='" + r.question + "']");
    if (section) { section.querySelector(".answer-count").textContent = r.respondents; }
    var participants = document.getElementById("participants");
    if (participants) { participants.textContent = r.participants; }
    if (r.waiting !== null && r.waiting !== undefined) { refreshQueue(r.question, r.waiting); }
  }

  // The texts waiting for approval: a push says how many (never which), the queue is fetched.
  var moderation = document.getElementById("moderation");
  var shownWaiting = {};
  function refreshQueue(question, waiting) {
    if (!moderation) { return; }
    var section = moderation.querySelector(".moderation[data-question='" + question + "']");
    var count = section && section.querySelector(".waiting-count");
    if (!count || String(waiting) === count.textContent || shownWaiting[question] === waiting) { return; }
    shownWaiting[question] = waiting;
    fetch(moderation.getAttribute("data-fragment"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { moderation.innerHTML = html; } })
      .catch(function () { shownWaiting[question] = null; });
  }
  socket.on("connect", function () {
    socket.emit("screen:watch", { code: root.getAttribute("data-code") }, function (ack) {
      if (!ack || !ack.ok) { return; }
      window.WorkshopCountdown.setServerTime(ack.state.server_time);
      ack.results.forEach(apply);
    });
  });
  socket.on("results", apply);

  // The projector's step: a button puts it on the projector without reloading this page
  // (without JS the form posts and the page comes back); every push marks the current one.
  var stepSeq = 0;
  function markStep(key) {
    document.querySelectorAll(".step-form").forEach(function (form) {
      var button = form.querySelector("button");
      var current = form.getAttribute("data-step") === key;
      button.classList.toggle("current-step", current);
      if (current) { button.setAttribute("aria-current", "step"); } else { button.removeAttribute("aria-current"); }
    });
  }
  socket.on("state", function (s) {
    if (!s.step || s.seq < stepSeq) { return; }
    stepSeq = s.seq;
    markStep(s.step.key);
  });
  document.querySelectorAll(".step-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.status === 204) { markStep(form.getAttribute("data-step")); return; }
          form.submit();  // refused or signed out: the page says why
        })
        .catch(function () { form.submit(); });
    });
  });
  // The keys (R among them) are presenter_keys.js's.
})();
