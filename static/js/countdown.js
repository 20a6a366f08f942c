// Countdowns from the server's deadline. serverOffset corrects a phone whose clock is off.
(function () {
  "use strict";
  var offset = 0;
  function format(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(total / 60), s = total % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var now = Date.now() + offset;
    var nodes = document.querySelectorAll(".countdown[data-closes-at]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var closesAt = parseInt(node.getAttribute("data-closes-at"), 10);
      if (!closesAt) { node.textContent = ""; continue; }
      var left = closesAt - now;
      // The words come from the node or an ancestor (the phone's #questions carries them).
      var words = node.closest("[data-left]") || document.body;
      var word = left > 0 ? (words.getAttribute("data-left") || "") : "";
      node.textContent = left > 0 ? format(left) + (word ? " " + word : "") : (words.getAttribute("data-closed") || "0:00");
      node.classList.toggle("ending", left > 0 && left < 60000);
    }
  }
  window.WorkshopCountdown = {
    setServerTime: function (serverMs) { if (serverMs) { offset = serverMs - Date.now(); } tick(); },
    now: function () { return Date.now() + offset; },  // the server's clock, as far as known
    tick: tick
  };
  setInterval(tick, 1000);
  tick();
})();
