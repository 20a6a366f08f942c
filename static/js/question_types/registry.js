// The front-end half of the registry of question types (workshop/domain/question_types):
// each type's script registers how its results are drawn on the phone and on the projector,
// and the pages find that renderer by the type's name. What several types draw alike (bars, a
// chart, the groups' answers) is here, once.
(function () {
  "use strict";
  var renderers = {};

  function add(parent, tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    parent.appendChild(node);
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // A written-in answer is marked as one: it may read like one of the options.
  function optionLabel(o, t) { return o.label + (o.write_in ? " (" + t("written-in") + ")" : ""); }

  // A bar per option with its figure (what the type counts), as the page's bar_list macro.
  function phoneBars(box, results, t) {
    var bars = add(box, "ol", null, "bars");
    results.options.forEach(function (o) {
      var row = add(bars, "li", null, "bar-row");
      row.setAttribute("data-key", o.key);
      var label = add(row, "span", o.label, "bar-label");
      if (o.write_in) {
        label.appendChild(document.createTextNode(" "));
        add(label, "em", "(" + t("written-in") + ")");
      }
      var bar = add(row, "progress", null, "bar-track");
      bar.max = 1; bar.value = o.share || 0; bar.setAttribute("aria-hidden", "true");
      add(row, "span", String(o.figure) + (results.unit ? " " + t("points") : ""), "bar-value");
    });
  }

  function wrap(label, width) {
    var words = String(label).split(" "), lines = [], line = "";
    words.forEach(function (w) {
      if ((line + " " + w).trim().length > width && line) { lines.push(line); line = w; }
      else { line = (line + " " + w).trim(); }
    });
    if (line) { lines.push(line); }
    return lines;
  }
  // Long option labels on two or three lines of 28 characters instead of one unreadable line;
  // lines a little longer when a label would need a fourth.
  function wrapAll(labels) {
    for (var width = 28; width < 60; width += 4) {
      var wrapped = labels.map(function (label) { return wrap(label, width); });
      if (wrapped.every(function (lines) { return lines.length <= 3; })) { return wrapped; }
    }
    return labels.map(function (label) { return wrap(label, 60); });
  }

  var chart = null;  // one chart on a projector page, updated in place between pushes
  function projectorChart(box, options, t) {
    var labels = options.map(function (o) { return optionLabel(o, t); });
    var holder = add(box, "div", null, "chart-box");
    var canvas = add(holder, "canvas");
    canvas.id = "proj-chart";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", options.map(function (o, i) { return labels[i] + " " + o.figure; }).join(", "));
    if (!window.Chart) { return; }
    // The box grows with the number of bars and their labels' lines (app.css), so every bar
    // keeps its label and no label runs into the next.
    var wrapped = wrapAll(labels);
    holder.style.setProperty("--bars", options.length);
    holder.style.setProperty("--bar-lines", Math.max.apply(null, wrapped.map(function (l) { return l.length; }).concat([1])));
    if (chart) { chart.destroy(); }
    chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: wrapped,
              datasets: [{ data: options.map(function (o) { return o.figure; }),
                           backgroundColor: "#ffd23f", borderColor: "#000", borderWidth: 1 }] },
      options: {
        indexAxis: "y", animation: false, maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, color: "#fff", font: { size: 18 } }, grid: { color: "#444" } },
          y: { ticks: { color: "#fff", font: { size: 20 }, autoSkip: false }, grid: { display: false } }
        }
      }
    });
  }

  // A table of the options: the type gives each row's two figures.
  function projectorTable(box, options, cells, t) {
    var table = add(box, "table", null, "proj-table");
    table.id = "proj-table";
    options.forEach(function (o) {
      var row = add(table, "tr");
      row.setAttribute("data-key", o.key);
      add(row, "th", optionLabel(o, t)).setAttribute("scope", "row");
      cells(o).forEach(function (cell) { add(row, "td", cell, "num"); });
    });
  }

  function projectorGroups(box, r, t) {
    add(box, "h2", t("group-answer"));
    var grid = add(box, "div", null, "group-grid");
    r.results.groups.forEach(function (g) {
      if (!g.respondents) { return; }
      var card = add(grid, "div", null, "group-card");
      add(card, "h3", g.name + " (" + g.respondents + ")");
      var list = add(card, "ol");
      g.answer.forEach(function (a) { add(list, "li", a.label + (a.tie ? " (" + t("tie") + ")" : "")); });
    });
  }

  // A type whose results are a figure per option: bars on the phone; on the projector a chart,
  // a table with the type's two figures per option (`cells`), and the groups' answers.
  function barsRenderer(cells) {
    return {
      phone: phoneBars,
      projector: function (box, groups, r, t) {
        projectorChart(box, r.results.options, t);
        projectorTable(box, r.results.options, function (o) { return cells(o, t); }, t);
        projectorGroups(groups, r, t);
      }
    };
  }

  // A translated text from the page with its "{name}" places filled in: the server words it
  // ("{n} av 8 valgt"), the phone puts in the figure.
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, key) {
      return values[key] !== undefined ? String(values[key]) : all;
    });
  }

  // A renderer may bring `form`: hooks the phone calls on its question's form as the
  // participant ticks and types (init, click, input; static/js/phone_help.js).
  window.WorkshopTypes = {
    register: function (name, renderer) { renderers[name] = renderer; },
    renderer: function (name) { return renderers[name]; },
    add: add, clear: clear, fill: fill, barsRenderer: barsRenderer, projectorGroups: projectorGroups,
    // A type's own words, in the page's language (its partial question_types/<type>/strings.html).
    strings: function (name) {
      var node = document.getElementById("type-strings-" + name);
      return function (key) { return (node && node.getAttribute("data-" + key)) || ""; };
    }
  };
})();
