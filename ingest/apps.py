from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "文件读取"

    def ready(self):
        from ingest import tasks  # noqa: F401  (registers the tasks with ingest/queues.py)
