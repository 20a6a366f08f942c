// Points results: the points each option got, in all and per respondent.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  types.register("points", {
    phone: types.phoneBars,
    projector: function (box, groups, r, t) {
      types.projectorChart(box, r.results.options);
      types.projectorTable(box, r.results.options, function (o) {
        return [o.points_total + " " + t("points"), "Ø " + o.points_mean];
      });
      types.projectorGroups(groups, r, t);
    }
  });
})();
