"""The 部门 and the 单位 budget of one body, published as two files (Shanghai Putuo): the unit
budget is the department's own unit, never a new version of the department's budget."""

from pathlib import Path

import pytest

from budgets.models import Disclosure
from budgets.services import disclosures_store, region_get_or_create_path
from ingest.reading import document_data, read_document

PUTUO = Path(__file__).parent.parent / "real" / "shanghai-putuo"


@pytest.mark.django_db
def test_a_unit_budget_filed_alone_hangs_under_its_department():
    region = region_get_or_create_path(["上海市", "普陀区"])
    for name in ("2025_上海市普陀区商务委员会_部门预算.pdf", "2025_上海市普陀区商务委员会_单位预算.pdf"):
        disclosures_store(data=document_data(read_document(PUTUO / name)), region=region)
    department, unit = (Disclosure.objects.get(department__parent__isnull=True),
                        Disclosure.objects.get(department__parent__isnull=False))
    assert department.department.name == unit.department.name == "上海市普陀区商务委员会"
    assert unit.department.parent == department.department
    assert (department.version, unit.version) == (1, 1)
    summary = {f.code: f.printed for f in unit.figures.filter(table="summary", column="total")}
    assert summary["expenditure_grand_total"] != "" and department.figures.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("order", [("部门", "单位"), ("单位", "部门")])
def test_the_two_files_give_the_same_department_and_unit_in_either_order(order):
    region = region_get_or_create_path(["上海市", "普陀区"])
    for scope in order:
        data = document_data(read_document(PUTUO / f"2025_上海市普陀区商务委员会_{scope}预算.pdf"))
        disclosures_store(data=data, region=region)
    department = Disclosure.objects.get(department__parent__isnull=True)
    unit = Disclosure.objects.get(department__parent__isnull=False)
    assert unit.department.parent == department.department
    assert (department.version, unit.version) == (1, 1)
    assert department.department.name == "上海市普陀区商务委员会"
    # the department's own budget is the one whose summary is the department's (larger or equal)
    totals = {d.pk: d.figures.get(table="summary", code="expenditure_grand_total",
                                  column="total").amount_yuan for d in (department, unit)}
    assert totals[department.pk] >= totals[unit.pk]


@pytest.mark.django_db
def test_a_unit_budget_whose_department_published_nothing_is_listed_on_its_own(client):
    """Until its 部门 file is read, a 单位预算 filed alone is what the public can read of that
    body: in the directory, the home page's figures and the rankings — and once the 部门 file is
    published, the unit drops out of them again (its budget is inside the department's)."""
    from budgets.models import Disclosure
    from budgets.services import disclosure_publish

    region = region_get_or_create_path(["上海市", "普陀区"])
    data = document_data(read_document(PUTUO / "2025_上海市普陀区商务委员会_单位预算.pdf"))
    [unit] = disclosures_store(data=data, region=region)
    disclosure_publish(disclosure=unit)
    assert unit.department.parent is not None
    assert list(Disclosure.objects.published().heads()) == [unit]
    assert "上海市普陀区商务委员会" in client.get("/departments/").content.decode()
    data = document_data(read_document(PUTUO / "2025_上海市普陀区商务委员会_部门预算.pdf"))
    [department] = disclosures_store(data=data, region=region)
    disclosure_publish(disclosure=department)
    assert list(Disclosure.objects.published().heads()) == [department]
