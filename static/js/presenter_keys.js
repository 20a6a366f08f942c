// The presenter's controls, on the run page and on the remote: keys (→ ← PageDown PageUp for
// the next and previous step, R reveal/hide, B board, F fruit board, L lobby, O overview) and
// buttons move the projector without reloading; the presenter's view (the current and next
// step, the slide's notes, the countdown, the answer counts) follows the state push.
(function () {
  "use strict";
  var root = document.getElementById("presenter");
  if (!root) { return; }
  var data = JSON.parse(document.getElementById("presenter-data").textContent);
  var words = JSON.parse(document.getElementById("presenter-words").textContent);
  var token = root.querySelector("input[name='csrf_token']").value;
  var state = null;
  var latest = {};
  function el(id) { return document.getElementById(id); }

  var said = 0;  // messages said so far: a success clears only what was said before it was sent
  function say(message) {
    if (message) { said += 1; }
    var box = el("presenter-error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  // A control's post (or a run page's form, its fields in `body`): true once the server did
  // it; what it changes comes back as the push, to this page and every other screen. A key
  // that fails says the projector did not move; a card's button, that it did not go through.
  function post(url, body) {
    var failed = body ? words.not_done : words.failed;
    var before = said;
    if (!body) { body = new FormData(); body.append("csrf_token", token); }
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 204) { if (said === before) { say(""); } return true; }
        if (response.redirected) { window.location.reload(); return false; }  // signed out: the login page
        return response.json().then(function (j) { say(j.error || failed); return false; },
                                    function () { say(failed); return false; });
      })
      .catch(function () { say(words.offline); return false; });
  }

  var controls = {
    post: post,
    next: function () { return post(root.getAttribute("data-move").replace("__MOVE__", "next")); },
    previous: function () { return post(root.getAttribute("data-move").replace("__MOVE__", "previous")); },
    show: function (key) { return post(root.getAttribute("data-show").replace("__STEP__", encodeURIComponent(key))); },
    jump: function (letter) { var key = data.jumps[letter]; if (key) { controls.show(key); } },
    // R reveals the question the projector shows full screen, and only that: on a slide, the
    // lobby or the overview it would change a screen nobody is looking at.
    reveal: function () {
      if (!state) { return; }
      var question = state.step && state.step.kind === "question" ? state.step.ref : null;
      var q = state.questions.filter(function (x) { return x.id === question; })[0];
      if (!q) { say(words.nothing_to_reveal); return; }
      var url = root.getAttribute("data-action").replace("__QUESTION__", encodeURIComponent(q.id))
        .replace("__ACTION__", q.revealed ? "hide" : "reveal");
      post(url);
    }
  };
  window.WorkshopPresenter = controls;

  var KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous" };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) { return; }
    var move = KEYS[event.key];
    var letter = event.key.length === 1 ? event.key.toLowerCase() : "";
    if (move) { controls[move](); }
    else if (letter === "r") { controls.reveal(); }
    else if (data.jumps[letter]) { controls.jump(letter); }
    else { return; }
    event.preventDefault();
  });

  // --- the presenter's view ----------------------------------------------------------------
  function nameOf(key) { return data.names[key] || key; }
  function render() {
    if (!state || !state.step) { return; }
    var step = state.step;
    el("presenter-current").textContent = (step.number ? step.number + "/" + step.total + " · " : "") + nameOf(step.key);
    var at = step.number ? step.number - 1 : data.order.indexOf(step.key);
    var next = at >= 0 && at + 1 < data.order.length ? data.order[at + 1] : null;
    el("presenter-next").textContent = next ? nameOf(next) : words.end;
    var notes = step.kind === "slide" ? data.notes[step.ref] || "" : "";
    el("presenter-notes").textContent = notes;
    el("presenter-notes-box").hidden = !notes;
    // The countdown and the answers of the step: its question's, or the exercise's open ones.
    var shown = step.kind === "question" ? state.questions.filter(function (q) { return q.id === step.ref; })
      : step.kind === "exercise" ? state.questions.filter(function (q) { return q.status !== "draft"; }) : [];
    var closing = shown.filter(function (q) { return q.status === "open" && q.closes_at; })
      .map(function (q) { return q.closes_at; }).sort();
    el("presenter-countdown").setAttribute("data-closes-at", closing.length ? String(closing[0]) : "");
    var answers = el("presenter-answers");
    answers.textContent = "";
    shown.forEach(function (q) {
      var r = latest[q.id];
      if (!r) { return; }
      var line = document.createElement("span");
      line.className = "presenter-count";
      line.setAttribute("data-question", q.id);
      line.textContent = (shown.length > 1 ? data.questions[q.id] + ": " : "") + r.respondents + "/" + r.participants + " " + words.answers;
      answers.appendChild(line);
    });
    if (window.WorkshopCountdown) { window.WorkshopCountdown.tick(); }
  }
  // (The run page's question cards are console.js's: the same pushes, on the same socket.)

  var socket = window.WorkshopLive.watch(root.getAttribute("data-code"), function (ack) {
    if (!ack || !ack.ok) { return; }
    ack.results.forEach(function (r) { latest[r.question] = r; });
    onState(ack.state);
  });
  function onState(s) {
    if (state && state.seq > s.seq) { return; }
    state = s;
    if (window.WorkshopCountdown) { window.WorkshopCountdown.setServerTime(s.server_time); }
    render();
    document.dispatchEvent(new CustomEvent("workshop:presenter-state", { detail: s }));
  }
  socket.on("state", onState);
  socket.on("results", function (r) {
    if (latest[r.question] && latest[r.question].seq > r.seq) { return; }
    latest[r.question] = r;
    render();
  });
})();
