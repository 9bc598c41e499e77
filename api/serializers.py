"""JSON shapes of the API. Amounts are strings: `amount` exactly as printed in `unit`,
`amount_yuan` exact in 元; amounts computed by the portal (sums, comparisons, rankings) are in
万元 and named `*_wan`, percentages `*_percent`."""

from __future__ import annotations

from rest_framework import serializers

from api.base import decimal_text
from budgets.comparisons import change_of, change_percent_of, disclosure_key
from budgets.models import Disclosure
from budgets.schema import column_label
from budgets.templatetags.budget_format import disclosure_path


def money(**kwargs):
    """A decimal amount as text ("4055.65"), from the serializer's get_<field> method."""
    return serializers.SerializerMethodField(**kwargs)


def html_url(disclosure: Disclosure) -> str:
    """The public page of a version: the department-year page while published, its own
    version page once superseded."""
    if disclosure.status == Disclosure.Status.PUBLISHED:
        return disclosure_path(disclosure)
    return disclosure_path(disclosure, "budgets:department-version", version=disclosure.version)


class RegionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField(source="__str__", help_text="全称：河北省 › 唐山市 › …")
    parent = serializers.CharField(source="parent.slug", allow_null=True, default=None)


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="印在文件上的编码；未印编码的部门为空")
    name = serializers.CharField()
    scope = serializers.CharField(help_text="department 部门 / unit 所属单位")
    region = serializers.CharField(source="region.slug")
    parent = serializers.IntegerField(source="parent_id", allow_null=True,
                                      help_text="所属单位的主管部门 id")
    years = serializers.SerializerMethodField(help_text="有已公开版本的年度，新的在前")

    def get_years(self, obj) -> list[int]:
        return sorted({d.year for d in obj.public_versions}, reverse=True)


class DepartmentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    scope = serializers.CharField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class DisclosureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.SerializerMethodField(help_text="比较与排名所用的键：<地区>:<编码>:<年度>")
    region = serializers.CharField(source="department.region.slug")
    department = DepartmentBriefSerializer()
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField(help_text="published 或 superseded")
    title = serializers.CharField()
    name_as_printed = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)
    html_url = serializers.SerializerMethodField()

    def get_key(self, obj) -> str:
        return disclosure_key(obj)

    def get_html_url(self, obj) -> str:
        return html_url(obj)


class TableSerializer(serializers.Serializer):
    table = serializers.CharField()
    name = serializers.CharField(source="get_table_display")
    title = serializers.CharField(help_text="标题（原文）")
    unit = serializers.CharField(help_text="金额单位（原文）：元、千元或万元")
    first_page = serializers.IntegerField(allow_null=True)
    last_page = serializers.IntegerField(allow_null=True)
    row_count = serializers.IntegerField()
    empty_note = serializers.CharField()
    columns = serializers.ListField(child=serializers.DictField(child=serializers.CharField()),
                                    help_text="栏目（key, label）按原表顺序")


class ComparedAmountSerializer(serializers.Serializer):
    """An amount in 万元 beside last year's and the change (the department page's headline
    figures and 三公 lines)."""

    amount_wan = money()
    previous_wan = money()
    change_wan = money()

    def get_amount_wan(self, obj) -> str | None:
        return decimal_text(obj.amount)

    def get_previous_wan(self, obj) -> str | None:
        return decimal_text(obj.previous) if obj.has_previous else None

    def get_change_wan(self, obj) -> str | None:
        return decimal_text(obj.change)


class HeadlineSerializer(ComparedAmountSerializer):
    key = serializers.CharField()
    label = serializers.CharField()


class DisclosureDetailSerializer(DisclosureSerializer):
    tables = TableSerializer(many=True, source="tables_list", help_text="九张表：页码、金额单位、空表说明")
    headline = HeadlineSerializer(many=True, help_text="支出合计、基本/项目支出、人员/公用经费、"
                                                      "三公（万元），与上年比较")
    previous_year = serializers.IntegerField(allow_null=True,
                                             help_text="上年已公开版本的 id（比较所用）")


class SangongSerializer(ComparedAmountSerializer):
    code = serializers.CharField(help_text="空为合计；outbound、vehicle、reception …")
    name = serializers.CharField()


class OwnedSerializer(serializers.Serializer):
    """A row of a disclosure, with who and which version it belongs to. `owner` is the dotted
    path from the row to its Disclosure."""

    owner = "disclosure"

    def get_fields(self):
        d = self.owner
        owner = {
            "disclosure": serializers.IntegerField(source=f"{d}.pk"),
            "status": serializers.CharField(source=f"{d}.status"),
            "year": serializers.IntegerField(source=f"{d}.year"),
            "region": serializers.CharField(source=f"{d}.department.region.slug"),
            "department_id": serializers.IntegerField(source=f"{d}.department_id"),
            "department_code": serializers.CharField(source=f"{d}.department.code"),
            "department_name": serializers.CharField(source=f"{d}.department.name"),
            "scope": serializers.CharField(source=f"{d}.department.scope"),
        }
        return {**owner, **super().get_fields()}


class LineSerializer(OwnedSerializer):
    id = serializers.IntegerField()
    table = serializers.CharField()
    table_name = serializers.CharField(source="get_table_display")
    row = serializers.IntegerField(help_text="原表中的行序")
    code = serializers.CharField(help_text="功能/经济分类编码或行键；合计行为空")
    name = serializers.CharField(help_text="名称（原文）")
    column = serializers.CharField()
    column_name = serializers.SerializerMethodField()
    amount = serializers.CharField(source="printed", help_text="金额，按原文单位与小数位")
    unit = serializers.CharField(help_text="原文金额单位：元、千元或万元")
    amount_yuan = money(help_text="精确的元金额（文本），所有汇总与比较使用它")
    source_page = serializers.IntegerField(source="page", allow_null=True,
                                           help_text="原文件页码")
    code_inferred = serializers.BooleanField(help_text="原文只印名称，编码由名称推断")

    def get_column_name(self, obj) -> str:
        return column_label(obj.column)

    def get_amount_yuan(self, obj) -> str:
        return decimal_text(obj.amount_yuan)


