// Fruit-board results: each goal in the box most placed it in, with how united the room was.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  var add = types.add;

  var REPORTS_A_GOAL = 3;  // "how/what to report" lines a goal on the projector

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
    // The 2x2 fruit board, live: each goal in the box most placed it in, with how many of
    // those who placed it chose that box and the domain's "divided" mark; the goals the votes
    // left level apart; then the "how/what to report" lines, paged. One drawing: no table
    // cards beside it (the board page has where each table placed each goal).
    projector: function (box, groups, r, t) {
      var board = add(box, "div", null, "fruit-board proj-fruit-board");
      // Every box on the screen (a file has 2 to 6): up to three in a row, four as 2x2.
      var boxes = r.results.quadrants.length, columns = boxes === 4 ? 2 : Math.min(boxes, 3);
      board.style.setProperty("--columns", String(columns));
      board.style.setProperty("--rows", String(Math.ceil(boxes / columns)));
      r.results.quadrants.forEach(function (q) {
        var cell = add(board, "div", null, "fruit-box fruit-" + q.id);
        cell.setAttribute("data-box", q.id);
        add(cell, "h3", q.label);
        add(cell, "p", q.prompt, "fruit-prompt");
        var list = add(cell, "ul", null, "pager");
        r.results.options.forEach(function (o) {
          if (o.place !== q.id) { return; }
          var item = add(list, "li", null, "page-item");
          item.setAttribute("data-key", o.key);
          add(item, "strong", o.label, "fruit-goal");
          add(item, "span", " " + o.places[q.id] + "/" + o.count, "num");
          if (o.divided) { add(item, "span", " " + t("divided"), "level-tag"); }
        });
      });
      var level = r.results.options.filter(function (o) { return o.tie; });
      if (level.length) {
        add(box, "p", t("fruit-level") + ": " + level.map(function (o) { return o.label; }).join(", "), "fruit-level");
      }
      var reports = [];
      r.results.options.forEach(function (o) {
        // A few lines a goal, not a hall's hundreds (the board page has them all).
        (o.reports || []).slice(0, REPORTS_A_GOAL).forEach(function (rep) {
          reports.push({ goal: o.label, text: rep.text, group: rep.group });
        });
      });
      if (reports.length) {
        var section = add(box, "section", null, "fruit-reports");
        add(section, "h3", t("report"));
        var lines = add(section, "ul", null, "pager");
        lines.id = "proj-reports";
        reports.forEach(function (rep) {
          var line = add(lines, "li", null, "page-item");
          add(line, "strong", rep.goal + ": ");
          add(line, "bdi", rep.text);
          add(line, "span", " — " + rep.group, "muted");
        });
      }
    }
  });
})();
