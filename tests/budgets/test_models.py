from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from budgets.codes import parent_code
from budgets.models import Classification, Department, Disclosure, Figure, TableKind
from budgets.services import disclosure_publish, region_get_or_create_path

pytestmark = pytest.mark.django_db


def make_department(path, code="711", name="群工部"):
    region = region_get_or_create_path(path)
    return Department.objects.create(region=region, code=code, name=name)


def test_the_same_code_in_two_regions_is_two_departments():
    luotai = make_department(["河北省", "唐山市", "芦台经济开发区"])
    other = make_department(["河北省", "沧州市", "沧州经济开发区"], name="另一个部门")
    assert luotai.pk != other.pk
    assert Department.objects.filter(code="711").count() == 2


def test_a_code_repeated_in_one_region_is_refused():
    make_department(["河北省", "唐山市"])
    with pytest.raises(IntegrityError):
        make_department(["河北省", "唐山市"], name="另一个名称")


def test_code_less_departments_are_unique_by_normalised_name_in_their_region():
    make_department(["上海市", "普陀区"], code="", name="上海市普陀区商务委员会")
    make_department(["上海市", "静安区"], code="", name="上海市普陀区商务委员会")  # other region
    with pytest.raises(IntegrityError), transaction.atomic():
        make_department(["上海市", "普陀区"], code="", name="上海市普陀区 商务委员会（本级）")
    # With a code, the same name is a different identity (two coded records may share a name).
    make_department(["上海市", "普陀区"], code="328", name="上海市普陀区商务委员会")


def test_a_second_published_version_of_one_department_year_is_refused_by_the_database():
    department = make_department(["河北省"])
    Disclosure.objects.create(department=department, year=2024, version=1, status="published")
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(department=department, year=2024, version=2,
                                  status="published")
    # A draft beside the published version, and another year, are fine.
    Disclosure.objects.create(department=department, year=2024, version=2, status="draft")
    Disclosure.objects.create(department=department, year=2023, version=1, status="published")


def test_publishing_a_draft_supersedes_the_published_version():
    department = make_department(["河北省"])
    old = Disclosure.objects.create(department=department, year=2024, version=1,
                                    status="published")
    new = Disclosure.objects.create(department=department, year=2024, version=2)
    disclosure_publish(disclosure=new)
    old.refresh_from_db()
    assert (old.status, new.status) == ("superseded", "published")
    assert old.superseded_at is not None


@pytest.mark.parametrize("text", ["196.76", "0.01", "123456789012.34", "-3.50", "0.00",
                                  "257700", "12482.549431"])
def test_decimal_figures_round_trip_exactly(text):
    department = make_department(["河北省"])
    disclosure = Disclosure.objects.create(department=department, year=2024)
    amount = Decimal(text)
    Figure.objects.create(disclosure=disclosure, table=TableKind.SUMMARY, code="revenue_total",
                          name="本年收入合计", column="total", amount=amount, row=0,
                          decimals=max(0, -amount.as_tuple().exponent))
    stored = Figure.objects.get(disclosure=disclosure)
    assert isinstance(stored.amount, Decimal) and isinstance(stored.amount_yuan, Decimal)
    assert stored.amount == amount
    assert stored.printed == text
    assert stored.amount_yuan == amount * 10000  # the default unit is 万元


def test_saving_a_figure_computes_its_value_in_yuan_from_its_unit():
    department = make_department(["河北省"])
    disclosure = Disclosure.objects.create(department=department, year=2024)
    cells = {"元": Decimal("9389913.00"), "千元": Decimal("9389.913"), "万元": Decimal("938.9913")}
    for row, (unit, amount) in enumerate(cells.items()):
        Figure.objects.create(disclosure=disclosure, table=TableKind.SUMMARY, code="x",
                              name="x", column="total", amount=amount, unit=unit, row=row)
    assert {f.unit: f.amount_yuan for f in Figure.objects.all()} == {
        "元": Decimal("9389913"), "千元": Decimal("9389913"), "万元": Decimal("9389913")}


def test_a_cell_is_stored_once_per_disclosure_table_row_and_column():
    department = make_department(["河北省"])
    disclosure = Disclosure.objects.create(department=department, year=2024)
    cell = dict(disclosure=disclosure, table=TableKind.SUMMARY, code="201", name="一般公共服务支出",
                column="total", amount=Decimal("1.00"), row=0)
    Figure.objects.create(**cell)
    # The same code on another row is another cell (Beijing prints a code once per unit).
    Figure.objects.create(**{**cell, "row": 1})
    with pytest.raises(IntegrityError):
        Figure.objects.create(**cell)


def test_functional_codes_nest_as_lei_kuan_xiang():
    assert parent_code("2012901") == "20129"
    assert parent_code("20129") == "201"
    assert parent_code("201") is None
    assert parent_code("revenue_total") is None


def test_the_reference_list_links_2012901_to_20129_to_201(sample_data):
    xiang = Classification.objects.get(kind="function", year=2024, code="2012901")
    assert xiang.parent.code == "20129"
    assert xiang.parent.parent.code == "201"
    assert xiang.parent.parent.name == "一般公共服务支出"
    assert xiang.parent.parent.parent is None


def test_the_reference_list_has_every_lei_of_the_31_summary_rows(sample_data):
    lei = set(Classification.objects.filter(kind="function", code__regex=r"^\d{3}$")
              .values_list("code", flat=True))
    assert len(lei) == 30  # 31 rows; 人行科目 has no 3-digit code
    assert {"201", "208", "210", "221", "234"} <= lei
