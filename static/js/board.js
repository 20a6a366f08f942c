// A board on a screen or a phone: fetch the server-rendered board again when it changes
// (a vote on screens, a pin, a hidden text or a note everywhere), at most once a second.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var pending = false, last = 0;
  function refresh() {
    if (pending) { return; }
    var wait = Math.max(0, 1000 - (Date.now() - last));
    pending = true;
    setTimeout(function () {
      fetch(root.getAttribute("data-fragment"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) { root.innerHTML = html; })
        .catch(function () {})
        .then(function () { pending = false; last = Date.now(); });
    }, wait);
  }
  var socket = window.WorkshopLive.socket({ reconnectionDelayMax: 5000 });
  var code = root.getAttribute("data-code");
  socket.on("connect", function () {
    var event = root.getAttribute("data-role") === "screen" ? "screen:watch" : "participant:join";
    socket.emit(event, { code: code }, function () { refresh(); });
  });
  socket.on("board", refresh);
  socket.on("results", refresh);
})();
