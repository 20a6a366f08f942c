// The run page kept true without reloads: each question's card (its status, countdown, answer
// count, whether it is on the projector and revealed, and which of its buttons it shows), the
// participants, the queue of texts to approve and the projector's current step follow the
// state and results pushes, the same ones the projector gets. A card is drawn from the
// page's card words (presenter.card_words), as presenter.run_cards drew it on load.
// The page's buttons post without reloading it; without JavaScript each form posts and the
// page comes back. The keys (R among them) are presenter_keys.js's.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) { return; }
  var words = JSON.parse(document.getElementById("card-words").textContent);
  var latest = {};  // question id -> seq of the newest results drawn
  var state = null;

  function card(qid) { return root.querySelector(".question-control[data-question='" + qid + "']"); }

  // --- the cards, from the state push ------------------------------------------------------
  // As presenter.card_facts and presenter.card_label.
  function facts(status, revealed, onScreen) {
    return [status, revealed ? "shown" : "hidden", onScreen ? "on_screen" : "off_screen"];
  }
  function label(action, known) {
    var labels = words.actions[action] || {};
    for (var i = 0; i < known.length; i++) {
      if (Object.prototype.hasOwnProperty.call(labels, known[i])) { return labels[known[i]]; }
    }
    return null;
  }
  function setText(node, text) { if (node && node.textContent !== text) { node.textContent = text; } }

  var expiry = null;
  function drawCards() {
    if (!state) { return; }
    var now = window.WorkshopCountdown.now();
    var onScreen = state.step && state.step.kind === "question" ? state.step.ref : null;  // as services.steps.on_screen_question
    var soonest = null;
    state.questions.forEach(function (q) {
      var section = card(q.id);
      if (!section) { return; }
      // A countdown that ran out closed its question: the server says so on the next push or
      // page, the card at once.
      var running = q.status === "open" && q.closes_at && q.closes_at > now;
      var status = q.status === "open" && q.closes_at && !running ? "closed" : q.status;
      if (running && (soonest === null || q.closes_at < soonest)) { soonest = q.closes_at; }
      var known = facts(status, q.revealed, q.id === onScreen);
      section.setAttribute("data-status", status);
      section.setAttribute("data-revealed", q.revealed ? "1" : "0");
      section.setAttribute("data-on-screen", q.id === onScreen ? "1" : "0");
      var badge = section.querySelector(".status");
      badge.className = "status status-" + status;
      setText(badge, words.status[status]);
      section.querySelector(".countdown").setAttribute("data-closes-at", status === "open" && q.closes_at ? String(q.closes_at) : "");
      section.querySelector(".on-screen-note").hidden = q.id !== onScreen;
      setText(section.querySelector(".results-state"), words.results[known[1]]);
      section.querySelectorAll("form[data-action]").forEach(function (form) {
        var text = label(form.getAttribute("data-action"), known);
        form.hidden = text === null;
        if (text !== null) { setText(form.querySelector("button"), text); }
      });
    });
    clearTimeout(expiry);
    if (soonest !== null) { expiry = setTimeout(drawCards, Math.min(soonest - now + 50, 2147483000)); }
    window.WorkshopCountdown.tick();
  }

  // --- the counts, from the results pushes -------------------------------------------------
  function applyResults(r) {
    if (latest[r.question] && latest[r.question] > r.seq) { return; }
    latest[r.question] = r.seq;
    var section = card(r.question);
    if (section) { setText(section.querySelector(".answer-count"), String(r.respondents)); }
    var participants = document.getElementById("participants");
    if (participants) { setText(participants, String(r.participants)); }
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

  // --- the projector's step ----------------------------------------------------------------
  function markStep(key) {
    document.querySelectorAll(".step-form").forEach(function (form) {
      var button = form.querySelector("button");
      var current = form.getAttribute("data-step") === key;
      button.classList.toggle("current-step", current);
      if (current) { button.setAttribute("aria-current", "step"); } else { button.removeAttribute("aria-current"); }
    });
  }

  function applyState(s) {
    if (!s || (state && s.seq < state.seq)) { return; }  // an older push arriving late
    state = s;
    window.WorkshopCountdown.setServerTime(s.server_time);
    if (s.step) { markStep(s.step.key); }
    drawCards();
  }

  var socket = window.WorkshopLive.watch(root.getAttribute("data-code"), function (ack) {
    if (!ack || !ack.ok) { return; }
    applyState(ack.state);
    ack.results.forEach(applyResults);
  });
  socket.on("state", applyState);
  socket.on("results", applyResults);

  // --- the buttons: posted without reloading the page ---------------------------------------
  // The push that follows redraws the page (and every other screen of the run); a refusal is
  // said where the keys say theirs (presenter_keys.js).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("live-form") || !window.WorkshopPresenter) { return; }
    event.preventDefault();
    // getAttribute: the cards' buttons are named "action", which hides the form's own .action
    window.WorkshopPresenter.post(form.getAttribute("action"), new FormData(form)).then(function (done) {
      if (done && form.hasAttribute("data-step")) { markStep(form.getAttribute("data-step")); }
    });
  });
})();
