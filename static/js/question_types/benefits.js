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
    results.kinds.forEach(function (kind) {
      var section = add(holder, "section", null, "benefit-kind");
      section.setAttribute("data-kind", kind.id);
      add(section, heading, kind.label + " (" + kind.benefits.length + ")");
      if (paged && !kind.benefits.length) { add(section, "p", words("none"), "muted"); }
      var list = add(section, "ul", null, paged ? "pager" : null);
      var shown = paged ? kind.benefits.slice().reverse() : kind.benefits;
      shown.forEach(function (b) {
        var item = add(list, "li", null, paged ? "page-item" : null);
        add(item, "bdi", b.text);
        // On the big screen who owns it first: a long goal's name is what gets cut.
        add(item, "span", paged ? " " + b.owner_label + " · " + b.group + " — " + b.goal
                                : " — " + b.goal + " · " + b.owner_label + " · " + b.group, "muted");
      });
    });
  }

  types.register("benefits", {
    phone: function (box, results) { kinds(box, results, "h4", false); },
    // A column per kind, every benefit of each, the newest first.
    projector: function (box, groups, r) { kinds(box, r.results, "h2", true); }
  });
})();
