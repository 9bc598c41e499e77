import importlib

from django.db import migrations, models

import budgets.models

text_search = importlib.import_module("budgets.migrations.0007_text_search")


def department_search_triggers(apps, schema_editor):
    """SQLite adds this column (and, before 3.35, drops it) by rebuilding the table, which
    loses the triggers that keep department names in the search index (0007): made again."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite" or text_search.FTS_TABLE not in \
            connection.introspection.table_names():
        return  # PostgreSQL's trigram index survives; an SQLite without FTS5 trigram had none
    for kind, table, text in text_search.FTS_SOURCES:
        if table == "budgets_department":
            for statement in text_search.sqlite_triggers(kind, table, text):
                schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0010_disclosuretotals"),
    ]

    operations = [
        # Backwards, after the column is dropped.
        migrations.RunPython(migrations.RunPython.noop, department_search_triggers),
        # Existing rows share one first token: cache keys also name the department.
        migrations.AddField(
            model_name="department",
            name="public_token",
            field=models.CharField(default=budgets.models.new_token, editable=False,
                                   max_length=32, verbose_name="公开页面版本"),
        ),
        migrations.RunPython(department_search_triggers, migrations.RunPython.noop),
    ]
