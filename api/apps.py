from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "公开数据接口"
