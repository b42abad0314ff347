"""HR exports and scheduled reports (included at the site root)."""

from django.urls import path

from reports.exports import views

app_name = "exports"

reports = "o/<slug:org_slug>/reports/"

urlpatterns = [
    path(reports + "progress.csv", views.progress_csv, name="progress_csv"),
    path(reports + "progress.xlsx", views.progress_xlsx, name="progress_xlsx"),
    path(reports + "progress.pdf", views.progress_pdf_view, name="progress_pdf"),
    path(reports + "participants.csv", views.participants_csv, name="participants_csv"),
    path(reports + "scheduled/", views.scheduled, name="scheduled"),
    path(
        reports + "scheduled/<int:scheduled_id>/remove/",
        views.scheduled_remove,
        name="scheduled_remove",
    ),
]
