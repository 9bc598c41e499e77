"""Public pages across disclosures: comparison, rankings, one department over the years.

Everything is a plain GET: a comparison is rebuilt from its URL (``/compare/?d=<key>&d=<key>``),
a ranking from its filter form's query string. The picker works without JavaScript (a search
form listing matches with "加入比较" links); static/js/compare.js turns it into suggestions
as you type, fed by the small JSON endpoint `compare_search`.
"""

from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from budgets import comparisons, picker, selectors
from budgets.codes import is_classification_code
from budgets.compare_tables import RankingTable
from budgets.exports import csv_response
from budgets.models import Department, Region
from budgets.schema import SANGONG_ROWS
from budgets.templatetags.budget_format import disclosure_path

PER_PAGE = 25
TOP_N = 10
SEARCH_LIMIT = 20


# --- comparison ------------------------------------------------------------------------------

def _compare_url(keys: list[str], name: str = "budgets:compare") -> str:
    query = urlencode([("d", key) for key in keys])
    return reverse(name) + (f"?{query}" if query else "")


def _result(disclosure, paths, keys: list[str]) -> dict:
    """A search match as the picker shows it (JSON and the no-JavaScript list alike)."""
    department = disclosure.department
    key = comparisons.disclosure_key(disclosure)
    return {
        "key": key,
        "name": department.name,
        "code": department.code,
        "year": disclosure.year,
        "region": paths.get(department.region_id, ""),
        "scope": "unit" if department.parent_id else "department",
        "parent": department.parent.name if department.parent_id else "",
        "selected": key in keys,
        "add_url": _compare_url([*keys, key]),
        "url": disclosure_path(disclosure),
    }


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    selection = comparisons.disclosures_from_keys(request.GET.getlist("d"))
    comparison = comparisons.build_comparison(selection.disclosures, selection=selection)
    keys = [item.key for item in comparison.items]
    query = request.GET.get("q", "").strip()[:100]
    results = []
    if query:
        paths = selectors.region_paths()
        results = [_result(d, paths, keys) for d in comparisons.search_disclosures(query)]
    items = [
        {"item": item, "remove_url": _compare_url([k for k in keys if k != item.key])}
        for item in comparison.items
    ]
    ctx = {
        "comparison": comparison,
        "items": items,
        "keys": keys,
        "query": query,
        "results": results,
        "can_add": len(keys) < comparisons.MAX_COMPARED,
        "max_compared": comparisons.MAX_COMPARED,
        "share_url": request.build_absolute_uri(_compare_url(keys)),
        "csv_url": _compare_url(keys, "budgets:compare-csv"),
    }
    return render(request, "budgets/compare.html", ctx)


@require_GET
def compare_csv(request: HttpRequest) -> HttpResponse:
    selection = comparisons.disclosures_from_keys(request.GET.getlist("d"))
    if not selection.disclosures:
        return HttpResponseBadRequest("请用 d=<地区网址标识>:<编码>:<年度> 指定要比较的已公开预算。")
    comparison = comparisons.build_comparison(selection.disclosures, selection=selection)
    return csv_response("budget-comparison.csv", comparisons.COMPARISON_COLUMNS,
                        comparisons.comparison_rows(comparison))


@require_GET
def compare_search(request: HttpRequest) -> JsonResponse:
    """?q=芦台 群工部 → published department-years and unit-years for the picker (JSON)."""
    query = request.GET.get("q", "").strip()[:100]
    keys = request.GET.getlist("d")
    paths = selectors.region_paths() if query else {}
    results = [_result(d, paths, keys)
               for d in comparisons.search_disclosures(query, limit=SEARCH_LIMIT)]
    return JsonResponse({"query": query, "results": results},
                        json_dumps_params={"ensure_ascii": False})


# --- rankings ------------------------------------------------------------------------------

