// The big screen: the projected question, its answer count and, when visible, live results.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var t = function (key) { return root.getAttribute("data-" + key) || ""; };
  var state = null;
  var latest = {};
  var chart = null;
  var socket = io({ reconnectionDelayMax: 3000 });

  function el(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function add(parent, tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    parent.appendChild(node);
    return node;
  }
  function wrap(label) {
    // Long option labels on two or three lines instead of one unreadable line.
    var words = String(label).split(" "), lines = [], line = "";
    words.forEach(function (w) {
      if ((line + " " + w).trim().length > 28 && line) { lines.push(line); line = w; }
      else { line = (line + " " + w).trim(); }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function measure(r, o) { return o.figure; }  // what the domain counts for this type

  function drawChart(r) {
    var options = r.results.options;
    var data = options.map(function (o) { return measure(r, o); });
    var labels = options.map(function (o) { return wrap(o.label); });
    if (!window.Chart) { return; }
    // The box grows with the number of bars (app.css), so every bar keeps its label.
    el("proj-chart").parentNode.style.setProperty("--bars", labels.length);
    if (chart && chart.data.labels.length === labels.length) {
      chart.data.labels = labels;
      chart.data.datasets[0].data = data;
      chart.update("none");
      return;
    }
    if (chart) { chart.destroy(); }
    chart = new window.Chart(el("proj-chart"), {
      type: "bar",
      data: { labels: labels, datasets: [{ data: data, backgroundColor: "#ffd23f", borderColor: "#000", borderWidth: 1 }] },
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

  function drawTable(r) {
    var table = el("proj-table");
    clear(table);
    if (r.type === "text") { return; }
    var ranked = r.type === "ranked";
    r.results.options.forEach(function (o) {
      var row = add(table, "tr");
      add(row, "th", o.label).setAttribute("scope", "row");
      if (r.type === "points") {
        add(row, "td", o.points_total + " " + t("points"), "num");
        add(row, "td", "Ø " + o.points_mean, "num");
      } else if (ranked) {
        add(row, "td", o.score + " " + t("points"), "num");
        add(row, "td", o.first + " " + t("first"), "num");
      } else {
        add(row, "td", String(o.count), "num");
        add(row, "td", Math.round(o.share * 100) + " %", "num");
      }
    });
  }

  function drawEntries(r) {
    var list = el("proj-entries");
    clear(list);
    if (r.type !== "text") { return; }
    if (r.results.ideas) {  // ideas with upvotes: most upvoted first
      r.results.ideas.slice(0, 20).forEach(function (idea) {
        var item = add(list, "li", null, "idea" + (idea.answered ? " answered" : ""));
        add(item, "span", idea.votes + " ▲", "idea-votes");
        add(item, "span", " " + idea.text, "idea-text");
        add(item, "span", " — " + idea.group + (idea.answered ? " · " + t("answered") : ""), "muted");
      });
      return;
    }
    r.results.entries.slice(0, 30).forEach(function (e) {
      var item = add(list, "li", e.text);
      add(item, "span", " — " + e.group, "muted");
    });
  }

  var SVG = "http://www.w3.org/2000/svg";
  function drawCloud(r) {
    // A word cloud laid out in centred rows, biggest words first. Each word is measured as
    // drawn (bold, its size) so words never run together; sizes carry the counts, and each
    // word's count is in its title for screen readers.
    var box = el("proj-cloud");
    clear(box);
    var terms = (r.results && r.results.cloud) || [];
    box.hidden = !terms.length;
    box.classList.toggle("with-ideas", !!(r.results && r.results.ideas));
    if (!terms.length) { return; }
    var width = 1200, maxSize = 84, minSize = 26, gap = 34, lineGap = 16;
    var top = terms[0].count;
    var colours = ["#ffd23f", "#ffffff", "#7cfc9a", "#8ecbff"];
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " 100");
    box.appendChild(svg);
    // Measure each word as drawn; canvas as the fallback when the SVG is not laid out yet.
    var ruler = document.createElement("canvas").getContext("2d");
    var family = window.getComputedStyle(box).fontFamily || "sans-serif";
    var words = terms.map(function (term, i) {
      var size = minSize + (maxSize - minSize) * (top > 1 ? (term.count - 1) / (top - 1) : 1);
      var text = document.createElementNS(SVG, "text");
      text.setAttribute("font-size", String(Math.round(size)));
      text.setAttribute("font-weight", "700");
      text.setAttribute("fill", colours[i % colours.length]);
      text.textContent = term.term;
      var title = document.createElementNS(SVG, "title");
      title.textContent = term.term + ": " + term.count;
      text.appendChild(title);
      svg.appendChild(text);
      ruler.font = "700 " + Math.round(size) + "px " + family;
      // The drawn box where the SVG is laid out (the exact width); the canvas ruler if not.
      var drawn = 0;
      try { drawn = text.getBBox().width; } catch (e) { drawn = 0; }
      var measured = drawn || ruler.measureText(term.term).width;
      return { node: text, size: size, w: Math.min(width, measured || term.term.length * size * 0.8) };
    });
    var lines = [], line = [], used = 0;
    words.forEach(function (word) {
      if (used + word.w > width && line.length) { lines.push(line); line = []; used = 0; }
      line.push(word);
      used += word.w + gap;
    });
    if (line.length) { lines.push(line); }
    var y = 0;
    lines.forEach(function (row) {
      y += Math.max.apply(null, row.map(function (p) { return p.size; }));
      var rowWidth = row.reduce(function (sum, p) { return sum + p.w + gap; }, -gap);
      var x = Math.max(0, (width - rowWidth) / 2);
      row.forEach(function (p) {
        p.node.setAttribute("x", String(x));
        p.node.setAttribute("y", String(y));
        x += p.w + gap;
      });
      y += lineGap;
    });
    svg.setAttribute("viewBox", "0 0 " + width + " " + (y + 10));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", terms.slice(0, 10).map(function (t2) { return t2.term + " " + t2.count; }).join(", "));
  }

  function drawGroups(r) {
    var box = el("proj-groups");
    clear(box);
    if (!r.results || r.type === "text") { return; }
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

  function render() {
    if (!state) { return; }
    var r = latest[state.projected];
    if (!r) { return; }
    el("proj-question").textContent = r.text;
    el("proj-respondents").textContent = r.respondents;
    el("proj-count-label").textContent = t("answers") + " " + t("of") + " " + r.participants + " " + t("participants");
    var countdown = el("proj-countdown");
    countdown.setAttribute("data-closed", t("closed"));
    countdown.setAttribute("data-left", t("left"));
    countdown.setAttribute("data-closes-at", r.status === "open" ? (r.closes_at || "") : "");
    if (r.status !== "open") { countdown.textContent = r.status === "closed" ? t("closed") : ""; }
    var results = el("proj-results");
    if (r.results) {
      results.classList.remove("hidden-results");
      results.removeAttribute("data-hidden-text");
      el("proj-chart").parentNode.hidden = r.type === "text";
      if (r.type !== "text") { drawChart(r); }
      drawTable(r); drawEntries(r); drawCloud(r);
    } else {
      results.classList.add("hidden-results");
      clear(el("proj-table")); clear(el("proj-entries")); clear(el("proj-cloud"));
      el("proj-chart").parentNode.hidden = true;
      el("proj-table").appendChild(document.createElement("caption")).textContent = t("hidden");
    }
    drawGroups(r);
    window.WorkshopCountdown.tick();
  }

  function onResults(r) {
    var known = latest[r.question];
    if (known && known.seq > r.seq) { return; }  // pushes can arrive out of order
    latest[r.question] = r;
    if (state && r.question === state.projected) { render(); }
  }
  function onState(s) {
    if (state && state.seq > s.seq) { return; }
    state = s;
    window.WorkshopCountdown.setServerTime(s.server_time);
    render();
  }

  socket.on("connect", function () {
    el("proj-connection").textContent = "";
    socket.emit("screen:watch", { code: root.getAttribute("data-code") }, function (ack) {
      if (!ack || !ack.ok) { return; }
      ack.results.forEach(onResults);
      onState(ack.state);
    });
  });
  socket.on("disconnect", function () { el("proj-connection").textContent = t("offline"); });
  socket.on("state", onState);
  socket.on("results", onResults);
})();
