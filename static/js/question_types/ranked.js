// Ranked results: each topic's score (3-2-1 for three places) and how many put it first.
window.WorkshopTypes.register("ranked", window.WorkshopTypes.barsRenderer(function (o, t) {
  return [o.score + " " + t("points"), o.first + " " + t("first")];
}, { ordered: true }));  // a table's answer is its ranking
