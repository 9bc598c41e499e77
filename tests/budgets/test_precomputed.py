"""What is summed once at publication so that national-scale pages read one row per
disclosure (budgets.models.DisclosureTotals, PrintedLine): exact, written only for what is
published, and what the generator makes has them too."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from budgets.models import TOTAL_CELLS, Disclosure, DisclosureTotals, Figure, PrintedLine
from budgets.services import disclosure_publish, disclosures_store, region_get_or_create_path

pytestmark = pytest.mark.django_db


def test_totals_are_the_printed_totals_in_yuan(yuan_department, wan_department):
    putuo, xicheng = yuan_department.totals, wan_department.totals
    assert putuo.expenditure == Decimal("114479860")
    assert (putuo.basic, putuo.project) == (Decimal("100000000"), Decimal("14479860"))
    assert putuo.sangong is None  # no 三公 table printed: unknown, not 0
    assert xicheng.expenditure == Decimal("124825494.31")  # 12482.549431 万元
    assert xicheng.project == Decimal("24825494.31")


def test_a_draft_has_no_totals_and_adds_no_line_until_published(yuan_department):
    item = {"scope": "department", "code": "", "name": "上海市普陀区商务委员会", "tables": {
        "expenditure_by_function": {
            "unit": "元", "columns": ["total"], "column_labels": {"total": "合计"},
            "rows": [["", "合计", "7"], ["2017788", "更正后才有的科目", "7"]],
            "pages": [1, 1]}}}
    data = {"document": {"year": 2024, "title": "更正", "summary_layout": 2024},
            "disclosures": [item]}
    [draft] = disclosures_store(data=data, region=region_get_or_create_path(["上海市", "普陀区"]))
    assert not DisclosureTotals.objects.filter(disclosure=draft).exists()
    assert not PrintedLine.objects.filter(code="2017788").exists()
    disclosure_publish(disclosure=draft)
    assert DisclosureTotals.objects.get(disclosure=draft).expenditure == Decimal("7")
    assert PrintedLine.objects.filter(code="2017788", name="更正后才有的科目").exists()
    # the superseded version keeps its own totals (its version page still shows them)
    assert DisclosureTotals.objects.get(disclosure=yuan_department).expenditure == Decimal(
        "114479860")


def test_the_generator_writes_totals_and_lines_equal_to_its_figures():
    call_command("generate_corpus", disclosures=60, seed=3, years="2024-2025",
                 stdout=io.StringIO())
    disclosures = list(Disclosure.objects.all())
    assert len(disclosures) == 60
    for disclosure in disclosures:
        totals = DisclosureTotals.objects.get(disclosure=disclosure)
        for field, (table, code, column) in TOTAL_CELLS.items():
            printed = Figure.objects.filter(disclosure=disclosure, table=table, code=code,
                                            column=column).aggregate(s=Sum("amount_yuan"))["s"]
            assert getattr(totals, field) == printed, (disclosure.pk, field)
    printed_lines = set(Figure.objects.values_list("table", "code", "name").distinct())
    assert set(PrintedLine.objects.values_list("table", "code", "name")) == printed_lines
