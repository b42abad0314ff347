from django.urls import path

from messaging.api import views

CONVERSATIONS = "orgs/<slug:org_slug>/conversations/"
CONVERSATION = CONVERSATIONS + "<int:conversation_id>/"
MESSAGE = "orgs/<slug:org_slug>/messages/<int:message_id>/"

urlpatterns = [
    path(CONVERSATIONS, views.ConversationListView.as_view(), name="api_conversations"),
    path(CONVERSATION, views.ConversationDetailView.as_view(), name="api_conversation"),
    path(
        CONVERSATION + "messages/",
        views.ConversationMessagesView.as_view(),
        name="api_conversation_messages",
    ),
    path(
        CONVERSATION + "read/", views.ConversationReadView.as_view(), name="api_conversation_read"
    ),
    path(MESSAGE, views.MessageDetailView.as_view(), name="api_message"),
    path(MESSAGE + "report/", views.MessageReportView.as_view(), name="api_message_report"),
    path(
        "orgs/<slug:org_slug>/attachments/<int:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="api_attachment",
    ),
]
