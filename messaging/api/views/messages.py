"""Messaging API: one message: editing or deleting your own, reporting one to the program's
managers."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from messaging import selectors, services
from messaging.api.serializers import (
    MessageEditSerializer,
    MessageReportSendSerializer,
    MessageReportSerializer,
    MessageSerializer,
)
from messaging.attachments import attachment_response
from messaging.models import Message
from organizations.api.base import OrganizationScopedMixin


class MessageScopedMixin(OrganizationScopedMixin):
    """For routes under .../messages/<message_id>/: a message of a conversation you read, or 404
    whatever the method."""

    message: Message

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.message = selectors.get_message_for(self.membership, kwargs["message_id"])


class MessageDetailView(MessageScopedMixin, generics.GenericAPIView):
    """PATCH: change the text of your own message (403 for anyone else's). DELETE: delete your
    own message; it keeps its place in the conversation, shown as deleted. Both reach the
    others' chat sockets, and both are refused with the reason once the conversation is closed
    to new messages."""

    serializer_class = MessageSerializer

    @extend_schema(request=MessageEditSerializer, responses=MessageSerializer)
    def patch(self, request, org_slug: str, message_id: int):
        incoming = MessageEditSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        message = services.message_edit(
            membership=self.membership, message=self.message, body=incoming.validated_data["body"]
        )
        return Response(services.message_payload(message))

    @extend_schema(request=None, responses={200: MessageSerializer})
    def delete(self, request, org_slug: str, message_id: int):
        message = services.message_delete(membership=self.membership, message=self.message)
        return Response(services.message_payload(message))


class MessageReportView(MessageScopedMixin, generics.GenericAPIView):
    """Report a message to the program's managers, saying what is wrong: they then see that
    message, and only that one, of the conversation. Once per message and person."""

    serializer_class = MessageReportSendSerializer

    @extend_schema(request=MessageReportSendSerializer, responses={201: MessageReportSerializer})
    def post(self, request, org_slug: str, message_id: int):
        incoming = MessageReportSendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report = services.message_report(
            membership=self.membership,
            message=self.message,
            reason=incoming.validated_data["reason"],
        )
        return Response(MessageReportSerializer(report).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(OrganizationScopedMixin, generics.GenericAPIView):
    """A file sent in a conversation you read (404 otherwise, and once its message is
    deleted). Images are served inline, other files as downloads."""

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, org_slug: str, attachment_id: int):
        return attachment_response(selectors.get_attachment_for(self.membership, attachment_id))
