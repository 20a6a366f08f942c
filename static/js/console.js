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

  // One key reveals or hides the results of the question on the projector: R.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "r" && event.key !== "R") { return; }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) { return; }
    var projected = root.querySelector(".question-control[data-projected='1']");
    if (!projected) { return; }
    var action = projected.getAttribute("data-revealed") === "1" ? "hide" : "reveal";
    var form = projected.querySelector("form[data-action='" + action + "']");
    if (form) { form.submit(); }
  });
})();