class RankingFilter(forms.Form):
    """排名: region (with its sub-regions), year, measure, and whether to rank by change."""

    region = forms.ChoiceField(label="地区（含下级）", required=False)
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None)
    measure = forms.ChoiceField(label="指标", choices=list(comparisons.Measure.KINDS.items()),
                                required=False)
    # A <select> of every subject by name (static/js/picker.js adds filter-as-you-type); a
    # CharField still, so that a code typed into the URL gets a plain answer, not "invalid choice".
    code = forms.CharField(label="科目（类 › 款 › 项）", required=False, max_length=7,
                           widget=forms.Select(attrs={"data-picker": ""}))
    part = forms.ChoiceField(label="“三公”经费项目", required=False, choices=[
        ("", "合计"), *((k, v) for k, v in SANGONG_ROWS.items() if k != "sangong_total")])
    by = forms.ChoiceField(label="排序依据", choices=list(comparisons.BY_CHOICES.items()),
                           required=False)
    units = forms.BooleanField(label="含所属单位", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = selectors.published_years()
        self.fields["region"].choices = [("", "全部地区"), *selectors.region_choices()]
        self.fields["year"].choices = [(y, f"{y}年") for y in self.years]
        self.fields["code"].widget.choices = [("", "—— 选择科目 ——"), *picker.subject_choices()]

    def clean_region(self) -> Region | None:
        slug = self.cleaned_data.get("region")
        return Region.objects.filter(slug=slug).first() if slug else None

    def clean(self):
        data = super().clean()
        data["year"] = data.get("year") or (self.years[0] if self.years else None)
        data["measure"] = data.get("measure") or "total"
        data["by"] = data.get("by") or "amount"
        code = (data.get("code") or "").strip()
        subject = picker.find_subject(code) if code else None
        if code and data["measure"] in ("total", "function", "economic"):
            # picking a subject is asking to rank by it, whatever the 指标 list still says
            if subject is not None:
                data["measure"] = subject.kind
            elif data["measure"] == "total" or is_classification_code(code):
                self.add_error("code", f"没有编码为 {code} 的支出科目：它不在功能分类和经济分类"
                                       "目录中，也没有已公开的预算列示它。")
        if data["measure"] == "sangong":
            code = data.get("part") or ""
        elif data["measure"] not in ("function", "economic"):
            code = ""
        measure = comparisons.Measure(data["measure"], code)
        error = measure.validate()
        if error:
            self.add_error("code" if measure.needs_code else "measure", error)
        data["measure_obj"] = measure
        return data


def _ranking_result(request: HttpRequest):
    form = RankingFilter(request.GET)
    if not form.is_valid() or form.cleaned_data["year"] is None:
        return form, None
    data = form.cleaned_data
    measure = data["measure_obj"]
    result = comparisons.ranking(measure=measure, year=data["year"], region=data["region"],
                                 include_units=bool(data.get("units")), by=data["by"])
    subject = picker.find_subject(measure.code) if measure.needs_code else None
    result.measure_name = (comparisons.classification_name(measure, data["year"])
                           or (subject.name if subject else ""))
    return form, result


@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    form, result = _ranking_result(request)
    ctx = {"form": form, "result": result}
    if result is not None:
        measure = result.measure
        label = measure.label(result.measure_name)
        table = RankingTable(result.rows, ranking=result, value_label=label)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        if table.page.number == 1 and not table.order_by and PER_PAGE >= TOP_N:
            # the first page in rank order already holds the top N: no second query
            top = result.with_ranks([row.record for row in table.page.object_list][:TOP_N])
        else:
            top = result.top(TOP_N)
        ranked = result.ranked
        csv_query = request.GET.copy()
        for name in ("page", "sort"):
            csv_query.pop(name, None)
        ctx.update({
            "table": table,
            "label": label,
            "ranked": ranked,
            "left_out": result.candidates - ranked,
            "top": top,
            "chart": comparisons.ranking_chart(top, measure, result.by),
            "chart_description": _describe_top(top, label, result.by, measure),
            "csv_url": reverse("budgets:ranking-csv") + "?" + csv_query.urlencode(),
            "top_compare_url": _compare_url([comparisons.disclosure_key(d) for d in top[:5]]),
        })
    return render(request, "budgets/ranking.html", ctx)


def _describe_top(top, label: str, by: str, measure) -> str:
    if not top:
        return "没有可排名的部门。"
    attr = "value" if by == "amount" else by
    unit = "%" if by == "change_percent" or (measure.is_share and by == "amount") else (
        "个百分点" if measure.is_share else "万元")
    what = {"amount": label, "change": f"{label}比上年增减",
            "change_percent": f"{label}比上年增减率"}[by]
    parts = "；".join(f"第{d.rank}名 {d.department.name} {getattr(d, attr):,.2f}{unit}"
                     for d in top)
    return f"按{what}排名前 {len(top)} 位：{parts}。"


@require_GET
def ranking_csv(request: HttpRequest) -> HttpResponse:
    form, result = _ranking_result(request)
    if result is None:
        return HttpResponseBadRequest("排名参数无效：" + "；".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
    name = f"budget-ranking-{result.year}-{result.measure.key}{result.measure.code}-{result.by}.csv"
    return csv_response(name, comparisons.RANKING_COLUMNS, comparisons.ranking_rows(result))


# --- across years -----------------------------------------------------------------------------

def _department_or_404(region: str, code: str | None, pk: int | None) -> Department:
    department = selectors.find_department(region=region, code=code, pk=pk)
    if department is None:
        raise Http404("没有这个部门")
    return department


def _history_or_404(region: str, code: str | None, pk: int | None):
    department = _department_or_404(region, code, pk)
    history = comparisons.department_history(department)
    if not history.comparison.items:
        raise Http404("这个部门没有已公开的预算")
    return department, history


@require_GET
def department_history(request: HttpRequest, region: str, code: str | None = None,
                       pk: int | None = None) -> HttpResponse:
    department, history = _history_or_404(region, code, pk)
    latest = history.comparison.items[-1].disclosure
    ctx = {
        "department": department,
        "history": history,
        "comparison": history.comparison,
        "latest": latest,
        "region_path": history.comparison.items[-1].region_path,
        "chart": comparisons.history_charts(history),
        "compare_url": _compare_url([i.key for i in history.comparison.items]),
        "versions": selectors.department_versions(department),
    }
    return render(request, "budgets/history.html", ctx)


@require_GET
def department_history_csv(request: HttpRequest, region: str, code: str | None = None,
                           pk: int | None = None) -> HttpResponse:
    department, history = _history_or_404(region, code, pk)
    name = f"{department.code or f'id{department.pk}'}-history.csv"
    return csv_response(name, comparisons.COMPARISON_COLUMNS,
                        comparisons.comparison_rows(history.comparison))
