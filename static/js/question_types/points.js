// Points results: the points each option got, in all and per respondent.
(function () {
  "use strict";
  // The mean in the page's language: "10,14" in Norwegian, "10.14" in English.
  function decimal(value) {
    return Number(value).toLocaleString(document.documentElement.lang || "nb", { maximumFractionDigits: 2 });
  }
  window.WorkshopTypes.register("points", window.WorkshopTypes.barsRenderer(function (o, t) {
    return [o.points_total + " " + t("points"), "Ø " + decimal(o.points_mean)];
  }));
})();
