// The sign-in link printed at first start carries the secret after '#', which never reaches
// the server's logs; fill it in and clear it from the address bar.
(function () {
  "use strict";
  var match = /[#&]secret=([^&]+)/.exec(window.location.hash);
  var input = document.querySelector("#login-form input[type=password]");
  if (match && input) {
    input.value = decodeURIComponent(match[1]);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
