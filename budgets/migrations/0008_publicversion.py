from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0007_text_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("token", models.CharField(max_length=32, verbose_name="版本标识")),
            ],
            options={"verbose_name": "公开数据版本", "verbose_name_plural": "公开数据版本"},
        ),
    ]
