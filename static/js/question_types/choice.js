// Choice results: how many chose each option, and what share of those who answered.
window.WorkshopTypes.register("choice", window.WorkshopTypes.barsRenderer(function (o) {
  return [String(o.count), Math.round(o.share * 100) + " %"];
}));
