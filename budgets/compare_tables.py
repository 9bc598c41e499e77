"""django-tables2 table of the rankings page (排名)."""

from decimal import Decimal
from urllib.parse import urlencode

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html

from budgets.comparisons import change_of, change_percent_of, disclosure_key
from budgets.tables import MoneyColumn
from budgets.templatetags.budget_format import disclosure_path, percent, signed_wan, wan


class ValueColumn(MoneyColumn):
    """The ranked measure: 万元, or a percentage for share measures (set per table)."""

    def __init__(self, *args, **kwargs):
        self.is_share = False
        super().__init__(*args, **kwargs)

    def render(self, value):
        return percent(_cent(value)) if self.is_share else wan(_cent(value))


class ChangeColumn(MoneyColumn):
    def __init__(self, *args, is_percent=False, **kwargs):
        self.is_percent = is_percent
        super().__init__(*args, **kwargs)

    def render(self, value):
        text = signed_wan(_cent(value))
        direction = "up" if value and value > 0 else "down" if value and value < 0 else "flat"
        return format_html('<span class="change {}">{}{}</span>', direction, text,
                           "%" if self.is_percent else "")


def _cent(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _nulls_last(queryset, name: str, is_descending: bool):
    field = F(name)
    return queryset.order_by(field.desc(nulls_last=True) if is_descending
                             else field.asc(nulls_last=True), "department__code",
                             "department__name"), True


class RankingTable(tables.Table):
    """排名: one row per ranked department-year; the rank stays the measure's whatever the sort."""

    rank = tables.Column(verbose_name="名次", accessor="pk", empty_values=(),
                         attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    department = tables.Column(verbose_name="部门", accessor="department__name",
                               order_by=("department__name", "department__code"))
    region = tables.Column(verbose_name="地区", accessor="department__region__name",
                           order_by=("department__region__slug",))
    value = ValueColumn(verbose_name="金额")
    previous_value = ValueColumn(verbose_name="上年")
    change = ChangeColumn(verbose_name="比上年增减", empty_values=())
    change_percent = ChangeColumn(verbose_name="增减率", is_percent=True, empty_values=())
    compare = tables.Column(verbose_name="比较", accessor="pk", orderable=False, empty_values=())

    class Meta:
        template_name = "budgets/_table.html"
        attrs = {"class": "data-table ranking-table"}
        empty_text = "没有可排名的部门：请换一个地区、年度或指标。"
        orderable = True

    def __init__(self, data, *, ranking, value_label: str, **kwargs):
        by, year, is_share = ranking.by, ranking.year, ranking.measure.is_share
        self.ranking = ranking
        exclude = () if by != "amount" else ("previous_value", "change", "change_percent")
        super().__init__(data, exclude=exclude, **kwargs)
        unit = "%" if is_share else "万元"
        self.columns["value"].column.verbose_name = f"{year}年 {value_label}（{unit}）"
        self.columns["value"].column.is_share = is_share
        if by != "amount":
            self.columns["previous_value"].column.verbose_name = f"{year - 1}年（{unit}）"
            self.columns["previous_value"].column.is_share = is_share
            change_unit = "百分点" if is_share else "万元"
            self.columns["change"].column.verbose_name = f"比上年增减（{change_unit}）"
            # only the one the ranking is by is a database column; the other is worked out per row
            self.columns["change"].column.orderable = by == "change"
            self.columns["change_percent"].column.orderable = by == "change_percent"

    def order_value(self, queryset, is_descending):
        return _nulls_last(queryset, "value", is_descending)

    def order_previous_value(self, queryset, is_descending):
        return _nulls_last(queryset, "previous_value", is_descending)

    def order_change(self, queryset, is_descending):
        return _nulls_last(queryset, "change", is_descending)

    def order_change_percent(self, queryset, is_descending):
        return _nulls_last(queryset, "change_percent", is_descending)

    def order_rank(self, queryset, is_descending):
        # a higher rank is a smaller value
        return _nulls_last(queryset, self.ranking.field, not is_descending)

    def render_rank(self, record):
        return self.ranking.rank_of(record)

    def render_change(self, record):
        return self.columns["change"].column.render(change_of(record))

    def render_change_percent(self, record):
        return self.columns["change_percent"].column.render(change_percent_of(record))

    def render_department(self, record):
        department = record.department
        unit = format_html('<span class="tag">{}</span> ', "单位") if department.parent_id else ""
        code = format_html(' <span class="code">{}</span>', department.code) \
            if department.code else ""
        return format_html('{}<a href="{}">{}</a>{}', unit, disclosure_path(record),
                           department.name, code)

    def render_compare(self, record):
        url = reverse("budgets:compare") + "?" + urlencode({"d": disclosure_key(record)})
        return format_html('<a href="{}" aria-label="比较{}">比较</a>', url,
                           record.department.name)
