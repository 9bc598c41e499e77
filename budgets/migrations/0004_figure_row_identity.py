"""amount_yuan required; figures unique by row; departments unique by code or by name."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0003_fill_amounts_in_yuan"),
    ]

    operations = [
        migrations.AlterField(
            model_name="figure", name="amount_yuan",
            field=models.DecimalField(decimal_places=6, max_digits=28, verbose_name="金额（元）"),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.UniqueConstraint(fields=["disclosure", "table", "row", "column"],
                                               name="figure_unique_cell"),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(condition=~Q(code=""), fields=["region", "code"],
                                               name="department_unique_code_in_region"),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(condition=Q(code="", parent__isnull=True),
                                               fields=["region", "normalised_name"],
                                               name="department_unique_name_in_region"),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(condition=Q(code="", parent__isnull=False),
                                               fields=["parent", "normalised_name"],
                                               name="unit_unique_name_in_department"),
        ),
    ]
