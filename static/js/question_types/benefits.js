// Benefits-map results: the room's benefits by kind, each with its goal, owner and table.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  var add = types.add;
  var words = types.strings("benefits");
  var PROJECTED = 5;  // the newest benefits of a kind the big screen has room for; the board has all

  function kinds(box, results, heading, limit) {
    var holder = add(box, "div", null, "benefit-kinds");
    holder.id = "benefit-kinds";
    results.kinds.forEach(function (kind) {
      var section = add(holder, "section", null, "benefit-kind");
      section.setAttribute("data-kind", kind.id);
      add(section, heading, kind.label + " (" + kind.benefits.length + ")");
      if (limit && !kind.benefits.length) { add(section, "p", words("none"), "muted"); }
      var list = add(section, "ul");
      var shown = limit ? kind.benefits.slice(-limit) : kind.benefits;
      shown.forEach(function (b) {
        var item = add(list, "li");
        add(item, "bdi", b.text);
        add(item, "span", " — " + b.goal + " · " + b.owner_label + " · " + b.group, "muted");
      });
      if (shown.length < kind.benefits.length) {
        add(section, "p", "+ " + (kind.benefits.length - shown.length) + " " + words("more"), "muted");
      }
    });
  }

  types.register("benefits", {
    phone: function (box, results) { kinds(box, results, "h4", 0); },
    // A column per kind, the newest benefits of each.
    projector: function (box, groups, r) { kinds(box, r.results, "h2", PROJECTED); }
  });
})();
