/* Comparison, ranking and across-years pages: the department picker and the plotly charts.
 *
 * Progressive enhancement only. Without JavaScript the picker is a plain GET search form whose
 * results carry "加入比较" links, and the tables stand in for the charts. Chart data comes from
 * <script type="application/json"> blocks (Django's json_script): no inline script, so the pages
 * work under the site's Content-Security-Policy (script-src 'self').
 * The 类 › 款 › 项 drill-down of the tables is department.js's (table[data-tree]).
 */
(function () {
  "use strict";

  // --- picker -------------------------------------------------------------------------------

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function initPicker(form) {
    var input = form.querySelector('input[name="q"]');
    var list = form.querySelector(".picker-suggestions");
    var status = form.querySelector("#picker-status");
    if (!input || !list || !window.fetch) return;
    var active = -1;
    var options = [];
    var latest = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    list.setAttribute("role", "listbox");

    function keys() {
      return Array.prototype.map.call(form.querySelectorAll('input[type="hidden"][name="d"]'),
                                      function (el) { return el.value; });
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function setActive(index) {
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(result) {
      if (!result || result.selected) return;
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "d";
      hidden.value = result.key;
      form.appendChild(hidden);
      input.removeAttribute("name");  // the search text is not part of the shared URL
      form.submit();
    }

    function render(results) {
      list.textContent = "";
      options = [];
      active = -1;
      results.forEach(function (result, i) {
        var li = document.createElement("li");
        li.id = "picker-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "picker-option";
        li.dataset.key = result.key;
        var name = document.createElement("strong");
        name.textContent = result.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = " " + result.year + "年 · " + result.region + " · 编码 " + result.code +
          (result.scope === "unit" ? " · 所属单位" : "") + (result.selected ? " · 已在比较中" : "");
        li.appendChild(name);
        li.appendChild(meta);
        if (result.selected) li.setAttribute("aria-disabled", "true");
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(result); });
        li._result = result;
        list.appendChild(li);
        options.push(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      if (status) status.textContent = results.length ? "找到 " + results.length + " 项，用上下键选择，回车加入比较" : "没有找到";
    }

    var search = debounce(function () {
      var query = input.value.trim();
      if (!query) { close(); return; }
      var ticket = ++latest;
      var params = new URLSearchParams();
      params.append("q", query);
      keys().forEach(function (key) { params.append("d", key); });
      fetch(form.dataset.searchUrl + "?" + params.toString(), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { if (ticket === latest) render(data.results || []); })
        .catch(function () { /* the plain form still works */ });
    }, 200);

    input.addEventListener("input", search);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        setActive((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        setActive(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(options[active]._result);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // --- ranking form: show the code box only for code measures, the 三公 part only for 三公 ---

  function initRankingForm(form) {
    var measure = form.querySelector('select[name="measure"]');
    if (!measure) return;
    function wrapper(name) { return form.querySelector('[data-field="' + name + '"]'); }
    // .filters .field is display:flex, which beats [hidden]; set display through the CSSOM
    function show(element, visible) {
      if (!element) return;
      element.hidden = !visible;
      element.style.display = visible ? "" : "none";
    }
    function update() {
      show(wrapper("code"), measure.value === "function" || measure.value === "economic");
      show(wrapper("part"), measure.value === "sangong");
    }
    measure.addEventListener("change", update);
    update();
  }

  // --- copy the shareable link ----------------------------------------------------------------

  function initCopy(button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = "已复制";
      });
    });
  }

  // --- charts -------------------------------------------------------------------------------

  var COLOURS = ["#2f6690", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f",
                 "#3a3335", "#f08a4b", "#4f6d7a", "#a5be00"];
  var FONT = {family: "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"};

  // Amounts arrive as decimal strings (万元 or %, computed exactly on the server); plotly
  // needs numbers.
  function numbers(list) {
    return (list || []).map(Number);
  }

  function traces(kind, data, narrow) {
    var unit = data.unit || "万元";
    if (data.series) {
      data = Object.assign({}, data, {series: data.series.map(function (s) {
        return Object.assign({}, s, {values: numbers(s.values)});
      })});
    }
    if (data.values) data = Object.assign({}, data, {values: numbers(data.values)});
    var hover = unit === "%" ? "%{y:.2f}%" : "%{y:,.2f} " + unit;
    if (kind === "grouped-bar") {
      return data.series.map(function (s, i) {
        return {type: "bar", name: s.name, x: data.categories, y: s.values,
                marker: {color: COLOURS[i % COLOURS.length]},
                hovertemplate: s.name + "<br>%{x}<br>" + hover + "<extra></extra>"};
      });
    }
    if (kind === "lines") {
      return data.series.map(function (s, i) {
        return {type: "scatter", mode: "lines+markers", name: s.name, x: data.x, y: s.values,
                line: {color: COLOURS[i % COLOURS.length]},
                hovertemplate: s.name + "<br>%{x}<br>" + hover + "<extra></extra>"};
      });
    }
    if (kind === "hbar") {
      var fmt = unit === "万元" ? "%{x:,.2f} 万元" : "%{x:.2f} " + unit;
      // On a narrow chart a long name would leave no room for its bar: the axis shows its
      // beginning and end, the hover (and the table below) the whole name.
      var labels = narrow ? data.labels.map(shortLabel) : data.labels;
      return [{type: "bar", orientation: "h", x: data.values, y: labels,
               customdata: data.labels,
               marker: {color: data.values.map(function (v) { return v < 0 ? COLOURS[4] : COLOURS[0]; })},
               hovertemplate: "%{customdata}<br>" + fmt + "<extra></extra>"}];
    }
    return [];
  }

  // "3. 唐山高新…和社会保障局": the rank, the name's first and last characters.
  function shortLabel(label) {
    var chars = Array.from(label);
    return chars.length <= 12 ? label : chars.slice(0, 7).join("") + "…" + chars.slice(-6).join("");
  }

  function drawChart(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof window.Plotly === "undefined") return;
    var data = JSON.parse(source.textContent);
    var kind = element.dataset.compareChart;
    var unit = data.unit || "万元";
    var rows = kind === "hbar" ? data.labels.length : 0;
    var layout = {
      margin: {t: 10, r: 10, b: 40, l: 10}, font: FONT, barmode: "group",
      height: kind === "hbar" ? Math.max(220, 28 * rows + 60) : 380,
      showlegend: kind !== "hbar", colorway: COLOURS,
      legend: {orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom"},
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      xaxis: {automargin: true, nticks: element.clientWidth < 600 ? 4 : 0,
              title: {text: kind === "hbar" ? unit : ""}},
      yaxis: {automargin: true, title: {text: kind === "hbar" ? "" : unit}}
    };
    window.Plotly.newPlot(element, traces(kind, data, element.clientWidth < 600), layout,
                          {responsive: true, displayModeBar: false}).then(function () {
      element.dataset.rendered = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-picker]").forEach(initPicker);
    document.querySelectorAll("[data-copy]").forEach(initCopy);
    document.querySelectorAll("form[data-ranking-form]").forEach(initRankingForm);
    document.querySelectorAll("[data-compare-chart]").forEach(drawChart);
  });
})();
