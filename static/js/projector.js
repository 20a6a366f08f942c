// The big screen: the step the facilitator put on the projector (services/steps.py), drawn
// from the `state` push and the questions' `results` pushes, without a reload: the lobby, a
// content slide, the exercise's overview, a question (its type's renderer), the board or the
// plan. Whatever does not fit the screen is paged, a page every PAGE_MS with "1/3" shown.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var t = function (key) { return root.getAttribute("data-" + key) || ""; };
  var PAGE_MS = 8000;
  var state = null;
  var latest = {};
  var slides = JSON.parse(document.getElementById("proj-slides").textContent || "{}");
  var socket = window.WorkshopLive.socket({ reconnectionDelayMax: 3000 });
  var types = window.WorkshopTypes, clear = types.clear, add = types.add;

  function el(id) { return document.getElementById(id); }

  // --- paging: the items of a `.pager` box that fit it make a page ---------------------
  var pagers = [];
  var turn = 0;  // advanced every PAGE_MS; each pager shows page turn % its pages
  function itemsOf(box) {
    return Array.prototype.filter.call(box.querySelectorAll(".page-item"), function (item) {
      return item.parentElement.closest(".pager") === box;
    });
  }
  function overflows(box) { return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1; }
  function pagesOf(box, items) {
    var pages = [[]];
    items.forEach(function (item) { item.hidden = true; });
    items.forEach(function (item) {
      var page = pages[pages.length - 1];
      item.hidden = false;
      if (page.length && overflows(box)) {
        page.forEach(function (done) { done.hidden = true; });
        pages.push([item]);
      } else {
        page.push(item);
      }
    });
    return pages;
  }
  // A line after a pager: its page number ("1/3", right after it), or how many items it has
  // no page for. Made when wanted, removed when not; `changed` when that took or gave room.
  function besideLine(box, className, wanted) {
    var line = null, last = box;
    for (var next = box.nextElementSibling; next && /\bpage-(number|more)\b/.test(next.className); next = next.nextElementSibling) {
      if (next.classList.contains(className)) { line = next; }
      if (className === "page-more" || next.classList.contains(className)) { last = next; }
    }
    if (wanted && !line) {
      line = document.createElement("p");
      line.className = className;
      last.parentNode.insertBefore(line, last.nextSibling);
      return { line: line, changed: true };
    }
    if (!wanted && line) { line.parentNode.removeChild(line); return { line: null, changed: true }; }
    return { line: line, changed: false };
  }
  // A pager with data-max-pages keeps that many pages, its first items, and says how many
  // more there are (data-more, "{n}" filled): a list a room cannot wait through is cut where
  // the room sees it, never silently.
  function paginate(box) {
    var items = itemsOf(box);
    var max = parseInt(box.getAttribute("data-max-pages"), 10) || 0;
    var pages = pagesOf(box, items);
    var marker = besideLine(box, "page-number", pages.length > 1);
    var more = besideLine(box, "page-more", max > 0 && pages.length > max);
    if (marker.changed || more.changed) {
      // The lines take room from the box: lay the pages out again in what is left.
      if (marker.line) { marker.line.textContent = "1/" + pages.length; }
      if (more.line) { more.line.textContent = types.fill(box.getAttribute("data-more"), { n: items.length }); }
      pages = pagesOf(box, items);
    }
    if (max > 0 && pages.length > max && more.line) {
      pages.slice(max).forEach(function (page) {
        page.forEach(function (item) { item.parentNode.removeChild(item); });
      });
      pages = pages.slice(0, max);
      var kept = pages.reduce(function (n, page) { return n + page.length; }, 0);
      more.line.textContent = types.fill(box.getAttribute("data-more"), { n: items.length - kept });
    }
    if (marker.line) { marker.line.textContent = "1/" + pages.length; }
    return { box: box, pages: pages, marker: marker.line };
  }
  function showPages() {
    pagers.forEach(function (p) {
      var at = turn % p.pages.length;
      p.pages.forEach(function (page, n) { page.forEach(function (item) { item.hidden = n !== at; }); });
      if (p.marker) { p.marker.textContent = (at + 1) + "/" + p.pages.length; }
    });
  }
  function layoutPagers(screen) {
    // Outer boxes first: a pager inside a pager's item is measured once its item is shown.
    pagers = Array.prototype.map.call(screen.querySelectorAll(".pager"), function (box) { return paginate(box); });
    showPages();
  }
  setInterval(function () { turn += 1; showPages(); }, PAGE_MS);

  // --- the steps' screens --------------------------------------------------------------
  function newest() {  // the freshest results push: its room-wide figures (who has joined)
    var best = null;
    Object.keys(latest).forEach(function (k) { if (!best || latest[k].seq > best.seq) { best = latest[k]; } });
    return best;
  }

  function drawLobby() {
    var r = newest();
    var joined = r ? r.joined || [] : [];
    el("lobby-joined").textContent = r ? r.participants : 0;
    var list = el("lobby-tables");
    clear(list);
    if (!joined.length) { add(list, "li", t("nobody"), "page-item lobby-nobody"); }
    joined.forEach(function (table) {
      var item = add(list, "li", null, "page-item");
      add(item, "span", table.name, "lobby-table");
      add(item, "strong", " " + table.participants, "num");
    });
  }

  function drawSlide(ref) {
    var slide = slides[ref] || { title: "", text: "", bullets: [], image: null };
    el("slide-title").textContent = slide.title;
    var text = el("slide-text");
    text.textContent = slide.text || "";
    text.hidden = !slide.text;
    var bullets = el("slide-bullets");
    clear(bullets);
    bullets.className = "slide-bullets pager";
    (slide.bullets || []).forEach(function (b) { add(bullets, "li", b, "page-item"); });
    bullets.hidden = !(slide.bullets || []).length;
    var image = el("slide-image");
    if (slide.image) {
      var src = image.getAttribute("data-base") + slide.image;
      if (image.getAttribute("src") !== src) { image.setAttribute("src", src); }
      image.hidden = false;
    } else {
      image.hidden = true;
      image.removeAttribute("src");
    }
  }

  function drawOverview() {
    var list = el("overview");
    clear(list);
    list.className = "overview pager";
    var shown = state.questions.filter(function (q) { return q.status !== "draft"; });
    if (!shown.length) { add(list, "li", t("nothing-open"), "page-item overview-none"); }
    shown.forEach(function (q) {
      var r = latest[q.id];
      var item = add(list, "li", null, "page-item overview-item overview-" + q.status);
      item.setAttribute("data-question", q.id);
      var number = state.questions.indexOf(q) + 1;
      add(item, "h2", number + ". " + (r ? r.text : q.id), "overview-text");
      var figures = add(item, "p", null, "overview-figures");
      if (r) {
        add(figures, "strong", r.tables_answered + "/" + (r.joined || []).length, "num");
        add(figures, "span", " " + t("tables-answered") + " · ");
        add(figures, "strong", r.respondents + "/" + r.participants, "num");
        add(figures, "span", " " + t("answers"));
      }
      add(item, "p", q.status === "open" ? t("open") : t("closed"), "overview-status");
    });
  }

  function drawQuestion(ref) {
    var r = latest[ref];
    if (!r) { return; }
    el("proj-question").textContent = r.text;
    el("proj-respondents").textContent = r.respondents;
    el("proj-count-label").textContent = t("answers") + " " + t("of") + " " + r.participants + " " + t("participants");
    var results = el("proj-results");
    var groups = el("proj-groups");
    clear(results); clear(groups);
    results.className = "proj-results proj-type-" + r.type;
    if (r.results) {
      // Drawn by the question's type (static/js/question_types/), found by its name.
      types.renderer(r.type).projector(results, groups, r, t);
    } else {
      results.classList.add("hidden-results");
      add(results, "p", t("hidden"), "hidden-note");
    }
  }

  // The countdown of the step: the question's, or on the overview the soonest of the open ones.
  function setCountdown(step) {
    var closesAt = "", status = "";
    if (step.kind === "question") {
      var r = latest[step.ref];
      var q = state.questions.filter(function (x) { return x.id === step.ref; })[0];
      status = q ? q.status : "";
      closesAt = q && q.status === "open" ? String(q.closes_at || "") : "";
      if (r && r.status) { status = r.status; }
    } else if (step.kind === "exercise") {
      var open = state.questions.filter(function (x) { return x.status === "open" && x.closes_at; })
        .map(function (x) { return x.closes_at; }).sort();
      closesAt = open.length ? String(open[0]) : "";
      status = open.length ? "open" : "";
    }
    var countdown = el("proj-countdown");
    countdown.setAttribute("data-closed", t("closed"));
    countdown.setAttribute("data-left", t("left"));
    countdown.setAttribute("data-closes-at", closesAt);
    if (!closesAt) { countdown.textContent = status === "closed" ? t("closed") : ""; }
  }

  // This run beside earlier runs: read from the server when the step is shown and again, at
  // most every few seconds, while this run's figures move. A question a page.
  var comparison = null, comparisonAsked = 0, comparisonTimer = null;
  var COMPARISON_ROWS = 12;  // what a page holds at any screen size (the sizes scale with it)
  function fetchComparison() {
    comparisonAsked = Date.now();
    fetch(root.getAttribute("data-comparison"), { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) { comparison = data; if (state && state.step && state.step.kind === "comparison") { render(); } })
      .catch(function () {});
  }
  function refetchComparisonSoon() {
    if (comparisonTimer) { return; }
    comparisonTimer = setTimeout(function () { comparisonTimer = null; fetchComparison(); },
                                 Math.max(0, 3000 - (Date.now() - comparisonAsked)));
  }
  function drawComparison() {
    var list = el("comparison");
    clear(list);
    list.className = "comparison-list pager";
    if (!comparison) { return; }
    var pages = [];  // a question a page; a long one over several, ROWS rows each
    comparison.questions.forEach(function (q) {
      for (var at = 0; at < q.rows.length; at += COMPARISON_ROWS) {
        pages.push({ q: q, rows: q.rows.slice(at, at + COMPARISON_ROWS) });
      }
    });
    pages.forEach(function (page) {
      var q = page.q;
      var item = add(list, "li", null, "page-item comparison-question");
      add(item, "h2", q.text, "comparison-text");
      add(item, "p", q.measure, "comparison-measure");
      var grid = add(item, "div", null, "comparison-grid");
      grid.style.setProperty("--runs", String(comparison.headings.length));
      add(grid, "span", "", "comparison-head");
      comparison.headings.forEach(function (h) { add(grid, "span", h, "comparison-head num"); });
      add(grid, "span", t("respondents"), "comparison-label comparison-respondents");
      q.respondents.forEach(function (n) { add(grid, "span", n, "num comparison-respondents"); });
      page.rows.forEach(function (row) {
        add(grid, "span", row.label, "comparison-label");
        row.cells.forEach(function (cell) { add(grid, "span", cell, "num"); });
      });
    });
  }

  var SCREENS = { lobby: "screen-lobby", slide: "screen-slide", exercise: "screen-exercise",
                  question: "screen-question", board: "screen-board", plan: "screen-plan",
                  comparison: "screen-comparison" };
  var shownKey = null;
  function render() {
    if (!state) { return; }
    var step = state.step || { kind: "question", ref: state.projected, key: state.projected };
    if (step.key !== shownKey) {  // a new step starts on page 1
      turn = 0; shownKey = step.key;
      if (step.kind === "comparison") { fetchComparison(); }
    }
    root.setAttribute("data-step", step.kind);
    Object.keys(SCREENS).forEach(function (kind) { el(SCREENS[kind]).hidden = kind !== step.kind; });
    el("proj-step-number").textContent = step.number ? step.number + "/" + step.total : "";
    if (step.kind === "lobby") { drawLobby(); }
    else if (step.kind === "slide") { drawSlide(step.ref); }
    else if (step.kind === "exercise") { drawOverview(); }
    else if (step.kind === "question") { drawQuestion(step.ref); }
    else if (step.kind === "comparison") { drawComparison(); }
    setCountdown(step);
    window.WorkshopCountdown.tick();
    layoutPagers(el(SCREENS[step.kind]));
  }

  function onResults(r) {
    var known = latest[r.question];
    if (known && known.seq > r.seq) { return; }  // pushes can arrive out of order
    latest[r.question] = r;
    var step = state && state.step;
    if (step && step.kind === "comparison") { refetchComparisonSoon(); return; }
    if (!step || step.kind === "lobby" || step.kind === "exercise" || step.ref === r.question) { render(); }
  }
  function onState(s) {
    if (state && state.seq > s.seq) { return; }
    state = s;
    window.WorkshopCountdown.setServerTime(s.server_time);
    render();
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(render, 150);
  });
  el("slide-image").addEventListener("load", function () { if (state) { render(); } });

  socket.on("connect", function () {
    el("proj-connection").textContent = "";
    socket.emit("screen:watch", { code: root.getAttribute("data-code") }, function (ack) {
      if (!ack || !ack.ok) { return; }
      ack.results.forEach(function (r) { latest[r.question] = r; });
      onState(ack.state);
    });
  });
  socket.on("disconnect", function () { el("proj-connection").textContent = t("offline"); });
  socket.on("state", onState);
  socket.on("results", onResults);
})();
