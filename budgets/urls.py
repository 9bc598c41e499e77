from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("", views.home, name="home"),
    path("departments/<str:region>/<str:code>/<int:year>/", views.department_detail,
         name="department-detail"),
]
