// Ranked results: each topic's score (3-2-1 for three places) and how many put it first.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  types.register("ranked", {
    phone: types.phoneBars,
    projector: function (box, groups, r, t) {
      types.projectorChart(box, r.results.options);
      types.projectorTable(box, r.results.options, function (o) {
        return [o.score + " " + t("points"), o.first + " " + t("first")];
      });
      types.projectorGroups(groups, r, t);
    }
  });
})();
