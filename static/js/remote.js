// The facilitator's phone remote: each big button is one of the presenter's controls
// (presenter_keys.js), so the projector moves as from the laptop's keys.
(function () {
  "use strict";
  var controls = window.WorkshopPresenter;
  if (!controls) { return; }
  document.querySelectorAll(".remote-button[data-command]").forEach(function (button) {
    button.addEventListener("click", function () {
      var command = button.getAttribute("data-command");
      if (command === "next" || command === "previous" || command === "reveal") { controls[command](); }
      else { controls.jump(command); }
    });
  });
})();
