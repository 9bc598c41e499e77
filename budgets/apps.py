from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "部门预算"

    def ready(self):
        from budgets import caching  # noqa: F401  (connects the signals that invalidate pages)
