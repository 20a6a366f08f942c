// The big screen: the projected question, its answer count and, when visible, live results.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var t = function (key) { return root.getAttribute("data-" + key) || ""; };
  var state = null;
  var latest = {};
  var socket = io({ reconnectionDelayMax: 3000 });

  function el(id) { return document.getElementById(id); }
  var clear = window.WorkshopTypes.clear, add = window.WorkshopTypes.add;
  function render() {
    if (!state) { return; }
    var r = latest[state.projected];
    if (!r) { return; }
    el("proj-question").textContent = r.text;
    el("proj-respondents").textContent = r.respondents;
    el("proj-count-label").textContent = t("answers") + " " + t("of") + " " + r.participants + " " + t("participants");
    var countdown = el("proj-countdown");
    countdown.setAttribute("data-closed", t("closed"));
    countdown.setAttribute("data-left", t("left"));
    countdown.setAttribute("data-closes-at", r.status === "open" ? (r.closes_at || "") : "");
    if (r.status !== "open") { countdown.textContent = r.status === "closed" ? t("closed") : ""; }
    var results = el("proj-results");
    var groups = el("proj-groups");
    clear(results); clear(groups);
    if (r.results) {
      results.classList.remove("hidden-results");
      // Drawn by the question's type (static/js/question_types/), found by its name.
      window.WorkshopTypes.renderer(r.type).projector(results, groups, r, t);
    } else {
      results.classList.add("hidden-results");
      add(results, "p", t("hidden"), "hidden-note");
    }
    window.WorkshopCountdown.tick();
  }

  function onResults(r) {
    var known = latest[r.question];
    if (known && known.seq > r.seq) { return; }  // pushes can arrive out of order
    latest[r.question] = r;
    if (state && r.question === state.projected) { render(); }
  }
  function onState(s) {
    if (state && state.seq > s.seq) { return; }
    state = s;
    window.WorkshopCountdown.setServerTime(s.server_time);
    render();
  }

  socket.on("connect", function () {
    el("proj-connection").textContent = "";
    socket.emit("screen:watch", { code: root.getAttribute("data-code") }, function (ack) {
      if (!ack || !ack.ok) { return; }
      ack.results.forEach(onResults);
      onState(ack.state);
    });
  });
  socket.on("disconnect", function () { el("proj-connection").textContent = t("offline"); });
  socket.on("state", onState);
  socket.on("results", onResults);
})();
