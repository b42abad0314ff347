from django.urls import path

from messaging import views

app_name = "messaging"

reports = "o/<slug:org_slug>/programs/<int:program_id>/reported-messages/"

urlpatterns = [
    path(reports, views.reports, name="reports"),
    path(reports + "<int:report_id>/handled/", views.report_resolve, name="report_resolve"),
]
