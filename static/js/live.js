// The page's one Socket.IO connection, shared by every script on the page (the run page's
// cards, step buttons and keys; the phone's questions, help and outbox). Each io() call opens
// a connection of its own: socket.io-client makes a new one for a namespace it already has,
// so two scripts calling io() cost the server two sockets per page, and two screen:watch
// answers (every question's results) on each reconnect.
//
// A screen's watch of its run is asked once per connection, on each (re)connect; its answer
// (the state and every question's results) goes to every script that asked for it.
(function () {
  "use strict";
  var socket = null;
  var watchers = {};  // run code -> callbacks of the screen:watch answer

  function emitWatch(code, callbacks) {
    socket.emit("screen:watch", { code: code }, function (ack) {
      callbacks.forEach(function (callback) { callback(ack); });
    });
  }

  // The first caller's options are the connection's (a page has one kind of client: the
  // projector reconnects sooner than a phone).
  function get(options) {
    if (!socket) {
      socket = window.io(options || {});
      socket.on("connect", function () {
        Object.keys(watchers).forEach(function (code) { emitWatch(code, watchers[code]); });
      });
    }
    return socket;
  }

  window.WorkshopLive = {
    socket: get,
    // callback(ack) on every connect: {ok, state, results} (see workshop/live.py screen_watch).
    watch: function (code, callback, options) {
      var s = get(options);
      (watchers[code] = watchers[code] || []).push(callback);
      if (s.connected) { emitWatch(code, [callback]); }  // connected already: this one asks now
      return s;
    }
  };
})();
