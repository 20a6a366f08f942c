// The participant's phone: live question state and results over Socket.IO. Answers are sent
// by offline.js (kept on the phone until the server has them); without JavaScript the forms
// post normally.
(function () {
  "use strict";
  var root = document.getElementById("questions");
  if (!root) { return; }
  var code = root.getAttribute("data-code");
  var connection = document.getElementById("connection");
  var lastSeq = 0;
  var dirty = {};
  var socket = window.WorkshopLive.socket({ reconnectionDelayMax: 5000 });

  // What the fragment draws of the state: the questions as they stand, and the slide the
  // projector shares with the phones. Only a change of these fetches the fragment again; a
  // step that changes neither (most of the facilitator's arrow keys) costs a hall nothing.
  // The question on the screen is marked from the push itself (phone_help.js).
  function signatureOfState(state) {
    return ["slide:" + (state.phone_slide || "")].concat(state.questions.filter(function (q) { return q.status !== "draft"; })
      .map(function (q) { return q.id + ":" + q.status + ":" + (q.revealed ? 1 : 0) + ":" + (q.closes_at || ""); })).join("|");
  }
  function signatureOfPage() {
    var sections = root.querySelectorAll("section.question");
    var slide = root.querySelector(".phone-slide");
    var parts = ["slide:" + (slide ? slide.getAttribute("data-slide") : "")];
    for (var i = 0; i < sections.length; i++) {
      var s = sections[i];
      parts.push(s.getAttribute("data-question") + ":" + s.getAttribute("data-status") + ":" +
        s.getAttribute("data-revealed") + ":" + (s.getAttribute("data-closes-at") || ""));
    }
    return parts.join("|");
  }

  function formFields(form) {
    var fields = {};
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (name === "csrf_token") { return; }
      (fields[name] = fields[name] || []).push(String(value));
    });
    return fields;
  }

  // A card drawn or taken away above what the participant reads (the slide the projector
  // shares with the phones) would move it down or up under their thumb: the question in view
  // stays where it was. At the top of the page nothing is kept: the card shows there.
  function inView() {
    if (window.scrollY <= 0) { return null; }
    var sections = root.querySelectorAll("section.question");
    for (var i = 0; i < sections.length; i++) {
      var box = sections[i].getBoundingClientRect();
      if (box.bottom > 0) { return { id: sections[i].getAttribute("data-question"), top: box.top }; }
    }
    return null;
  }
  function keepInView(anchor) {
    var again = anchor && root.querySelector("section.question[data-question='" + anchor.id + "']");
    if (again) { window.scrollBy(0, again.getBoundingClientRect().top - anchor.top); }
  }

  function refresh() {
    var kept = {};
    Object.keys(dirty).forEach(function (qid) {
      var form = root.querySelector("form.answer-form[data-question='" + qid + "']");
      if (form) { kept[qid] = formFields(form); }
    });
    return fetch(root.getAttribute("data-fragment"), { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
      .then(function (html) {
        var anchor = inView();
        root.innerHTML = html;
        keepInView(anchor);
        updateAllPoints();
        Object.keys(kept).forEach(function (qid) {
          var form = root.querySelector("form.answer-form[data-question='" + qid + "']");
          if (form) { window.WorkshopTypes.fillForm(form, kept[qid]); } else { delete dirty[qid]; }
        });
        window.WorkshopCountdown.tick();
        root.dispatchEvent(new Event("workshop:refreshed"));  // offline.js redraws its indicators
      });
  }

  function applyState(state, redraw) {
    if (!state || state.seq < lastSeq) { return; }  // an older push arriving late
    lastSeq = state.seq;
    // For phone_help.js: the links to the board and plan follow the state's `shared`.
    document.dispatchEvent(new CustomEvent("workshop:state", { detail: state }));
    window.WorkshopCountdown.setServerTime(state.server_time);
    if (redraw || signatureOfState(state) !== signatureOfPage()) { refresh().catch(function () {}); }
  }

  function setMessage(form, text, isError) {
    var message = form.querySelector(".form-message");
    message.textContent = text;
    message.setAttribute("role", isError ? "alert" : "status");
    message.classList.toggle("error", !!isError);
    message.classList.toggle("ok", !isError);
  }

  root.addEventListener("input", function (event) {
    var form = event.target.closest("form.answer-form");
    if (form) { dirty[form.getAttribute("data-question")] = true; }
  });

  // The help before Send (counters, an exclusive option, adding a text) is phone_help.js's.

  // 100 points: show what is left as the participant types; the server still checks.
  function updatePoints(form) {
    var left = form.querySelector(".points-left");
    if (!left) { return; }
    var used = 0;
    var inputs = form.querySelectorAll(".points-input");
    for (var i = 0; i < inputs.length; i++) { used += parseInt(inputs[i].value, 10) || 0; }
    var remaining = parseInt(left.getAttribute("data-budget"), 10) - used;
    left.textContent = remaining + " " + root.getAttribute("data-points-left");
    left.classList.toggle("error", remaining < 0);
  }
  root.addEventListener("input", function (event) {
    var form = event.target.closest("form.answer-form");
    if (form) { updatePoints(form); }
  });
  function updateAllPoints() {
    var forms = root.querySelectorAll("form.answer-form");
    for (var i = 0; i < forms.length; i++) { updatePoints(forms[i]); }
  }
  updateAllPoints();

  // Upvotes are sent by offline.js too: kept on the phone until the server has them.

  // New ideas: the server says how many there are; the list is fetched when asked for, so a
  // hall of phones is not sent every idea as it arrives.
  socket.on("ideas", function (payload) {
    var box = root.querySelector(".ideas[data-question='" + payload.question + "']");
    if (!box) { return; }
    var known = parseInt(box.getAttribute("data-total"), 10) || 0;
    var notice = box.querySelector(".ideas-new");
    if (payload.total > known && notice) {
      notice.hidden = false;
      var fresh = payload.total - known;
      notice.querySelector(".ideas-count").textContent = String(fresh);
      notice.querySelector(".ideas-word").textContent = notice.getAttribute(fresh === 1 ? "data-one" : "data-many");
    }
  });
  root.addEventListener("click", function (event) {
    if (event.target.closest(".ideas-new button")) { refresh(); }
  });
  // Revealed: the ideas on this phone follow the room's order and votes.
  function reorderIdeas(question, ideas) {
    var list = root.querySelector(".ideas[data-question='" + question + "'] .idea-list");
    if (!list) { return; }
    ideas.forEach(function (idea) {
      var item = list.querySelector("li[data-ref='" + idea.ref.replace(/'/g, "") + "']");
      if (!item) { return; }
      var votes = item.querySelector(".idea-votes");
      if (!votes) {
        votes = document.createElement("span");
        votes.className = "idea-votes";
        item.insertBefore(votes, item.querySelector("form"));
      }
      votes.textContent = " " + idea.votes + " ▲";
      list.appendChild(item);
      item.setAttribute("data-ranked", "1");
    });
    // Ideas beyond the pushed top ones keep their order, after them.
    var rest = list.querySelectorAll("li[data-ref]:not([data-ranked])");
    for (var i = 0; i < rest.length; i++) { list.appendChild(rest[i]); }
    var ranked = list.querySelectorAll("li[data-ranked]");
    for (var j = 0; j < ranked.length; j++) { ranked[j].removeAttribute("data-ranked"); }
  }

  // --- Hooks for offline.js, which sends the answers (and keeps them while offline). ---
  window.WorkshopPhone = {
    root: root,
    socket: socket,
    refresh: refresh,
    setMessage: setMessage,
    // The answer to `qid` is on the server: a refresh need no longer keep the form's fields.
    sent: function (qid) { delete dirty[qid]; },
  };

  // The page may show older answers than the server has: drawn while offline (the service
  // worker's copy), or answers were sent and pushes missed while the socket was down. So when
  // the socket connects after that, the questions are drawn again from the server (what was
  // typed and not sent is kept, as on any refresh).
  function offline() { connection.textContent = connection.getAttribute("data-offline"); }
  var stale = navigator.onLine === false;
  if (stale) { offline(); }
  socket.on("connect", function () {
    connection.textContent = "";
    var redraw = stale;
    stale = false;
    socket.emit("participant:join", { code: code }, function (ack) {
      if (ack && ack.ok) { applyState(ack.state, redraw); }
      else if (ack) { connection.textContent = ack.error; }
    });
  });
  socket.on("disconnect", function () { stale = true; offline(); });
  socket.on("connect_error", function () { stale = true; offline(); });
  window.addEventListener("offline", function () { stale = true; offline(); });
  socket.on("state", applyState);

  // Revealed results, pushed live: drawn with text nodes only (answers are untrusted text).
  var latestResults = {};
  var add = window.WorkshopTypes.add;
  socket.on("results", function (payload) {
    var known = latestResults[payload.question];
    if (known && known > payload.seq) { return; }
    latestResults[payload.question] = payload.seq;
    if (payload.results && payload.results.ideas) { reorderIdeas(payload.question, payload.results.ideas); }
    var box = root.querySelector(".live-results[data-question='" + payload.question + "']");
    if (!box || !payload.results) { return; }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var heading = add(box, "h3", root.getAttribute("data-results") + " (" + payload.respondents + " " + root.getAttribute("data-answers") + ")");
    heading.className = "";
    // Drawn by the question's type (static/js/question_types/), as the page drew it on load.
    window.WorkshopTypes.renderer(payload.type).phone(box, payload.results, function (key) {
      return root.getAttribute("data-" + key) || "";
    });
  });
})();
