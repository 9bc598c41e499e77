from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0011_department_public_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="disclosure",
            name="identity_checks",
            field=models.PositiveIntegerField(
                blank=True, null=True,
                help_text="校验本版本时进行的表内勾稽关系核对次数；为空表示在开始计数之前存入。",
                verbose_name="表内核对项数"),
        ),
    ]
