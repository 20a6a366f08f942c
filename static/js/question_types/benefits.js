// Benefits-map results: the room's benefits by kind, each with its goal, owner and table.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  var add = types.add;
  var words = types.strings("benefits");

  // `paged`: the big screen, where each kind's benefits are paged (projector.js, the page
  // number shown), the newest first, every one on some page: a kind cut to its newest five
  // left a hall's other benefits to the board.
  function kinds(box, results, heading, paged) {
    var holder = add(box, "div", null, "benefit-kinds");
    holder.id = "benefit-kinds";
    holder.style.setProperty("--kinds", String(results.kinds.length));  // a column each
    if (paged) {
      // Each kind's column as wide as its share of the benefits (a kind with few keeps room for
      // its heading): the columns page side by side and the room waits for the longest, so
      // the most written kind gets the room (a hall's 42, 54 and 64 benefits: 13 pages a turn
      // in equal columns).
      var total = results.kinds.reduce(function (n, k) { return n + k.benefits.length; }, 0);
      var least = Math.max(1, 0.6 * total / results.kinds.length);
      holder.style.gridTemplateColumns = results.kinds.map(function (k) {
        return "minmax(0, " + Math.max(least, k.benefits.length) + "fr)";
      }).join(" ");
    }
    results.kinds.forEach(function (kind) {
      var section = add(holder, "section", null, "benefit-kind");
      section.setAttribute("data-kind", kind.id);
      add(section, heading, kind.label + " (" + kind.benefits.length + ")");
      if (paged && !kind.benefits.length) { add(section, "p", words("none"), "muted"); }
      var list = add(section, "ul", null, paged ? "pager" : null);
      var shown = paged ? kind.benefits.slice().reverse() : kind.benefits;
      shown.forEach(function (b) {
        var item = add(list, "li", null, paged ? "page-item" : null);
        if (paged) {
          // On the big screen three lines at most (benefits.css): who owns it and the table,
          // then the benefit, in two; its goal in one: a long goal's name is what gets cut.
          var run = add(item, "bdi", null, "benefit-run");
          add(run, "span", b.owner_label + " · " + b.group + ": ", "benefit-owner");
          run.appendChild(document.createTextNode(b.text));
          add(item, "span", "— " + b.goal, "muted");
          return;
        }
        add(item, "bdi", b.text);
        add(item, "span", " — " + b.goal + " · " + b.owner_label + " · " + b.group, "muted");
      });
    });
  }

  types.register("benefits", {
    phone: function (box, results) { kinds(box, results, "h4", false); },
    // A column per kind, every benefit of each, the newest first.
    projector: function (box, groups, r) { kinds(box, r.results, "h2", true); }
  });
})();
