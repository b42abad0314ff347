from django.urls import path

from messaging import views

app_name = "messaging"

reports = "o/<slug:org_slug>/programs/<int:program_id>/reported-messages/"

urlpatterns = [
    path("o/<slug:org_slug>/messages/", views.inbox, name="inbox"),
    path("o/<slug:org_slug>/messages/<int:conversation_id>/", views.thread, name="thread"),
    path("o/<slug:org_slug>/messages/<int:conversation_id>/send/", views.send, name="send"),
    path(
        "o/<slug:org_slug>/messages/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "o/<slug:org_slug>/messages/m/<int:message_id>/edit/",
        views.message_edit,
        name="message_edit",
    ),
    path(
        "o/<slug:org_slug>/messages/m/<int:message_id>/delete/",
        views.message_delete,
        name="message_delete",
    ),
    path(
        "o/<slug:org_slug>/messages/m/<int:message_id>/report/",
        views.message_report,
        name="message_report",
    ),
    path(reports, views.reports, name="reports"),
    path(reports + "<int:report_id>/handled/", views.report_resolve, name="report_resolve"),
]
