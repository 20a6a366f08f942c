// Choice results: how many chose each option.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  types.register("choice", {
    phone: types.phoneBars,
    projector: function (box, groups, r, t) {
      types.projectorChart(box, r.results.options);
      types.projectorTable(box, r.results.options, function (o) {
        return [String(o.count), Math.round(o.share * 100) + " %"];
      });
      types.projectorGroups(groups, r, t);
    }
  });
})();
