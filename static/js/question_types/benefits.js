// Benefits-map results: the room's benefits by kind, each with its goal, owner and table.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  var add = types.add;
  var words = types.strings("benefits");
  var PROJECTED = 5;  // the newest benefits of a kind on the big screen (paged when they do not fit); the board has all

  function kinds(box, results, heading, limit) {
    var holder = add(box, "div", null, "benefit-kinds");
    holder.id = "benefit-kinds";
    holder.style.setProperty("--kinds", String(results.kinds.length));  // a column each
    results.kinds.forEach(function (kind) {
      var section = add(holder, "section", null, "benefit-kind");
      section.setAttribute("data-kind", kind.id);
      add(section, heading, kind.label + " (" + kind.benefits.length + ")");
      if (limit && !kind.benefits.length) { add(section, "p", words("none"), "muted"); }
      var list = add(section, "ul", null, limit ? "pager" : null);
      var shown = limit ? kind.benefits.slice(-limit) : kind.benefits;
      shown.forEach(function (b) {
        var item = add(list, "li", null, limit ? "page-item" : null);
        add(item, "bdi", b.text);
        // On the big screen who owns it first: a long goal's name is what gets cut.
        add(item, "span", limit ? " " + b.owner_label + " · " + b.group + " — " + b.goal
                                : " — " + b.goal + " · " + b.owner_label + " · " + b.group, "muted");
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
