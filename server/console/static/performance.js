// Interpost console, performance page: the on-time share per week of the
// busiest lanes as lines (uPlot), from the JSON the page embeds. The page
// works without it: the lane table holds the same figures.
(function () {
  "use strict";
  var palette = ["#1b5fc1", "#2f9e9a", "#d99a00", "#7b3fb3", "#d0643b"];

  function draw() {
    var el = document.getElementById("ontime-chart");
    var data = document.getElementById("ontime-data");
    if (!el || !data || typeof uPlot === "undefined") return;
    var d = JSON.parse(data.textContent);
    if (!d.weeks || !d.series || d.series.length === 0) return;
    var xs = d.weeks.map(function (_, i) { return i; });
    var series = [{ label: "Week", value: function (u, v) { return v == null ? "" : d.weeks[v]; } }];
    var cols = [xs];
    d.series.forEach(function (s, k) {
      series.push({
        label: s.label,
        stroke: palette[k % palette.length],
        width: 2,
        spanGaps: true,
        points: { show: true, size: 6 },
        value: function (u, v) { return v == null ? "–" : v.toFixed(1) + " %"; }
      });
      cols.push(s.values);
    });
    var opts = {
      width: el.clientWidth || 560,
      height: 260,
      series: series,
      scales: { x: { time: false, range: function () { return [-0.3, xs.length - 0.7]; } }, y: { range: [0, 100] } },
      axes: [
        { values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) && d.weeks[v] ? d.weeks[v].replace(/^\d{4}-/, "") : ""; }); }, space: 40, grid: { show: false }, stroke: "#5a6473" },
        { values: function (u, vals) { return vals.map(function (v) { return v + "%"; }); }, stroke: "#5a6473", grid: { stroke: "#e6eaef" }, size: 48 }
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true }
    };
    el.textContent = "";
    var plot = new uPlot(opts, cols, el);
    window.addEventListener("resize", function () { plot.setSize({ width: el.clientWidth, height: 260 }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
