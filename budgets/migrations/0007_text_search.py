"""Indexes for the public full-text search (budgets/search.py), one per database:

- PostgreSQL: the pg_trgm extension and GIN trigram indexes, so that `ILIKE '%被征地%'` over
  department, line, project and KPI text is served by an index (trigrams work on Chinese).
- SQLite: an FTS5 table with the trigram tokenizer, kept up to date by triggers; its rowid is
  `id * 4 + kind` so that a trigger deletes by rowid (cheap) rather than by a column scan.
  An SQLite without FTS5 trigram (before 3.34) gets nothing, and search falls back to LIKE.
"""

from django.db import migrations

TRIGRAM_INDEXES = [
    ("budgets_department", "name"),
    ("budgets_figure", "name"),
    ("budgets_project", "name"),
    ("budgets_indicator", "level3"),
    ("budgets_indicator", "description"),
]

# kind number, table, text expression (of NEW./OLD. row)
FTS_SOURCES = [
    (0, "budgets_department", "{r}.name"),
    (1, "budgets_figure", "{r}.name"),
    (2, "budgets_project", "{r}.name"),
    (3, "budgets_indicator", "{r}.level3 || char(10) || {r}.description"),
]
FTS_TABLE = "budgets_search"


def _index_name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def sqlite_triggers(kind: int, table: str, text: str) -> list[str]:
    """The triggers keeping `table`'s text in the FTS table (also 0009: SQLite loses a table's
    triggers when a migration rebuilds it)."""
    new, old = text.format(r="new"), text.format(r="old")
    insert = f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id * 4 + {kind}, {new});"
    delete = f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id * 4 + {kind};"
    create = "CREATE TRIGGER IF NOT EXISTS"
    return [
        f"{create} {table}_search_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"{create} {table}_search_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"{create} {table}_search_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
    ]


def _sqlite_statements() -> list[str]:
    statements = [f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, tokenize='trigram')"]
    for kind, table, text in FTS_SOURCES:
        statements += [
            *sqlite_triggers(kind, table, text),
            f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT id * 4 + {kind}, "
            f"{text.format(r=table)} FROM {table}",
        ]
    return statements


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in TRIGRAM_INDEXES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {_index_name(table, column)} "
                f"ON {table} USING gin ({column} gin_trgm_ops)")
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            try:
                cursor.execute("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')")
                cursor.execute("DROP TABLE temp.trigram_probe")
            except Exception:  # noqa: BLE001 - no FTS5 or no trigram tokenizer: LIKE it is
                return
        for statement in _sqlite_statements():
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table, column in TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {_index_name(table, column)}")
    elif vendor == "sqlite":
        for _, table, _ in FTS_SOURCES:
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("budgets", "0006_disclosure_sources")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
