"""django-tables2 tables of the public pages."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from budgets.templatetags.budget_format import wan


class MoneyColumn(tables.Column):
    """An amount in 万元, two decimals with separators, right-aligned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return wan(value)


class DepartmentDirectoryTable(tables.Table):
    """部门目录: one row per published department-year, sortable by its totals."""

    department = tables.Column(verbose_name="部门", accessor="department__name",
                               order_by=("department__name",))
    region = tables.Column(verbose_name="地区", accessor="department__region__name",
                           order_by=("department__region__slug",))
    year = tables.Column(verbose_name="年度")
    total = MoneyColumn(verbose_name="支出合计")
    basic = MoneyColumn(verbose_name="基本支出")
    project = MoneyColumn(verbose_name="项目支出")
    sangong = MoneyColumn(verbose_name="“三公”经费")

    class Meta:
        template_name = "budgets/_table.html"
        order_by = ("-total",)
        attrs = {"class": "data-table directory-table"}
        empty_text = "没有符合条件的部门。"
        orderable = True

    def render_department(self, record):
        department = record.department
        unit = mark_safe('<span class="tag">单位</span> ') if department.parent_id else ""
        return format_html('{}<a href="{}">{}</a> <span class="code">{}</span>', unit,
                           record.get_absolute_url(), department.name, department.code)

    def render_year(self, value):
        return f"{value}年"
