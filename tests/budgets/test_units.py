"""Amounts as printed in 元, 千元 or 万元, with their exact value in 元, in the real database."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from budgets.exports import LINE_COLUMNS, line_rows, write_csv
from budgets.models import DisclosureTable, Figure
from budgets.schema import column_label
from budgets.services import disclosures_store, region_get_or_create_path

pytestmark = pytest.mark.django_db

PUTUO = ["上海市", "普陀区"]


def document(tables: dict, *, name="上海市普陀区商务委员会", code="", year=2025,
             region=PUTUO, units=()) -> dict:
    """A minimal document in the contract's shape: one department (and units), given tables."""
    parts = [{"scope": "department", "code": code, "name": name, "tables": tables}]
    parts += [{"scope": "unit", "code": "", "name": unit, "tables": tables} for unit in units]
    return {"document": {"year": year, "title": "", "summary_layout": 2024, "region": region},
            "disclosures": parts}


def store(data: dict):
    region = region_get_or_create_path(data["document"]["region"])
    return disclosures_store(data=data, region=region)


def expenditure(unit: str, rows: list, columns=("total", "basic", "project"), **extra) -> dict:
    return {"expenditure_by_function": {"unit": unit, "columns": list(columns), "rows": rows,
                                        **extra}}


def test_a_yuan_table_and_a_wan_table_compare_in_yuan():
    in_yuan = store(document(expenditure("元", [["", "合计", "1182200.00", "1182200.00", ""]]),
                             name="甲局"))[0]
    in_wan = store(document(expenditure("万元", [["", "合计", "118.23", "118.23", ""]]),
                            name="乙局"))[0]
    yuan = in_yuan.figures.get(column="total")
    wan = in_wan.figures.get(column="total")
    assert (yuan.amount, yuan.unit, yuan.printed) == (Decimal("1182200"), "元", "1182200.00")
    assert (wan.amount, wan.unit, wan.printed) == (Decimal("118.23"), "万元", "118.23")
    assert yuan.amount_yuan == Decimal("1182200") and wan.amount_yuan == Decimal("1182300")
    # Ordered by value, 118.23 万元 is the larger although 1182200 is the larger number printed.
    ranked = Figure.objects.filter(column="total").order_by("-amount_yuan")
    assert [f.disclosure.department.name for f in ranked] == ["乙局", "甲局"]


def test_thousand_yuan_tables_convert_exactly():
    disclosure = store(document(expenditure("千元", [["", "合计", "9389.913", "9389.913", ""]])))[0]
    figure = disclosure.figures.get(column="total")
    assert (figure.printed, figure.amount_yuan) == ("9389.913", Decimal("9389913"))


def test_a_beijing_six_decimal_amount_round_trips_exactly():
    disclosure = store(document(expenditure(
        "万元", [["", "合计", "12482.549431", "12482.549431", ""]])))[0]
    figure = Figure.objects.get(disclosure=disclosure, column="total")
    assert figure.amount == Decimal("12482.549431")
    assert figure.printed == "12482.549431" and figure.decimals == 6
    assert figure.amount_yuan == Decimal("124825494.31")


def test_more_than_six_decimals_is_refused():
    with pytest.raises(ValueError):
        store(document(expenditure("万元", [["", "合计", "1.1234567", "", ""]])))


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        store(document(expenditure("亿元", [["", "合计", "1.00", "", ""]])))


def test_a_code_printed_twice_keeps_both_rows_and_sums_in_identities():
    rows = [["", "合计", "30.00", "30.00", ""],
            ["2010101", "行政运行", "10.00", "10.00", ""],
            ["2010101", "行政运行", "20.00", "20.00", ""]]
    disclosure = store(document(expenditure("万元", rows)))[0]
    twice = disclosure.figures.filter(code="2010101", column="total").order_by("row")
    assert [(f.row, f.amount) for f in twice] == [(1, Decimal("10")), (2, Decimal("20"))]
    assert not disclosure.findings.exists()


def test_the_table_keeps_its_unit_and_printed_headers():
    spec = expenditure("元", [["", "合计", "5.00", "3.00", "2.00", "1.00", "9.99"]],
                       columns=("total", "basic", "project", "procurement", "x:备注金额"),
                       column_labels={"total": "支出预算/合计"})
    disclosure = store(document(spec))[0]
    table = DisclosureTable.objects.get(disclosure=disclosure, table="expenditure_by_function")
    assert table.unit == "元"
    assert table.columns == [
        {"key": "total", "label": "支出预算/合计"}, {"key": "basic", "label": "基本支出"},
        {"key": "project", "label": "项目支出"}, {"key": "procurement", "label": "政府采购"},
        {"key": "x:备注金额", "label": "备注金额"}]
    assert disclosure.figures.get(column="x:备注金额").amount == Decimal("9.99")
    # A table the document does not print keeps the standard columns and 万元.
    summary = DisclosureTable.objects.get(disclosure=disclosure, table="summary")
    assert summary.unit == "万元" and summary.column_keys == ["total"]


def test_column_labels_for_known_and_unknown_keys():
    assert column_label("procurement") == "政府采购"
    assert column_label("procurement_small") == "其中：预留小微企业"
    assert column_label("project_excl_capital") == "扣除基建项目后"
    assert column_label("x:收入预算/其他资金") == "收入预算/其他资金"
    assert column_label("total") == "合计"


def test_the_lines_csv_has_the_amount_as_printed_its_unit_and_its_value_in_yuan():
    store(document(expenditure("元", [["", "合计", "257700", "257700", ""]]), name="甲局"))
    store(document(expenditure("万元", [["", "合计", "12482.549431", "", "-27.07"]]),
                   name="乙局"))
    stream = io.StringIO()
    write_csv(line_rows(Figure.objects.all()), LINE_COLUMNS, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue().lstrip("\ufeff"))))
    got = {(r["department_name"], r["column"]): (r["amount"], r["unit"], r["amount_yuan"])
           for r in rows}
    assert got == {
        ("甲局", "total"): ("257700", "元", "257700"),
        ("甲局", "basic"): ("257700", "元", "257700"),
        ("乙局", "total"): ("12482.549431", "万元", "124825494.31"),
        ("乙局", "project"): ("-27.07", "万元", "-270700"),
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_unit_and_value_in_yuan_of_existing_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([("budgets", "0001_initial")])
    old = executor.loader.project_state([("budgets", "0001_initial")]).apps
    region = old.get_model("budgets", "Region").objects.create(name="河北省", slug="河北省")
    department = old.get_model("budgets", "Department").objects.create(
        region=region, code="711", name="群工部（本级）")
    disclosure = old.get_model("budgets", "Disclosure").objects.create(
        department=department, year=2024)
    old.get_model("budgets", "Figure").objects.create(
        disclosure=disclosure, table="summary", code="revenue_total", name="本年收入合计",
        column="total", amount=Decimal("196.76"), row=0)
    old.get_model("budgets", "DisclosureTable").objects.create(disclosure=disclosure,
                                                               table="sangong")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0)  # every app back at its latest state
    figure = Figure.objects.get()
    assert (figure.unit, figure.printed, figure.amount_yuan) == ("万元", "196.76",
                                                                 Decimal("1967600"))
    assert figure.disclosure.department.normalised_name == "群工部"
    table = DisclosureTable.objects.get()
    assert table.unit == "万元" and table.column_keys == [
        "total", "general_budget", "gov_fund", "state_capital"]
