// The front-end half of the registry of question types (workshop/domain/question_types):
// each type's script registers how its results are drawn on the phone and on the projector,
// and the pages find that renderer by the type's name. What several types draw alike (bars, a
// row per option, the groups' answers) is here, once.
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

  // On the projector: one drawing per result, a row per option with its bar under the label
  // and the type's two figures (`cells`). The rows are paged (projector.js) when they do not
  // all fit, so every option stays readable from the back of the room.
  function projectorBars(box, options, cells, t) {
    var holder = add(box, "div", null, "proj-bars pager");
    var table = add(holder, "table", null, "proj-table");
    table.id = "proj-table";
    var top = Math.max.apply(null, options.map(function (o) { return Number(o.figure) || 0; }).concat([0]));
    options.forEach(function (o) {
      var row = add(table, "tr", null, "page-item");
      row.setAttribute("data-key", o.key);
      var label = add(row, "th", optionLabel(o, t));
      label.setAttribute("scope", "row");
      // The bar is drawn by CSS from this share of the largest figure (no text of its own).
      label.style.setProperty("--share", (top ? (Number(o.figure) || 0) / top * 100 : 0) + "%");
      cells(o).forEach(function (cell) { add(row, "td", cell, "num"); });
    });
    fitFigureColumns(table);
  }

  // Each figure column as wide as its widest figure ("2 førsteplasser" in Norwegian), measured
  // over every row before the pages hide some: a figure is never cut or run into the next one
  // (a row wider than its page would be a page of its own), and every page keeps the columns.
  function fitFigureColumns(table) {
    var widths = [], wider = false;
    Array.prototype.forEach.call(table.rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, n) {
        if (cell.tagName !== "TD") { return; }
        widths[n] = Math.max(widths[n] || cell.offsetWidth, Math.ceil(cell.scrollWidth) + 1);
        wider = wider || widths[n] > cell.offsetWidth;
      });
    });
    if (!wider) { return; }
    Array.prototype.forEach.call(table.rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, n) {
        if (widths[n]) { cell.style.width = widths[n] + "px"; }
      });
    });
  }

  // The tables' answers, paged: a card per table when the tables are fewer than the options
  // they chose (a small room reads its own table's answer), else an item per option: how many
  // tables have it in their answer and which, the most chosen first. A room of 50 tables
  // discusses "14 of 50 tables chose X", and a table finds itself by its name; a card per
  // table took 37 pages there, minutes before a table saw its own. `ordered`: a table's answer
  // is a ranking (numbered 1., 2.; by option, its tables listed by the place they gave it);
  // otherwise the items are a set and are not numbered as if ranked. Tables level on an option
  // come after the others, once marked (`tie`: the page's word for what level means in the
  // type, e.g. half the table chose it); tables with no answer most of them shared, last:
  // every table that answered is on some page.
  var TABLE_NAMES_AN_ITEM = 240;  // characters of table names an item holds: a long list goes on in the next one
  function projectorGroups(box, r, t, ordered, tie) {
    var answering = r.results.groups.filter(function (g) { return g.respondents; });
    if (!answering.length) { return; }
    add(box, "h2", t("group-answer"));
    var byKey = {}, keys = [], none = [];
    answering.forEach(function (g) {
      if (!g.answer.length) { none.push(g.name); }
      g.answer.forEach(function (a, n) {
        if (!byKey[a.key]) { byKey[a.key] = { label: a.label, tables: [] }; keys.push(a.key); }
        byKey[a.key].tables.push({ name: g.name, place: ordered ? n + 1 : 0, tie: a.tie });
      });
    });
    if (answering.length <= keys.length + (none.length ? 1 : 0)) {
      tableCards(add(box, "div", null, "group-grid pager"), answering, ordered, tie);
      return;
    }
    var list = add(box, "ul", null, "group-options pager");
    list.id = "proj-group-options";
    var order = r.results.options.map(function (o) { return o.key; });
    keys.sort(function (a, b) {
      return byKey[b].tables.length - byKey[a].tables.length || order.indexOf(a) - order.indexOf(b);
    });
    var prefix = sharedWord(answering.map(function (g) { return g.name; }));
    var of = "/" + answering.length + " " + t("tables");
    keys.forEach(function (key) {
      var o = byKey[key], runs = [];
      o.tables.sort(function (a, b) {  // "Bord 2" before "Bord 10"
        return (a.tie - b.tie) || (a.place - b.place) || byName(a.name, b.name);
      });
      o.tables.forEach(function (table) {
        var mark = table.tie ? tie : table.place ? table.place + "." : "";
        if (!runs.length || runs[runs.length - 1].mark !== mark) { runs.push({ mark: mark, tie: table.tie, names: [] }); }
        runs[runs.length - 1].names.push(table.name);
      });
      tablesItems(list, o.label, o.tables.length + of, runs, prefix, key);
    });
    if (none.length) {
      tablesItems(list, t("no-shared-answer"), none.length + of,
                  [{ mark: "", tie: false, names: none.sort(byName) }], prefix, "");
    }
  }

  function tableCards(grid, answering, ordered, tie) {
    answering.forEach(function (g) {
      var card = add(grid, "div", null, "group-card page-item");
      add(card, "h3", g.name + " (" + g.respondents + ")");
      var list = add(card, ordered ? "ol" : "ul");
      g.answer.forEach(function (a) { add(list, "li", a.label + (a.tie ? " (" + tie + ")" : "")); });
    });
  }

  function byName(a, b) { return a.localeCompare(b, undefined, { numeric: true }); }
  // Names that all begin with the same word ("Bord 1", "Bord 2"): the word, said once an item
  // ("Bord 1 · 2 · 7"), so a page holds more tables; "" when they do not.
  function sharedWord(names) {
    var first = names[0].split(" ")[0];
    var all = names.every(function (n) { return n.indexOf(" ") > 0 && n.split(" ")[0] === first && n.length > first.length + 1; });
    return all ? first : "";
  }
  function tablesItems(list, label, figure, runs, prefix, key) {
    var used = 0;
    function start() {
      var item = add(list, "li", null, "page-item group-option");
      if (key) { item.setAttribute("data-key", key); }
      // The figure first, beside the option's name (two lines at most: the bars beside have
      // it whole), then the tables' names.
      var head = add(item, "h3", null, "group-option-label");
      add(head, "span", figure, "num");
      add(head, "span", " " + label);
      var line = add(item, "p", null, "group-option-tables");
      used = 0;
      return line;
    }
    var line = start();
    runs.forEach(function (run) {
      var names = null;
      run.names.forEach(function (name) {
        if (used > TABLE_NAMES_AN_ITEM) { line = start(); names = null; }
        if (!names) {
          if (run.mark) { add(line, "span", run.mark, "group-option-mark" + (run.tie ? " level-tag" : "")); }
          names = add(line, "span", null, "group-option-names");
          if (prefix) { add(names, "span", prefix, "group-option-prefix"); }
        }
        add(names, "span", prefix ? name.slice(prefix.length + 1) : name, "group-table").setAttribute("data-name", name);
        used += name.length - (prefix ? prefix.length : 0) + 3;
      });
    });
  }

  // A type whose results are a figure per option: bars on the phone; on the projector a bar
  // per option with the type's two figures (`cells`), and the tables' answers
  // (`options.ordered`: a table's answer is a ranking; `options.tie(t)`: the page's word for
  // an option a table is level on: "tie" is a shared place, what it is in a ranking, not
  // when exactly half a table chose the option).
  function barsRenderer(cells, options) {
    var ordered = !!(options && options.ordered);
    var tieWord = (options && options.tie) || function (t) { return t("tie"); };
    return {
      phone: phoneBars,
      projector: function (box, groups, r, t) {
        projectorBars(box, r.results.options, function (o) { return cells(o, t); }, t);
        projectorGroups(groups, r, t, ordered, tieWord(t));
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

  // An answer ({name: [values]}) put into its question's form by the page itself (offline.js
  // from the phone's outbox, participant.js keeping what was typed over a refresh): the type
  // first makes room for it (`fill`: the text type adds boxes), the values are set, then the
  // type's help counts again (`init`: "3 av 5 valgt"), and an `input` event on the form says
  // it changed, as if typed.
  function fillForm(form, fields) {
    var renderer = renderers[form.getAttribute("data-type")];
    var hooks = (renderer && renderer.form) || {};
    if (hooks.fill) { hooks.fill(form, fields); }
    var seen = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || el.name === "csrf_token" || /^(submit|button|reset|file|image|fieldset)$/.test(el.type)) { continue; }
      var values = fields[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT") {
        for (var j = 0; j < el.options.length; j++) { el.options[j].selected = values.indexOf(el.options[j].value) !== -1; }
      } else {
        var n = seen[el.name] || 0;
        el.value = values[n] !== undefined ? values[n] : "";
        seen[el.name] = n + 1;
      }
    }
    if (hooks.init) { hooks.init(form); }
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // A renderer may bring `form`: hooks the phone calls on its question's form as the
  // participant ticks and types (init, click, input; static/js/phone_help.js), and `fill`
  // before an answer is put into it (fillForm).
  window.WorkshopTypes = {
    fillForm: fillForm,
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
