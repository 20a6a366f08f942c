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
    // those who placed it chose that box and the domain's "divided" mark, and under it its
    // "how/what to report" lines; the goals the votes left level in a box of their own, with
    // theirs. A goal and its lines are one item of its box's pages, the boxes paged side by
    // side: the room reads every line beside its goal in a few pages (paged on their own
    // below the board, they came one at a time: 60 pages for 20 goals). One drawing: no
    // table cards beside it (the board page has where each table placed each goal).
    projector: function (box, groups, r, t) {
      var board = add(box, "div", null, "fruit-board proj-fruit-board");
      var level = r.results.options.filter(function (o) { return o.tie; });
      // Every box on the screen (a file has 2 to 6): up to three in a row, four as 2x2.
      var boxes = r.results.quadrants.length + (level.length ? 1 : 0);
      var columns = boxes === 4 ? 2 : Math.min(boxes, 3);
      board.style.setProperty("--columns", String(columns));
      board.style.setProperty("--rows", String(Math.ceil(boxes / columns)));
      var lists = [];
      // With report lines, the room is theirs: a box's prompt ("Easy to reach, quick gains",
      // on the phones and the slides) would leave a goal and its three lines two pages.
      var reported = r.results.options.some(function (o) { return (o.reports || []).length; });
      r.results.quadrants.forEach(function (q) {
        var list = fruitBox(board, q.id, q.label, reported ? "" : q.prompt);
        lists.push(list);
        r.results.options.forEach(function (o) {
          if (o.place !== q.id) { return; }
          goalItem(list, o, o.places[q.id] + "/" + o.count, o.divided ? t("divided") : "");
        });
      });
      if (level.length) {
        var levelList = fruitBox(board, "level", t("fruit-level"), "");
        lists.push(levelList);
        level.forEach(function (o) { goalItem(levelList, o, "", ""); });
      }
      if (reported) {
        add(box, "p", "↳ " + t("report"), "fruit-report-legend muted");  // what the lines under a goal are
      }
      lists.forEach(fitGoals);
    }
  });

  function fruitBox(board, id, label, prompt) {
    var cell = add(board, "div", null, "fruit-box fruit-" + id);
    cell.setAttribute("data-box", id);
    add(cell, "h3", label);
    if (prompt) { add(cell, "p", prompt, "fruit-prompt"); }
    return add(cell, "ul", null, "pager");
  }
  // A goal's figures first (never the part cut), its name in two lines at most, its lines.
  function goalItem(list, o, figures, divided) {
    var item = add(list, "li", null, "page-item");
    item.setAttribute("data-key", o.key);
    var head = add(item, "p", null, "fruit-goal-line");
    if (figures) { add(head, "span", figures + " ", "num"); }
    if (divided) { add(head, "span", divided, "level-tag"); head.appendChild(document.createTextNode(" ")); }
    add(head, "strong", o.label, "fruit-goal");
    reportLines(item, o);
    return item;
  }
  // A goal with its three lines is taller than a small box's page: its last lines go on in
  // an item of their own under the goal's name again (one line, marked as a continuation), so
  // each line keeps its two lines and its table.
  function fitGoals(list) {
    var room = list.clientHeight;
    Array.prototype.slice.call(list.children).forEach(function (item) {
      var current = item;
      for (;;) {
        var lines = current.querySelector(".fruit-report-lines");
        if (current.offsetHeight <= room || !lines || lines.children.length < 2) { break; }
        var next = document.createElement("li");
        next.className = "page-item fruit-goal-more";
        next.setAttribute("data-key", item.getAttribute("data-key"));
        add(next, "p", null, "fruit-goal-line").appendChild(item.querySelector(".fruit-goal").cloneNode(true));
        var moved = add(next, "ul", null, "fruit-report-lines");
        list.insertBefore(next, current.nextSibling);
        while (current.offsetHeight > room && lines.children.length > 1) {
          moved.insertBefore(lines.lastElementChild, moved.firstChild);
        }
        current = next;
      }
    });
  }
  // A few lines a goal, not a hall's hundreds (the board page has them all).
  function reportLines(item, o) {
    var reports = (o.reports || []).slice(0, REPORTS_A_GOAL);
    if (!reports.length) { return; }
    var lines = add(item, "ul", null, "fruit-report-lines");
    reports.forEach(function (rep) {
      // The table first: a long line's end is what two lines cut.
      var line = add(lines, "li", "↳ ", "fruit-report");
      add(line, "span", rep.group + ": ", "muted");
      add(line, "bdi", rep.text);
    });
  }
})();
