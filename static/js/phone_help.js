// The phone helps before it refuses: each question type's form hooks (the `form` of its
// renderer, static/js/question_types/<type>.js) run as the participant ticks and types; the
// progress line ("2 av 4 besvart") follows the answers saved; the links to the board and the
// plan follow the facilitator's sharing in the state push (participant.js passes it on as
// the "workshop:state" event), and so does the mark of what the projector shows: the question
// on the screen, or the board's or the plan's link (drawn by the server on load, from
// presenter.phone_page, and moved here from the pushes, without fetching anything: a step
// that only moves the mark costs a hall of phones no request). Never scrolls: the
// participant may be typing. Kept apart from participant.js, which sends the answers.
(function () {
  "use strict";
  var root = document.getElementById("questions");
  if (!root) { return; }
  var types = window.WorkshopTypes;

  function hooks(form) {
    var renderer = types.renderer(form.getAttribute("data-type"));
    return (renderer && renderer.form) || {};
  }

  function updateProgress() {
    var line = root.querySelector(".progress-line");
    if (!line) { return; }
    var open = root.querySelectorAll("section.question[data-status=open]");
    var answered = 0;
    for (var i = 0; i < open.length; i++) {
      if (open[i].getAttribute("data-answered") === "1") { answered += 1; }
    }
    var text = types.fill(line.getAttribute("data-template"), { answered: answered, open: open.length });
    // Only when it changes: writing it is itself a change the observer below sees.
    if (line.textContent !== text) { line.textContent = text; }
    line.classList.toggle("done", answered === open.length);
  }

  function initAll() {
    var forms = root.querySelectorAll("form.answer-form");
    for (var i = 0; i < forms.length; i++) {
      var init = hooks(forms[i]).init;
      if (init) { init(forms[i]); }
    }
    updateProgress();
    markOnScreen();
  }

  ["click", "input"].forEach(function (name) {
    root.addEventListener(name, function (event) {
      var form = event.target.closest && event.target.closest("form.answer-form");
      var hook = form && hooks(form)[name];
      if (hook) { hook(form, event); }
    });
  });

  // The questions are drawn again after a push (participant.js refresh) and a saved answer
  // marks its question answered: both seen here, so participant.js need not call in.
  new MutationObserver(function (records) {
    var redrawn = records.some(function (r) { return r.type === "childList" && r.target === root; });
    if (redrawn) { initAll(); } else { updateProgress(); }
  }).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-answered"] });

  var links = { board: document.querySelector(".shared-links .board-link"),
                plan: document.querySelector(".shared-links .plan-link") };
  var latest = null;  // the newest state pushed; null until the first: the server's marks stand

  function mark(element, on) {
    element.classList.toggle("on-screen", on);
    var label = element.querySelector(".on-screen-label, .on-screen-prefix");
    if (label) { label.hidden = !on; }
  }
  function markOnScreen() {
    var step = latest && latest.step;
    if (!step) { return; }
    var question = step.kind === "question" ? step.ref : null;  // as services.steps.on_screen_question
    var sections = root.querySelectorAll("section.question");
    for (var i = 0; i < sections.length; i++) {
      mark(sections[i], sections[i].getAttribute("data-question") === question);
    }
    // A link the step names is marked only when it is shared (presenter.on_screen_links).
    Object.keys(links).forEach(function (key) {
      if (links[key]) { mark(links[key], step.kind === key && !!(latest.shared && latest.shared[key])); }
    });
  }

  document.addEventListener("workshop:state", function (event) {
    var shared = event.detail && event.detail.shared;
    if (!shared) { return; }
    latest = event.detail;
    Object.keys(links).forEach(function (key) {
      if (links[key]) { links[key].hidden = !shared[key]; }
    });
    markOnScreen();
  });

  initAll();
})();