class FindingSerializer(OwnedSerializer):
    id = serializers.IntegerField()
    rule = serializers.CharField()
    table = serializers.CharField()
    code = serializers.CharField()
    column = serializers.CharField()
    expected = money(help_text="应为（表中数，单位见 unit）")
    found = money(help_text="实际（单位见 unit）")
    unit = serializers.CharField()
    message = serializers.CharField()
    source_page = serializers.IntegerField(source="page", allow_null=True)

    def get_expected(self, obj) -> str | None:
        return decimal_text(obj.expected)

    def get_found(self, obj) -> str | None:
        return decimal_text(obj.found)


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    level1 = serializers.CharField(help_text="一级指标")
    level2 = serializers.CharField(help_text="二级指标")
    level3 = serializers.CharField(help_text="三级指标")
    description = serializers.CharField()
    value = serializers.CharField(help_text="指标值（原文）")
    basis = serializers.CharField()
    source_page = serializers.IntegerField(source="page", allow_null=True)


class IndicatorRowSerializer(OwnedSerializer, IndicatorSerializer):
    owner = "project.disclosure"
    project = serializers.IntegerField(source="project_id")
    project_name = serializers.CharField(source="project.name")


class ProjectSerializer(OwnedSerializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    budget = money(help_text="预算数（原文单位）")
    fiscal_funds = money()
    other_funds = money()
    unit = serializers.CharField()
    budget_yuan = money()
    purpose = serializers.CharField()
    plan = serializers.ListField(child=serializers.CharField(),
                                 help_text="3、6、10、12月底支出计划（原文）")
    goal = serializers.CharField()
    source_page = serializers.IntegerField(source="page", allow_null=True)
    indicators = IndicatorSerializer(many=True)

    def get_budget(self, obj) -> str | None:
        return decimal_text(obj.budget)

    def get_fiscal_funds(self, obj) -> str | None:
        return decimal_text(obj.fiscal_funds)

    def get_other_funds(self, obj) -> str | None:
        return decimal_text(obj.other_funds)

    def get_budget_yuan(self, obj) -> str | None:
        return decimal_text(obj.budget_yuan)


# --- comparisons and rankings (budgets.comparisons builds them; these only say how they read) ----

class ComparedSerializer(serializers.Serializer):
    key = serializers.CharField()
    disclosure = serializers.IntegerField(source="disclosure.pk")
    department = DepartmentBriefSerializer()
    region = serializers.CharField(source="department.region.slug")
    region_path = serializers.CharField()
    year = serializers.IntegerField()
    findings = serializers.IntegerField(help_text="校验发现条数")


class CellSerializer(serializers.Serializer):
    amount = money(help_text="金额（万元）或个数；null：该部门未印此行")
    share_percent = money(help_text="占本部门 share_of 的百分比")
    difference = money(help_text="与参照列之差（first：第一列；previous：前一列）")
    difference_percent = money()

    def get_amount(self, obj) -> str | None:
        return decimal_text(obj.amount)

    def get_share_percent(self, obj) -> str | None:
        return decimal_text(obj.share, "0.01")

    def get_difference(self, obj) -> str | None:
        return decimal_text(obj.difference)

    def get_difference_percent(self, obj) -> str | None:
        return decimal_text(obj.difference_percent, "0.01")


class ComparisonRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="1 类、2 款、3 项；0 非分类行")
    parent = serializers.CharField(allow_null=True)
    unit = serializers.CharField(help_text="万元，或“个”（项目个数）")
    share_of = serializers.CharField()
    other_names = serializers.ListField(child=serializers.CharField())
    cells = CellSerializer(many=True, help_text="每个比较对象一格，顺序同 items")


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField()
    rows = ComparisonRowSerializer(many=True)


class NoticeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    text = serializers.CharField()


class ComparisonSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="first 或 previous")
    items = ComparedSerializer(many=True)
    notices = NoticeSerializer(many=True)
    sections = SectionSerializer(many=True)


class RankingMetaSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    measure = serializers.CharField(source="measure.key")
    code = serializers.CharField(source="measure.code")
    label = serializers.SerializerMethodField()
    unit = serializers.CharField(source="measure.unit", help_text="万元或 %")
    by = serializers.CharField()
    ranked = serializers.IntegerField()
    candidates = serializers.IntegerField(help_text="参与比较的部门数（含未排名者）")

    def get_label(self, obj) -> str:
        return obj.measure.label(obj.measure_name)


class RankedSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    disclosure = serializers.IntegerField(source="pk")
    key = serializers.SerializerMethodField()
    region = serializers.CharField(source="department.region.slug")
    department = DepartmentBriefSerializer()
    year = serializers.IntegerField()
    value = money()
    previous_value = money()
    change = money()
    change_percent = money()

    def get_key(self, obj) -> str:
        return disclosure_key(obj)

    def get_value(self, obj) -> str | None:
        return decimal_text(obj.value)

    def get_previous_value(self, obj) -> str | None:
        return decimal_text(getattr(obj, "previous_value", None))

    def get_change(self, obj) -> str | None:
        return decimal_text(change_of(obj))

    def get_change_percent(self, obj) -> str | None:
        return decimal_text(change_percent_of(obj), "0.01")


class RankingPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    ranking = RankingMetaSerializer(allow_null=True, help_text="null: nothing published yet")
    results = RankedSerializer(many=True)
