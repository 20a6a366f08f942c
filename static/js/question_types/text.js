// Free-text results: the newest texts; on the projector a word cloud and, when the room
// upvotes, the ideas most upvoted first.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  var add = types.add;
  var SVG = "http://www.w3.org/2000/svg";
  // Pages of texts on the projector: a turn of about a minute at a page every 8 s.
  var MAX_PAGES = 8;

  function drawCloud(box, terms) {
    // A word cloud laid out in centred rows, biggest words first. Each word is measured as
    // drawn (bold, its size) so words never run together; sizes carry the counts, and each
    // word's count is in its title for screen readers.
    var width = 1200, maxSize = 96, minSize = 40, gap = 34, lineGap = 16;  // min: 28 px at 1080p on the projector
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

  // The phone's form: "Add another answer" up to the question's max_entries (the domain's
  // phone_view, as data-max), and how many are written.
  function entryParts(form) {
    var list = form.querySelector(".entries-form");
    return { list: list, max: parseInt(list.getAttribute("data-max"), 10) || 1,
             boxes: list.querySelectorAll("textarea"), button: form.querySelector(".add-entry"),
             counter: form.querySelector(".entry-counter") };
  }
  function updateEntries(form) {
    var p = entryParts(form);
    if (!p.button) { return; }
    var written = 0;
    for (var i = 0; i < p.boxes.length; i++) { if (p.boxes[i].value.trim()) { written += 1; } }
    p.button.hidden = p.boxes.length >= p.max;
    p.counter.textContent = types.fill(p.counter.getAttribute(written >= p.max ? "data-full" : "data-counter"), { n: written });
  }
  function addEntry(form, quietly) {
    var p = entryParts(form);
    if (p.boxes.length >= p.max) { return; }
    var last = p.boxes[p.boxes.length - 1];
    var n = p.boxes.length + 1;
    var id = form.getAttribute("data-question") + "-entry-" + n;
    var label = add(p.list, "label", types.fill(p.list.getAttribute("data-label"), { n: n }));
    label.setAttribute("for", id);
    var box = add(p.list, "textarea");
    box.id = id; box.name = "entry"; box.rows = 2;
    if (last) { box.maxLength = last.maxLength; }
    if (!quietly) { box.focus(); }
    updateEntries(form);
  }
  // An answer put back into the form (the phone's outbox after a reload, a refresh that keeps
  // what was typed): as many boxes as it has texts, before the values are set.
  function makeRoom(form, fields) {
    var wanted = (fields.entry || []).length;
    var before = -1;
    while (entryParts(form).boxes.length < wanted && entryParts(form).boxes.length !== before) {
      before = entryParts(form).boxes.length;
      addEntry(form, true);
    }
  }

  types.register("text", {
    form: {
      init: updateEntries,
      input: updateEntries,
      fill: makeRoom,
      click: function (form, event) {
        if (event.target.closest(".add-entry")) { addEntry(form); }
      }
    },
    phone: function (box, results) {
      var list = add(box, "ul", null, "entries");
      results.entries.forEach(function (e) {
        var item = add(list, "li");
        add(item, "bdi", e.text);  // a typed text kept apart from the group after it
        add(item, "span", " — " + e.group, "muted");
      });
    },
    projector: function (box, groups, r, t) {
      var results = r.results;
      var terms = results.cloud || [];
      if (terms.length) {
        var cloud = add(box, "div", null, "word-cloud" + (results.ideas ? " with-ideas" : ""));
        cloud.id = "proj-cloud";
        // Fewer words rather than words too small for the back row: the smallest must stay
        // 28 px at 1080p once the cloud is scaled into its box (the most frequent are kept).
        var smallest = 28 * window.innerHeight / 1080, shown = terms.length;
        for (;;) {
          drawCloud(cloud, terms.slice(0, shown));
          var svg = cloud.querySelector("svg"), view = svg.viewBox.baseVal;
          var rect = svg.getBoundingClientRect();
          var scale = view && view.width ? Math.min(rect.width / view.width, rect.height / view.height) : 1;
          if (!rect.height || shown <= 3 || 40 * scale >= smallest) { break; }
          shown = Math.max(3, Math.floor(shown * 0.7));
          types.clear(cloud);
        }
      }
      // Every text on some page (projector.js pages the list, "1/3" beside it); a hall's
      // hundreds would take minutes a turn, so at most MAX_PAGES of them, the most upvoted or
      // the newest, and a line saying how many more the board has: never cut unsaid.
      var column = add(box, "div", null, "entries-column");
      var list = add(column, "ul", null, "entries big-entries pager");
      list.id = "proj-entries";
      list.setAttribute("data-max-pages", String(MAX_PAGES));
      list.setAttribute("data-more", t("more-on-board"));
      if (results.ideas) {  // ideas with upvotes: most upvoted first
        results.ideas.forEach(function (idea) {
          var item = add(list, "li", null, "page-item idea" + (idea.answered ? " answered" : ""));
          add(item, "span", idea.votes + " ▲", "idea-votes");
          add(item, "span", " ", null);
          add(item, "span", idea.text, "idea-text");
          add(item, "span", " — " + idea.group + (idea.answered ? " · " + t("answered") : ""), "muted");
        });
        return;
      }
      results.entries.forEach(function (e) {  // the newest first
        var item = add(list, "li", null, "page-item");
        add(item, "bdi", e.text);  // a typed text kept apart from the group after it
        add(item, "span", " — " + e.group, "muted");
      });
    }
  });
})();
