"""Amounts as printed with their unit and exact value in 元; departments without a code.

Schema only, all additions nullable or defaulted; 0003 fills the new columns for the rows
already stored (all 万元), 0004 then makes amount_yuan required and adds the new constraints.
"""

from django.db import migrations, models

AS_PRINTED = {"max_digits": 24, "decimal_places": 6}
IN_YUAN = {"max_digits": 28, "decimal_places": 6}
UNITS = [("元", "元"), ("千元", "千元"), ("万元", "万元")]


def unit_field():
    return models.CharField(choices=UNITS, default="万元", max_length=4, verbose_name="金额单位")


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0001_initial"),
    ]

    operations = [
        # Departments: code may be blank, identity by normalised name then (constraints in 0004).
        migrations.RemoveConstraint(model_name="department", name="department_unique_code_in_region"),
        migrations.AlterField(
            model_name="department", name="code",
            field=models.CharField(blank=True, max_length=20, verbose_name="编码"),
        ),
        migrations.AddField(
            model_name="department", name="normalised_name",
            field=models.CharField(db_index=True, default="", editable=False, max_length=200,
                                   verbose_name="规范名称"),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="department",
            options={"ordering": ["region__slug", "code", "name"],
                     "verbose_name": "部门/单位", "verbose_name_plural": "部门/单位"},
        ),
        migrations.AddField(
            model_name="departmentname", name="normalised_name",
            field=models.CharField(db_index=True, default="", editable=False, max_length=200,
                                   verbose_name="规范名称"),
            preserve_default=False,
        ),
        # Tables: printed unit and printed column headers.
        migrations.AddField(model_name="disclosuretable", name="unit", field=unit_field()),
        migrations.AddField(
            model_name="disclosuretable", name="columns",
            field=models.JSONField(blank=True, default=list, verbose_name="栏目"),
        ),
        # Figures: identified by row order; amount as printed, unit, decimals, value in 元.
        migrations.RemoveConstraint(model_name="figure", name="figure_unique_cell"),
        migrations.AlterField(
            model_name="figure", name="column",
            field=models.CharField(max_length=64, verbose_name="栏目"),
        ),
        migrations.AlterField(
            model_name="figure", name="amount",
            field=models.DecimalField(verbose_name="金额（原文）", **AS_PRINTED),
        ),
        migrations.AddField(model_name="figure", name="unit", field=unit_field()),
        migrations.AddField(
            model_name="figure", name="decimals",
            field=models.PositiveSmallIntegerField(default=2, verbose_name="小数位数"),
        ),
        migrations.AddField(
            model_name="figure", name="amount_yuan",
            field=models.DecimalField(null=True, verbose_name="金额（元）", **IN_YUAN),
        ),
        # Projects: money as printed with its unit.
        migrations.AlterField(
            model_name="project", name="budget",
            field=models.DecimalField(blank=True, null=True, verbose_name="预算数（原文）",
                                      **AS_PRINTED),
        ),
        migrations.AlterField(
            model_name="project", name="fiscal_funds",
            field=models.DecimalField(blank=True, null=True, verbose_name="财政资金（原文）",
                                      **AS_PRINTED),
        ),
        migrations.AlterField(
            model_name="project", name="other_funds",
            field=models.DecimalField(blank=True, null=True, verbose_name="其他资金（原文）",
                                      **AS_PRINTED),
        ),
        migrations.AddField(model_name="project", name="unit", field=unit_field()),
        migrations.AddField(
            model_name="project", name="budget_yuan",
            field=models.DecimalField(blank=True, editable=False, null=True,
                                      verbose_name="预算数（元）", **IN_YUAN),
        ),
        # Findings: expected/found in the printed unit of their table.
        migrations.AlterField(
            model_name="finding", name="column",
            field=models.CharField(blank=True, max_length=64, verbose_name="栏目"),
        ),
        migrations.AlterField(
            model_name="finding", name="expected",
            field=models.DecimalField(blank=True, null=True, verbose_name="应为", **AS_PRINTED),
        ),
        migrations.AlterField(
            model_name="finding", name="found",
            field=models.DecimalField(blank=True, null=True, verbose_name="实际", **AS_PRINTED),
        ),
        migrations.AddField(model_name="finding", name="unit", field=unit_field()),
    ]
