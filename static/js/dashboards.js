// Dashboards: draw each panel's embedded numbers (json_script) with the vendored ECharts.
// No inline script (CSP): this file reads <script type="application/json"> blocks only.
// Tooltips render on the canvas (renderMode "richText"): no HTML with style attributes.
(function () {
  "use strict";
  // Ten distinguishable colours: a stacked bar of a project's states has up to twelve series.
  var PALETTE = ["#b3261e", "#1f6feb", "#2da44e", "#bf8700", "#8250df", "#57606a",
                 "#e16f24", "#0a7f8c", "#bf3989", "#7d4e24"];

  function readPayload(key) {
    var node = document.getElementById("panel-data-" + key);
    return node ? JSON.parse(node.textContent) : null;
  }

  function seriesColumns(p) {
    return p.columns.filter(function (c) { return c.series && c.kind !== "text"; });
  }

  function narrow(el) { return el.clientWidth < 520; }

  function barOption(p, el, stacked, line) {
    var labels = p.rows.map(function (r) { return r[p.label_key]; });
    var cols = seriesColumns(p);
    var horizontal = !line && (labels.length > 8 || narrow(el));
    var catAxis = {
      type: "category", data: labels,
      axisLabel: { interval: 0, hideOverlap: true, width: horizontal ? 110 : 80, overflow: "truncate" },
      inverse: horizontal
    };
    if (!horizontal && labels.length > 5) catAxis.axisLabel.rotate = 30;
    var valAxis = { type: "value" };
    if (cols.every(function (c) { return c.kind === "int"; })) valAxis.minInterval = 1;
    if (cols.length && cols.every(function (c) { return c.kind === "rate"; })) {
      valAxis.max = 100; valAxis.axisLabel = { formatter: "{value}%" };
    }
    return {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, type: "scroll" },
      // Room on the right for the value axis's last label ("1,500,000") when bars lie down.
      grid: { left: 8, right: horizontal ? 36 : 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? valAxis : catAxis,
      yAxis: horizontal ? catAxis : valAxis,
      series: cols.map(function (c) {
        return {
          name: c.label, type: line ? "line" : "bar", stack: stacked ? "all" : undefined,
          smooth: line, data: p.rows.map(function (r) { return r[c.key]; })
        };
      })
    };
  }

  function heatOption(p) {
    var xs = [], ys = [], data = [], max = 0;
    p.rows.forEach(function (r) {
      var x = r[p.label_key], y = r[p.y_key], v = r[p.value_key] || 0;
      if (xs.indexOf(x) < 0) xs.push(x);
      if (ys.indexOf(y) < 0) ys.push(y);
      max = Math.max(max, v);
    });
    p.rows.forEach(function (r) {
      data.push([xs.indexOf(r[p.label_key]), ys.indexOf(r[p.y_key]), r[p.value_key] || 0]);
    });
    return {
      animation: false,
      tooltip: { renderMode: "richText" },
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: xs, axisLabel: { rotate: 30, interval: 0, width: 80, overflow: "truncate" } },
      yAxis: { type: "category", data: ys, axisLabel: { width: 96, overflow: "truncate" } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#fff5f0", "#fcae91", "#b3261e"] }, itemHeight: 80 },
      series: [{ type: "heatmap", data: data, label: { show: xs.length * ys.length <= 80 } }]
    };
  }

  function pieOption(p) {
    var col = seriesColumns(p)[0];
    return {
      color: PALETTE,
      animation: false,
      tooltip: { renderMode: "richText" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["35%", "70%"],
                 data: p.rows.map(function (r) { return { name: r[p.label_key], value: r[col.key] }; }) }]
    };
  }

  // A flow (sankey): each row is a link from label_key to y_key, value_key wide. Nodes
  // are known by their names. On a phone the labels shrink (the table has them whole).
  function sankeyOption(p, el) {
    var names = [], links = [];
    p.rows.forEach(function (r) {
      var a = r[p.label_key], b = r[p.y_key], v = r[p.value_key] || 0;
      if (!v) return;
      if (names.indexOf(a) < 0) names.push(a);
      if (names.indexOf(b) < 0) names.push(b);
      links.push({ source: a, target: b, value: v });
    });
    var small = narrow(el);
    return {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [{
        type: "sankey", left: 4, right: small ? 72 : 120, top: 8, bottom: 8,
        // "left": an area with no project yet stays in the middle column, not beside projects.
        nodeAlign: "left", nodeGap: small ? 6 : 10, nodeWidth: small ? 10 : 14,
        draggable: false, layoutIterations: 32,
        emphasis: { focus: "adjacency" },
        lineStyle: { color: "gradient", opacity: 0.35 },
        label: { width: small ? 68 : 110, overflow: "truncate", fontSize: small ? 10 : 12 },
        data: names.map(function (n) { return { name: n }; }),
        links: links
      }]
    };
  }

  function option(p, el) {
    if (p.chart === "sankey") return sankeyOption(p, el);
    if (p.chart === "heatmap") return heatOption(p);
    if (p.chart === "pie") return pieOption(p);
    return barOption(p, el, p.chart === "stacked", p.chart === "line");
  }

  function drillTo(section, areaId) {
    window.location.search = section.getAttribute("data-drill-base").replace(/^\?/, "") + "&area=" + areaId;
  }

  function draw(el) {
    var key = el.getAttribute("data-chart");
    var p = readPayload(key);
    if (!p || !p.rows.length) return;
    var section = el.closest("[data-panel]");
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var opt = option(p, el);
    chart.setOption(opt);
    if (p.drills) {
      // The whole band of a bar (or the column of a heat-grid cell) is the target: easier
      // on a phone than the bar itself, and it works for zero-height bars too.
      chart.getZr().on("click", function (event) {
        var point = [event.offsetX, event.offsetY];
        if (!chart.containPixel("grid", point)) return;
        var at = chart.convertFromPixel({ seriesIndex: 0 }, point);
        var horizontal = opt.yAxis && opt.yAxis.type === "category" && p.chart !== "heatmap";
        var index = Math.round(horizontal ? at[1] : at[0]);
        var labels = horizontal ? opt.yAxis.data : opt.xAxis.data;
        var label = labels && labels[index];
        var row = p.rows.filter(function (r) { return r[p.label_key] === label && r.area_id; })[0];
        if (row) drillTo(section, row.area_id);
      });
      el.classList.add("dash-drills");
    }
    el.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);

  // The "table" switch: the same numbers as a table, and back.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-table]");
    if (!button) return;
    var key = button.getAttribute("data-toggle-table");
    var table = document.getElementById("table-" + key);
    var chart = document.getElementById("chart-" + key);
    var showTable = table.hidden;
    table.hidden = !showTable;
    chart.hidden = showTable;
    button.setAttribute("aria-pressed", showTable ? "true" : "false");
    if (!showTable) { var c = echarts.getInstanceByDom(chart); if (c) c.resize(); }
  });

  // The period picker shows the fields of the chosen kind only.
  var kind = document.querySelector("[data-period-kind]");
  function showKind() {
    document.querySelectorAll("[data-kind-field]").forEach(function (field) {
      var on = field.getAttribute("data-kind-field").split(" ").indexOf(kind.value) >= 0;
      field.hidden = !on;
      field.querySelectorAll("input, select").forEach(function (i) { i.disabled = !on; });
    });
  }
  if (kind) { kind.addEventListener("change", showKind); showKind(); }
})();
