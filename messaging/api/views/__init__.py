"""The messaging API views, one module per area; the URLconf imports them from here."""

from messaging.api.views.conversations import (
    ConversationDetailView,
    ConversationListView,
    ConversationMessagesView,
    ConversationReadView,
)
from messaging.api.views.messages import (
    AttachmentDownloadView,
    MessageDetailView,
    MessageReportView,
)

__all__ = [
    "AttachmentDownloadView",
    "ConversationDetailView",
    "ConversationListView",
    "ConversationMessagesView",
    "ConversationReadView",
    "MessageDetailView",
    "MessageReportView",
]
