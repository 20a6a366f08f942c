// Risk-matrix results: each item at its median cell of a 5x5 heat map (likelihood up,
// consequence across), with the share of tables in that cell; the items highest risk first.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  var add = types.add;
  var words = types.strings("risk");

  function level(score) { return score <= 4 ? "low" : score <= 9 ? "medium" : score <= 15 ? "high" : "critical"; }
  function rated(results) { return results.options.filter(function (o) { return o.tables > 0; }); }
  function line(o) {
    return o.number + ". " + o.label + ": " + o.cell[0] + " × " + o.cell[1] + " = " + o.score +
      " (" + o.agreement_percent + " % " + words("tables") + ")" + (o.divided ? " · " + words("divided") : "");
  }
  function badge(parent, o) {
    var node = add(parent, "span", String(o.number), "risk-badge" + (o.divided ? " risk-divided" : ""));
    node.setAttribute("data-key", o.key);
    node.title = o.label;
    return node;
  }

  function heatMap(box, results) {
    var table = add(box, "table", null, "risk-heat");
    table.id = "risk-heat";
    table.setAttribute("aria-label", words("heat-map"));
    var body = add(table, "tbody");
    var options = rated(results);
    results.scale.slice().reverse().forEach(function (likelihood, row) {
      var tr = add(body, "tr");
      if (row === 0) {
        var axis = add(tr, "th", null, "risk-axis risk-axis-y");
        axis.setAttribute("rowspan", String(results.scale.length));
        add(axis, "span", words("likelihood"));
      }
      add(tr, "th", String(likelihood), "risk-tick");
      results.scale.forEach(function (consequence) {
        var td = add(tr, "td", null, "risk-cell risk-" + level(likelihood * consequence));
        td.setAttribute("data-l", likelihood);
        td.setAttribute("data-c", consequence);
        var items = add(td, "div", null, "risk-cell-items");
        options.forEach(function (o) {
          if (o.cell[0] === likelihood && o.cell[1] === consequence) { badge(items, o); }
        });
      });
    });
    var ticks = add(body, "tr");
    add(ticks, "td"); add(ticks, "td");
    results.scale.forEach(function (n) { add(ticks, "th", String(n), "risk-tick"); });
    var foot = add(body, "tr");
    add(foot, "td"); add(foot, "td");
    add(foot, "th", words("consequence"), "risk-axis").setAttribute("colspan", String(results.scale.length));
  }

  // On the big screen a cell has room for a few badges at the back row's size: when more
  // items share it, the last ones make way for "+N" (each item's cell is in the list beside).
  function fitCells(table) {
    Array.prototype.forEach.call(table.querySelectorAll(".risk-cell-items"), function (items) {
      var badges = Array.prototype.slice.call(items.querySelectorAll(".risk-badge"));
      if (items.scrollHeight <= items.clientHeight + 1 || badges.length < 2) { return; }
      var more = add(items, "span", null, "risk-more");
      for (var shown = badges.length - 1; shown >= 1; shown--) {
        badges[shown].hidden = true;
        more.textContent = "+" + (badges.length - shown);
        more.title = badges.slice(shown).map(function (b) { return b.textContent + ". " + b.title; }).join("\n");
        if (items.scrollHeight <= items.clientHeight + 1) { break; }
      }
    });
  }

  function ranked(results) {
    var byKey = {};
    results.options.forEach(function (o) { byKey[o.key] = o; });
    return results.ranked.map(function (key) { return byKey[key]; });
  }

  types.register("risk", {
    phone: function (box, results) {
      var list = add(box, "ul", null, "risk-results");
      rated(results).forEach(function (o) { add(list, "li", line(o)).setAttribute("data-key", o.key); });
    },
    // The heat map beside the list, on one screen, the list paged (projector.js) when the
    // items do not all fit; each table's rating is on the board.
    projector: function (box, groups, r) {
      var holder = add(box, "div", null, "risk-board proj-risk");
      heatMap(holder, r.results);
      fitCells(holder.querySelector(".risk-heat"));
      var list = add(holder, "ol", null, "risk-list pager");
      list.id = "risk-list";
      ranked(r.results).forEach(function (o) {
        var item = add(list, "li", null, "page-item risk-row-" + o.level);
        item.setAttribute("data-key", o.key);
        badge(item, o);
        add(item, "span", " " + o.label + " ", "risk-label");
        var figures = add(item, "span", null, "risk-figures");
        add(figures, "strong", o.cell[0] + " × " + o.cell[1] + " = " + o.score, "num");
        add(figures, "span", " · " + o.agreement_percent + " % " + words("tables"), "muted");
        if (o.divided) {
          figures.appendChild(document.createTextNode(" "));
          add(figures, "span", words("divided"), "level-tag");
        }
      });
    }
  });
})();
