// Fruit-board results: each goal in the box most placed it in, with how united the room was.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  var add = types.add;

  function agreement(o) { return o.agreement_percent + " %"; }

  types.register("fruit", {
    phone: function (box, results, t) {
      var list = add(box, "ul", null, "fruit-results");
      results.options.forEach(function (o) {
        if (!o.count) { return; }
        add(list, "li", o.label + ": " + (o.place_label || t("fruit-level")) + " (" + agreement(o) + ")")
          .setAttribute("data-key", o.key);
      });
    },
    // The 2x2 fruit board, live: the goals in their boxes, the level ones apart.
    projector: function (box, groups, r, t) {
      var board = add(box, "div", null, "fruit-board proj-fruit-board");
      r.results.quadrants.forEach(function (q) {
        var cell = add(board, "div", null, "fruit-box fruit-" + q.id);
        cell.setAttribute("data-box", q.id);
        add(cell, "h3", q.label);
        add(cell, "p", q.prompt, "muted");
        var list = add(cell, "ul");
        r.results.options.forEach(function (o) {
          if (o.place !== q.id) { return; }
          var item = add(list, "li");
          item.setAttribute("data-key", o.key);
          add(item, "strong", o.label);
          add(item, "span", " " + o.places[q.id] + "/" + o.count, "num");
          if (o.divided) { add(item, "span", " " + t("divided"), "level-tag"); }
        });
      });
      var level = r.results.options.filter(function (o) { return o.tie; });
      if (level.length) {
        add(box, "p", t("fruit-level") + ": " + level.map(function (o) { return o.label; }).join(", "));
      }
      types.projectorGroups(groups, r, t);  // where each table placed each goal
    }
  });
})();
