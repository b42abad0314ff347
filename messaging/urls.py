from django.urls import path

from messaging import views

app_name = "messaging"

reports = "o/<slug:org_slug>/programs/<int:program_id>/reported-messages/"

urlpatterns = [
    path("o/<slug:org_slug>/messages/", views.inbox, name="inbox"),
    path("o/<slug:org_slug>/messages/<int:conversation_id>/", views.thread, name="thread"),
    path("o/<slug:org_slug>/messages/<int:conversation_id>/send/", views.send, name="send"),
    path(reports, views.reports, name="reports"),
    path(reports + "<int:report_id>/handled/", views.report_resolve, name="report_resolve"),
]
