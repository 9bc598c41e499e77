"""The transcription of the three seed documents, loaded into the real database."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from budgets.models import (
    Department,
    Disclosure,
    DisclosureTable,
    Figure,
    Finding,
    Indicator,
    Project,
    Region,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Region, Department, Disclosure, DisclosureTable, Figure, Project, Indicator,
                      Finding)
    }


def amount(code, table, column, row_code):
    return Figure.objects.get(
        disclosure__department__code=code, table=table, column=column, code=row_code
    ).amount


def test_loading_the_sample_data_twice_changes_nothing(sample_data):
    before = snapshot()
    call_command("load_sample_data", stdout=io.StringIO())
    assert snapshot() == before
    assert Disclosure.objects.published().count() == 4


def test_the_sample_departments_sit_in_their_regions(sample_data):
    luotai = Department.objects.get(code="711")
    assert str(luotai.region) == "河北省 › 唐山市 › 芦台经济开发区"
    unit = Department.objects.get(code="313001")
    assert unit.parent.code == "313" and unit.is_unit
    assert "芦台经济开发区群工部" in luotai.names.values_list("name", flat=True)


def test_seed_000_figures_are_transcribed_as_printed(sample_data):
    assert amount("711", "expenditure_by_function", "total", "") == Decimal("196.76")
    assert amount("711", "expenditure_by_function", "basic", "") == Decimal("177.45")
    assert amount("711", "expenditure_by_function", "project", "") == Decimal("19.31")
    assert amount("711", "basic_by_economic", "personnel", "") == Decimal("160.89")
    assert amount("711", "basic_by_economic", "total", "301") == Decimal("129.21")
    assert amount("711", "basic_by_economic", "public", "") == Decimal("16.56")
    assert amount("711", "expenditure_by_function", "total", "2012901") == Decimal("118.22")


def test_seed_000_project_budgets_add_up_to_its_project_spending(sample_data):
    budgets = Project.objects.filter(disclosure__department__code="711")
    assert sorted(p.budget for p in budgets) == sorted(Decimal(text) for text in
        ["0.20", "0.30", "0.50", "1.00", "0.30", "0.20", "4.51", "8.25", "4.05"])
    assert sum(p.budget for p in budgets) == Decimal("19.31")
    assert {p.unit for p in budgets} == {"万元"}
    assert sum(p.budget_yuan for p in budgets) == Decimal("193100")


def test_seed_004_has_its_kpi_tables_fund_table_and_sangong(sample_data):
    disclosure = Disclosure.objects.get(department__code="106")
    assert disclosure.projects.count() == 23
    assert Indicator.objects.filter(project__disclosure=disclosure).count() > 23 * 5
    assert amount("106", "sangong", "total", "sangong_total") == Decimal("6.00")
    assert amount("106", "gov_fund_by_function", "total", "") == Decimal("4000.00")
    empty = DisclosureTable.objects.get(disclosure=disclosure, table="state_capital_by_function")
    assert empty.is_empty and "空表列示" in empty.empty_note


def test_seed_000_keeps_an_indicator_value_with_its_typo(sample_data):
    assert Indicator.objects.filter(project__disclosure__department__code="711",
                                    value="≥95≥").exists()


def test_the_transcription_satisfies_every_identity_of_the_domain(sample_data):
    """Every identity holds in the tables; the only findings are seed 004's two unit slips."""
    table_findings = Finding.objects.exclude(rule__startswith="narrative")
    assert list(table_findings.values_list("message", flat=True)) == []
    slips = Finding.objects.filter(rule="narrative_unit_slip",
                                   disclosure__department__code="106")
    assert sorted(f.found for f in slips) == [Decimal("0.28"), Decimal("0.40")]
    assert sorted(f.expected for f in slips) == [Decimal("2800.00"), Decimal("4000.00")]
    assert any("被征地农民社会保障费4000元" in f.message for f in slips)
    assert Finding.objects.count() == 2
