from django.urls import path

from ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/progress.json", views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job-retry"),
    path("documents/<int:pk>/review/", views.document_review, name="document-review"),
    path("documents/<int:pk>/publish/", views.document_publish, name="document-publish"),
    path("documents/<int:pk>/discard/", views.document_discard, name="document-discard"),
    path("documents/<int:pk>/pages/<int:page>.png", views.document_page_image,
         name="document-page"),
    path("documents/<int:pk>/original/", views.document_original, name="document-original"),
]
