// The operations dashboard's charts (issue 22 §2): each chart is drawn from the table beside it
// (the table is the truth; the chart only repeats it, hidden from screen readers). uPlot is served
// from our own origin (/console/static/uplot.js); no inline script or style (CSP 'self').
"use strict";
(function () {
  if (typeof uPlot !== "function") {
    return;
  }
  // Distinct on white and for the common colour-vision deficiencies (Okabe–Ito).
  var COLOURS = ["#0072b2", "#d55e00", "#cc79a7", "#000000", "#009e73", "#e69f00"];

  function tableData(table) {
    var heads = table.querySelectorAll("thead th[data-series]");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr")).reverse();
    var data = [rows.map(function (row) { return Number(row.getAttribute("data-t")); })];
    var labels = [];
    heads.forEach(function (head, index) {
      labels.push(head.textContent);
      data.push(rows.map(function (row) { return Number(row.querySelectorAll("td")[index].textContent); }));
    });
    return { data: data, labels: labels };
  }

  var TIME = uPlot.fmtDate("{HH}:{mm}");
  var DAY = uPlot.fmtDate("{M}/{D}");

  function japanTime(seconds) {
    return uPlot.tzDate(new Date(seconds * 1000), "Asia/Tokyo");
  }

  function timeLabels(_u, splits) {
    return splits.map(function (seconds) {
      var date = japanTime(seconds);
      return date.getHours() === 0 && date.getMinutes() === 0 ? DAY(date) : TIME(date);
    });
  }

  function draw(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (table === null) {
      return;
    }
    var figures = tableData(table);
    var series = [{}].concat(figures.labels.map(function (label, index) {
      return { label: label, stroke: COLOURS[index % COLOURS.length], width: 2, points: { show: false } };
    }));
    var width = function () { return Math.max(280, box.clientWidth); };
    var plot = new uPlot({
      width: width(),
      height: window.matchMedia("(max-width: 40rem)").matches ? 200 : 260,
      series: series,
      // Times in Japan time, whatever the browser's zone.
      tzDate: japanTime,
      scales: { y: { range: function (_u, min, max) { return [0, Math.max(5, max)]; } } },
      // 24-hour times, the date under midnight: the same words in Japanese and English.
      axes: [{ values: timeLabels }, { size: 48 }],
      legend: { live: false },
      cursor: { show: false },
    }, figures.data, box);
    window.addEventListener("resize", function () {
      plot.setSize({ width: width(), height: plot.height });
    });
  }

  document.querySelectorAll(".chart[data-table]").forEach(draw);
})();
