// Filter-as-you-type for the subject pickers (<select data-picker>): a search box above the
// list hides the subjects whose label lacks what was typed. Without JavaScript the plain
// <select> still works; this only narrows it.
(function () {
  "use strict";

  function normalise(text) {
    return text.replace(/\s+/g, "").toLowerCase();
  }

  function filter(select, query) {
    var wanted = normalise(query);
    var shown = 0;
    Array.prototype.forEach.call(select.querySelectorAll("option"), function (option) {
      var match = !wanted || !option.value || normalise(option.textContent).indexOf(wanted) !== -1;
      if (wanted && !option.value) { match = false; }
      option.hidden = !match;
      if (match) { shown += 1; }
    });
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    // While filtering the select opens as a list, so the matches can be seen and picked.
    select.size = wanted ? Math.max(2, Math.min(shown, 10)) : 0;
    return shown;
  }

  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "picker-filter";
    box.placeholder = "输入科目名称或编码查找，如：被征地";
    box.setAttribute("aria-label", "按名称查找科目");
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    var status = document.createElement("span");
    status.className = "picker-status visually-hidden";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(status, select.nextSibling);
    box.addEventListener("input", function () {
      var shown = filter(select, box.value);
      status.textContent = box.value ? "找到 " + shown + " 个科目" : "";
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        var first = select.querySelector("option:not([hidden])");
        if (first && first.value) {
          event.preventDefault();
          if (event.key === "Enter") { select.value = first.value; }
          select.focus();
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), enhance);
  });
})();
