// The dashboard's charts (ECharts). The numbers are also in the page as tables and links, so
// the page reads without this file; here each chart element opens the ledger filtered to
// exactly its rows (the `url` each data item carries).
(function () {
  "use strict";

  var TONES = { success: "#198754", warning: "#ffc107", danger: "#dc3545", secondary: "#6c757d" };

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function signals(d) {
    return {
      tooltip: { trigger: "item" },
      series: [{
        type: "pie", radius: ["40%", "70%"], avoidLabelOverlap: true,
        label: { formatter: "{b}\n{c}" },
        data: d.map(function (s) {
          return { name: s.name, value: s.value, url: s.url, itemStyle: { color: TONES[s.tone] } };
        })
      }]
    };
  }

  function months(d) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 36, right: 12, top: 16, bottom: 28 },
      xAxis: { type: "category", data: d.names, axisLabel: { formatter: function (v) { return v.slice(2); } } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "销号", data: d.values, itemStyle: { color: TONES.success } }]
    };
  }

  function stacked(d) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: d.names,
        axisLabel: { width: 140, overflow: "truncate" }
      },
      series: [
        { type: "bar", stack: "all", name: "已完成", data: d.done, itemStyle: { color: TONES.success } },
        { type: "bar", stack: "all", name: "未完成", data: d.undone, itemStyle: { color: "#adb5bd" } }
      ]
    };
  }

  var BUILDERS = { signals: signals, months: months, stacked: stacked };

  function draw() {
    if (typeof echarts === "undefined") return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var d = data(node.dataset.source);
      var build = BUILDERS[node.dataset.chart];
      if (!d || !build) return;
      var chart = echarts.init(node, null, { renderer: "svg" });
      chart.setOption(build(d));
      chart.on("click", function (params) {
        if (params.data && params.data.url) window.location.href = params.data.url;
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
