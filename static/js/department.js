/* Department page: expandable 类 › 款 › 项 tables and the plotly charts.
 *
 * No inline scripts: chart data comes from <script type="application/json"> blocks written by
 * Django's json_script, so the page works under a strict Content-Security-Policy.
 * Without JavaScript every row stays visible and the tables stand in for the charts.
 */
(function () {
  "use strict";

  // --- expandable tables ------------------------------------------------------------------

  function childRows(table, row) {
    return table.querySelectorAll('tr[data-parent="' + row.id + '"]');
  }

  function collapse(table, row) {
    var toggle = row.querySelector("button.toggle");
    if (toggle) toggle.setAttribute("aria-expanded", "false");
    childRows(table, row).forEach(function (child) {
      child.hidden = true;
      collapse(table, child);
    });
  }

  function expand(table, row, deep) {
    var toggle = row.querySelector("button.toggle");
    if (toggle) toggle.setAttribute("aria-expanded", "true");
    childRows(table, row).forEach(function (child) {
      child.hidden = false;
      if (deep) expand(table, child, true);
    });
  }

  function topRows(table) {
    return table.querySelectorAll("tbody tr:not([data-parent])");
  }

  function initTree(table) {
    topRows(table).forEach(function (row) { collapse(table, row); });
    table.addEventListener("click", function (event) {
      var toggle = event.target.closest("button.toggle");
      if (!toggle || !table.contains(toggle)) return;
      var row = toggle.closest("tr");
      if (toggle.getAttribute("aria-expanded") === "true") collapse(table, row);
      else expand(table, row, false);
    });
  }

  function setAll(id, open) {
    var table = document.getElementById(id);
    if (!table) return;
    topRows(table).forEach(function (row) {
      if (open) expand(table, row, true); else collapse(table, row);
    });
  }

  // --- charts -----------------------------------------------------------------------------

  var COLOURS = ["#2f6690", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f",
                 "#3a3335", "#f08a4b", "#4f6d7a", "#a5be00"];
  var FONT = {family: "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"};

  function money(value) {
    return value.toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }

  // Amounts arrive as decimal strings in 万元 (computed exactly on the server from 元);
  // plotly needs numbers.
  function numbers(list) {
    return (list || []).map(Number);
  }

  function traces(kind, data) {
    data = Object.assign({}, data, {
      values: data.values && numbers(data.values),
      current: data.current && numbers(data.current),
      previous: data.previous && numbers(data.previous)
    });
    if (kind === "sunburst" || kind === "treemap") {
      // Each sector hovers with its line's own printed total (`hover`, written on the server):
      // with branchvalues "remainder" plotly's %{value} of a parent is only its remainder.
      // Two levels at a time, labels horizontal and hidden where they would be too small to
      // read (layout.uniformtext); a click on a 类 opens its 款 and 项.
      return [{
        type: kind, ids: data.ids, labels: data.labels, parents: data.parents,
        values: data.values, branchvalues: "remainder", maxdepth: 2,
        customdata: data.hover,
        hovertemplate: "%{label}<br>%{customdata}<br>占上级 %{percentParent:.1%}<extra></extra>",
        textinfo: "label", insidetextorientation: "horizontal"
      }];
    }
    if (kind === "pie") {
      return [{
        type: "pie", labels: data.labels, values: data.values, hole: 0.45, sort: false,
        marker: {colors: COLOURS},
        hovertemplate: "%{label}<br>%{value:,.2f} 万元（%{percent}）<extra></extra>"
      }];
    }
    if (kind === "bar") {
      return [{
        type: "bar", x: data.values, y: data.labels, orientation: "h",
        marker: {color: COLOURS[0]},
        text: data.values.map(money), textposition: "auto",
        hovertemplate: "%{y}<br>%{x:,.2f} 万元<extra></extra>"
      }];
    }
    if (kind === "grouped-bar") {
      var list = [];
      if (data.previous) {
        list.push({type: "bar", name: data.previous_name, x: data.labels, y: data.previous,
                   marker: {color: "#9aa5b1"}, hovertemplate: "%{x}<br>%{y:,.2f} 万元<extra></extra>"});
      }
      list.push({type: "bar", name: data.current_name, x: data.labels, y: data.current,
                 marker: {color: COLOURS[1]}, hovertemplate: "%{x}<br>%{y:,.2f} 万元<extra></extra>"});
      return list;
    }
    return [];
  }

  function drawChart(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof window.Plotly === "undefined") return;
    var data = JSON.parse(source.textContent);
    var kind = element.dataset.chart;
    var layout = {
      margin: {t: 10, r: 10, b: 30, l: kind === "bar" ? 120 : 10},
      font: FONT, height: kind === "bar" ? 220 : 380, showlegend: kind !== "bar",
      uniformtext: {minsize: 11, mode: "hide"},
      legend: {orientation: "h"}, colorway: COLOURS,
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      yaxis: {automargin: true, title: {text: kind === "grouped-bar" ? "万元" : ""}},
      xaxis: {automargin: true, title: {text: kind === "bar" ? "万元" : ""}}, barmode: "group"
    };
    window.Plotly.newPlot(element, traces(kind, data), layout,
                          {responsive: true, displayModeBar: false}).then(function () {
      element.dataset.rendered = "true";
    });
  }

  // --- print -------------------------------------------------------------------------------

  function openEverything() {
    document.querySelectorAll("details").forEach(function (d) {
      if (!d.open) { d.dataset.printOpened = "true"; d.open = true; }
    });
    document.querySelectorAll("table[data-tree]").forEach(function (t) { setAll(t.id, true); });
  }

  function restoreAfterPrint() {
    document.querySelectorAll('details[data-print-opened="true"]').forEach(function (d) {
      d.open = false;
      delete d.dataset.printOpened;
    });
  }

  // A link to #project-3 opens that project's <details>.
  function openTarget() {
    if (!window.location.hash) return;
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") target.open = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-tree]").forEach(initTree);
    document.querySelectorAll(".tree-actions").forEach(function (p) { p.hidden = false; });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-expand-all],[data-collapse-all]");
      if (!button) return;
      if (button.dataset.expandAll) setAll(button.dataset.expandAll, true);
      else setAll(button.dataset.collapseAll, false);
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-chart]").forEach(drawChart);
    openTarget();
    window.addEventListener("hashchange", openTarget);
    window.addEventListener("beforeprint", openEverything);
    window.addEventListener("afterprint", restoreAfterPrint);
  });
})();
