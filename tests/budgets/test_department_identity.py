"""Departments identified by code when printed, else by normalised name; merging two records."""

from decimal import Decimal

import pytest

from budgets.models import Department, DepartmentName, Disclosure, normalise_name
from budgets.services import (
    department_get_or_create,
    department_merge,
    disclosure_publish,
    region_get_or_create_path,
)
from tests.budgets.test_units import document, expenditure, store

pytestmark = pytest.mark.django_db

ONE_ROW = expenditure("万元", [["", "合计", "1.00", "1.00", ""]])


@pytest.mark.parametrize("printed", [
    "上海市普陀区商务委员会", "上海市普陀区 商务委员会", "上海市普陀区商务委员会（本级）",
    "上海市普陀区商务委员会(本级)", "上海市普陀区商务委员会（本级）", "上海市普陀区商务委员会\n",
])
def test_names_normalise_to_one_identity(printed):
    assert normalise_name(printed) == "上海市普陀区商务委员会"


def test_a_name_only_department_is_found_again_by_its_name():
    first = store(document(ONE_ROW, name="上海市普陀区商务委员会"))[0]
    again = store(document(ONE_ROW, name="上海市普陀区 商务委员会（本级）"))[0]
    assert again.department == first.department
    assert (first.version, again.version) == (1, 2)
    assert first.department.code == ""
    assert Department.objects.count() == 1


def test_a_name_only_department_is_found_again_by_a_name_variant():
    region = region_get_or_create_path(["上海市", "普陀区"])
    first = department_get_or_create(region=region, code="", name="上海市普陀区商务委员会",
                                     variants=["普陀区商务委"])
    again = department_get_or_create(region=region, code="", name="普陀区商务委")
    assert again == first
    other = department_get_or_create(region=region, code="", name="普陀区财政局")
    assert other != first
    assert set(first.names.values_list("name", flat=True)) == {"上海市普陀区商务委员会",
                                                               "普陀区商务委"}


def test_the_same_name_in_another_region_is_another_department():
    a = store(document(ONE_ROW, region=["上海市", "普陀区"]))[0]
    b = store(document(ONE_ROW, region=["上海市", "静安区"]))[0]
    assert a.department != b.department


def test_a_code_finds_the_department_whatever_its_name():
    first = store(document(ONE_ROW, code="328", name="上海市普陀区商务委员会"))[0]
    again = store(document(ONE_ROW, code="328", name="普陀区商务委（改名后）"))[0]
    assert again.department == first.department
    assert "普陀区商务委（改名后）" in again.department.names.values_list("name", flat=True)


def test_a_department_first_met_without_code_takes_the_code_when_printed():
    first = store(document(ONE_ROW, name="上海市普陀区商务委员会"))[0]
    coded = store(document(ONE_ROW, code="328", name="上海市普陀区商务委员会"))[0]
    assert coded.department == first.department
    first.department.refresh_from_db()
    assert first.department.code == "328"


def test_a_unit_named_like_its_department_own_level_is_a_separate_unit():
    disclosures = store(document(ONE_ROW, units=["上海市普陀区商务委员会（本级）"]))
    department, unit = (d.department for d in disclosures)
    assert unit.parent == department and unit != department
    again = store(document(ONE_ROW, units=["上海市普陀区商务委员会(本级)"]))
    assert [d.department for d in again] == [department, unit]


def publish(data):
    disclosure = store(data)[0]
    return disclosure_publish(disclosure=disclosure)


def test_merge_moves_disclosures_names_and_units_then_deletes_the_other():
    coded = publish(document(ONE_ROW, code="328", name="普陀区商务委", year=2024))
    nameless = publish(document(ONE_ROW, units=["某中心"], year=2025))
    draft = store(document(ONE_ROW, name="上海市普陀区商务委员会", year=2024))[0]
    keep, merge = coded.department, nameless.department
    assert draft.department == merge
    department_merge(keep=keep, merge=merge)
    assert not Department.objects.filter(pk=merge.pk).exists()
    assert sorted(keep.disclosures.values_list("year", "version", "status")) == [
        (2024, 1, "published"), (2024, 2, "draft"), (2025, 1, "published")]
    assert {"上海市普陀区商务委员会", "普陀区商务委"} <= set(
        keep.names.values_list("name", flat=True))
    assert list(keep.units.values_list("name", flat=True)) == ["某中心"]
    # The merged record's name now finds the kept department.
    region = keep.region
    assert department_get_or_create(region=region, code="", name="上海市普陀区商务委员会") == keep
    assert Disclosure.objects.get(pk=nameless.pk).figures.get(column="total").amount_yuan == \
        Decimal("10000")


def test_merge_is_refused_when_both_published_the_same_year():
    a = publish(document(ONE_ROW, code="328", name="普陀区商务委", year=2025))
    b = publish(document(ONE_ROW, name="上海市普陀区商务委员会", year=2025))
    with pytest.raises(ValueError, match="都有已公开的2025年预算"):
        department_merge(keep=a.department, merge=b.department)
    assert Department.objects.count() == 2
    assert DepartmentName.objects.filter(department=a.department).count() == 1


def test_merge_takes_the_code_of_the_merged_record_when_the_kept_one_has_none():
    nameless = store(document(ONE_ROW, name="上海市普陀区商务委员会"))[0].department
    region = nameless.region
    coded = department_get_or_create(region=region, code="328", name="另一个写法的委员会")
    department_merge(keep=nameless, merge=coded)
    nameless.refresh_from_db()
    assert nameless.code == "328"
