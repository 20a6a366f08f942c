// The participant's phone: live question state, and votes over Socket.IO with an ack.
// Without a connection the forms post normally, so the page works without WebSocket.
(function () {
  "use strict";
  var root = document.getElementById("questions");
  if (!root) { return; }
  var code = root.getAttribute("data-code");
  var connection = document.getElementById("connection");
  var lastSeq = 0;
  var dirty = {};
  var socket = io({ reconnectionDelayMax: 5000 });

  function signatureOfState(state) {
    return state.questions.filter(function (q) { return q.status !== "draft"; })
      .map(function (q) { return q.id + ":" + q.status + ":" + (q.revealed ? 1 : 0) + ":" + (q.closes_at || ""); }).join("|");
  }
  function signatureOfPage() {
    var sections = root.querySelectorAll("section.question");
    var parts = [];
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

  function restore(form, fields) {
    var counters = {};
    var inputs = form.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var values = fields[input.name];
      if (!values || input.name === "csrf_token") { continue; }
      if (input.type === "checkbox") {
        input.checked = values.indexOf(input.value) !== -1;
      } else {
        var n = counters[input.name] || 0;
        input.value = values[n] !== undefined ? values[n] : "";
        counters[input.name] = n + 1;
      }
    }
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
        root.innerHTML = html;
        Object.keys(kept).forEach(function (qid) {
          var form = root.querySelector("form.answer-form[data-question='" + qid + "']");
          if (form) { restore(form, kept[qid]); } else { delete dirty[qid]; }
        });
        window.WorkshopCountdown.tick();
      });
  }

  function applyState(state) {
    if (!state || state.seq < lastSeq) { return; }  // an older push arriving late
    lastSeq = state.seq;
    window.WorkshopCountdown.setServerTime(state.server_time);
    if (signatureOfState(state) !== signatureOfPage()) { refresh(); }
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

  root.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) { return; }
    var boxes = box.form.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      // An exclusive option ("none of these") and the others undo each other.
      if (boxes[i] !== box && (box.hasAttribute("data-exclusive") || boxes[i].hasAttribute("data-exclusive"))) {
        boxes[i].checked = false;
      }
    }
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("answer-form") || !socket.connected) { return; }
    event.preventDefault();
    var qid = form.getAttribute("data-question");
    var voteId = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    setMessage(form, root.getAttribute("data-sending"), false);
    socket.timeout(10000).emit("vote", { question: qid, fields: formFields(form), vote_id: voteId }, function (err, ack) {
      if (err) { form.submit(); return; }  // no ack in time: fall back to a plain POST
      if (ack.ok) {
        delete dirty[qid];
        setMessage(form, root.getAttribute("data-saved") + " ✓", false);
        var section = form.closest("section.question");
        section.setAttribute("data-answered", "1");
      } else {
        setMessage(form, ack.error, true);
      }
    });
  });

  socket.on("connect", function () {
    connection.textContent = "";
    socket.emit("participant:join", { code: code }, function (ack) {
      if (ack && ack.ok) { applyState(ack.state); }
      else if (ack) { connection.textContent = ack.error; }
    });
  });
  socket.on("disconnect", function () { connection.textContent = connection.getAttribute("data-offline"); });
  socket.on("state", applyState);
})();
