"""Imported once by the fork server of ingest/sandbox.py, never by anything else.

Django is set up and every reader imported (pdfium, pdfplumber, python-docx, openpyxl) in that
server, so each reading child forked from it starts in about 10 ms instead of the ~0.6 s a fresh
interpreter needs. Setting up Django opens no database connection, so no child inherits one.
"""

try:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    import ingest.reading  # noqa: F401  (the readers, for every child to inherit)
except Exception:  # noqa: BLE001 — the fork server must start anyway; children then set up alone
    pass
