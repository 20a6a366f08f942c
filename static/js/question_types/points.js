// Points results: the points each option got, in all and per respondent.
window.WorkshopTypes.register("points", window.WorkshopTypes.barsRenderer(function (o, t) {
  return [o.points_total + " " + t("points"), "Ø " + o.points_mean];
}));
