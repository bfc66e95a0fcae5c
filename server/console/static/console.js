// Interpost console: small progressive enhancements. Every page works
// without this file; it draws the trend chart, adds declaration rows,
// confirms destructive buttons and copies new keys.
(function () {
  "use strict";

  var palette = ["#1b5fc1", "#2f9e9a", "#d99a00", "#7b3fb3", "#d0643b", "#16794a", "#5a6473"];

  function fmtDay(sec) {
    // The page's language, so the axis reads like the table beside it.
    return new Date(sec * 1000).toLocaleDateString(document.documentElement.lang || undefined, { day: "numeric", month: "short" });
  }

  // Shipments per day, one stacked bar per day, from the JSON the page embeds.
  function trendChart() {
    var el = document.getElementById("trend-chart");
    var data = document.getElementById("trend-data");
    if (!el || !data || typeof uPlot === "undefined") return;
    var d = JSON.parse(data.textContent);
    if (!d.days || !d.series || d.series.length === 0) return;
    // Stack: series k is drawn from 0 to the sum of series 0..k, largest
    // first, so each bar shows its own segment on top of the ones below.
    var cum = [], run = d.days.map(function () { return 0; });
    d.series.forEach(function (s) {
      run = run.map(function (v, i) { return v + s.values[i]; });
      cum.push(run.slice());
    });
    var order = d.series.map(function (_, i) { return i; }).reverse();
    var series = [{ label: d.dayLabel || "", value: function (u, v) { return v == null ? "" : fmtDay(v); } }];
    var cols = [d.days];
    order.forEach(function (k) {
      var colour = palette[k % palette.length];
      series.push({
        label: d.series[k].label,
        stroke: colour,
        fill: colour,
        width: 0,
        paths: uPlot.paths.bars({ size: [0.72, 48], align: 0 }),
        points: { show: false },
        value: function (u, v, si, idx) { return idx == null ? "–" : String(d.series[k].values[idx]); }
      });
      cols.push(cum[k]);
    });
    var day = 86400;
    var opts = {
      width: el.clientWidth || 800,
      height: 280,
      series: series,
      scales: { x: { time: true, range: function (u, min, max) { return [min - day / 2, max + day / 2]; } }, y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.08)]; } } },
      axes: [
        { values: function (u, vals) { return vals.map(fmtDay); }, space: 60, grid: { show: false }, stroke: "#5a6473" },
        { stroke: "#5a6473", grid: { stroke: "#e6eaef" }, size: 48 }
      ],
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      legend: { live: true }
    };
    el.textContent = "";
    var plot = new uPlot(opts, cols, el);
    window.addEventListener("resize", function () {
      plot.setSize({ width: el.clientWidth, height: 280 });
    });
  }

  // "Add a line" copies the last declaration row with fresh indexes.
  function addLine() {
    var btn = document.getElementById("add-line");
    var body = document.querySelector("#lines tbody");
    if (!btn || !body) return;
    btn.addEventListener("click", function () {
      var rows = body.querySelectorAll("tr.line");
      var max = parseInt(btn.getAttribute("data-max"), 10) || 99;
      if (rows.length >= max) return;
      var last = rows[rows.length - 1];
      var n = rows.length;
      var row = last.cloneNode(true);
      row.querySelectorAll(".err").forEach(function (e) { e.remove(); });
      row.querySelectorAll("td").forEach(function (td) { td.classList.remove("invalid"); });
      row.querySelector("td").textContent = String(n + 1);
      row.querySelectorAll("input").forEach(function (input) {
        input.name = input.name.replace(/\[\d+\]/, "[" + n + "]");
        input.id = input.id.replace(/-\d+-/, "-" + n + "-");
        input.value = "";
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
        var label = input.getAttribute("aria-label") || "";
        input.setAttribute("aria-label", label.replace(/line \d+$/, "line " + (n + 1)));
      });
      body.appendChild(row);
      row.querySelector("input").focus();
    });
  }

  // Forms with data-confirm ask first (revoking a key, say).
  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (b) {
      b.addEventListener("click", function () {
        var src = document.querySelector(b.getAttribute("data-copy"));
        if (!src) return;
        src.select();
        if (navigator.clipboard) {
          navigator.clipboard.writeText(src.value).then(function () { b.textContent = "Copied"; });
        }
      });
    });
  }

  // After a failed submit, move focus to the list of problems.
  function focusErrors() {
    var s = document.getElementById("error-summary");
    if (s) s.focus();
  }

  // At phone width the navigation hides behind the menu button.
  function menu() {
    var b = document.getElementById("menu-toggle");
    if (!b) return;
    b.addEventListener("click", function () {
      var open = b.closest(".top").classList.toggle("open");
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function init() {
    menu();
    trendChart();
    addLine();
    confirmForms();
    copyButtons();
    focusErrors();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
