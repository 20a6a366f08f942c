// A board on a phone, the projector or the facilitator's page: the server draws the board
// once per change for everyone who watches it and pushes it (workshop/broadcast.py
// emit_board); this page puts what it is pushed in place. It never fetches the board itself.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var code = root.getAttribute("data-code");
  var audience = root.getAttribute("data-audience");  // phones, screen or controls
  var shown = 0;  // the sequence number of the board shown: an older push that arrives late is dropped
  var watching = false;

  // A pushed board's forms carry no CSRF token (it was drawn for everyone, not in this
  // person's request): they get this page's own, which the page was loaded with.
  var token = null;
  Array.prototype.forEach.call(document.querySelectorAll('input[name="csrf_token"]'), function (input) {
    if (!token && input.value) { token = input.value; }
  });

  function draw(push) {
    if (!push || typeof push.html !== "string" || push.seq <= shown) { return; }
    shown = push.seq;
    root.innerHTML = push.html;
    if (token) {
      Array.prototype.forEach.call(root.querySelectorAll('input[name="csrf_token"]'), function (input) {
        if (!input.value) { input.value = token; }
      });
    }
  }

  var socket = window.WorkshopLive.socket({ reconnectionDelayMax: 5000 });
  function watch() {
    watching = true;
    socket.emit("board:watch", { code: code, audience: audience }, function (ack) {
      if (ack && ack.ok) { draw(ack); } else { watching = false; }
    });
  }
  socket.on("connect", function () {
    watching = false;
    if (audience !== "phones") { watch(); return; }
    // A phone watches once it has joined, and only a shared board.
    socket.emit("participant:join", { code: code }, function (ack) {
      if (ack && ack.ok && ack.state.shared.board) { watch(); }
    });
  });
  socket.on("board", draw);
  // Shared or no longer shared (the server then pushed the waiting note and stopped): a phone
  // watches again when the facilitator shares the board again.
  socket.on("state", function (state) {
    if (audience !== "phones" || !state || !state.shared) { return; }
    if (state.shared.board && !watching) { watch(); }
    if (!state.shared.board) { watching = false; }
  });
})();
