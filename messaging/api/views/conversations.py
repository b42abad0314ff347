"""Messaging API: the conversations you read, their history, sending and read receipts (the
same things the chat socket does live)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from messaging import selectors, services
from messaging.access import Access
from messaging.api.serializers import (
    ConversationSerializer,
    HistoryQuerySerializer,
    HistorySerializer,
    MessageSendSerializer,
    MessageSerializer,
    ReadSerializer,
    ReadStateSerializer,
)
from messaging.models import Conversation
from messaging.selectors import ConversationEntry
from organizations.api.base import OrganizationScopedMixin


class ConversationScopedMixin(OrganizationScopedMixin):
    """For routes under .../conversations/<conversation_id>/: a conversation you read, or 404
    whatever the method (missing, in another organisation or private to others: one answer)."""

    conversation: Conversation
    access: Access

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.conversation, self.access = selectors.get_conversation_for(
            self.membership, kwargs["conversation_id"]
        )


class ConversationListView(OrganizationScopedMixin, generics.ListAPIView):
    """Your conversations, latest activity first, each with your unread count: your
    mentorships, your cohorts' group chats and your programs' announcements (and those of the
    programs you run)."""

    serializer_class = ConversationSerializer

    def get_queryset(self) -> list[ConversationEntry]:
        return selectors.conversations_for(self.membership)


class ConversationDetailView(OrganizationScopedMixin, generics.GenericAPIView):
    """One conversation you read, with your unread count and whether you can write in it."""

    serializer_class = ConversationSerializer
    entry: ConversationEntry

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.entry = selectors.get_conversation_entry_for(
            self.membership, kwargs["conversation_id"]
        )

    def get(self, request, org_slug: str, conversation_id: int):
        return Response(ConversationSerializer(self.entry).data)


class ConversationMessagesView(ConversationScopedMixin, generics.GenericAPIView):
    """GET: the history, oldest first within a page: the newest messages, those `before` a
    sequence number (scrolling back) or those `after` one (catching up after a reconnect).
    POST: send a message; it gets the conversation's next sequence number and reaches the
    others' chat sockets. Refused, with the reason, where you cannot write (an ended
    mentorship, a completed cohort, announcements you do not run), and with 429 and
    Retry-After when you send faster than the platform's pace limit (30 a minute unless
    configured otherwise)."""

    serializer_class = MessageSerializer

    @extend_schema(parameters=[HistoryQuerySerializer], responses=HistorySerializer)
    def get(self, request, org_slug: str, conversation_id: int):
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data.get("after")
        limit = query.validated_data["limit"]
        # One more than asked says whether there are more beyond the page.
        messages = selectors.messages_of(
            self.conversation,
            after=after,
            before=query.validated_data.get("before"),
            limit=limit + 1,
        )
        has_more = len(messages) > limit
        if has_more:
            # Catching up reads forwards (drop the newest); history reads backwards (the oldest).
            messages = messages[:limit] if after is not None else messages[1:]
        return Response(
            {
                "messages": [services.message_payload(message) for message in messages],
                "has_more": has_more,
            }
        )

    @extend_schema(
        request=MessageSendSerializer,
        responses={
            201: MessageSerializer,
            200: OpenApiResponse(
                MessageSerializer,
                description="You already sent a message with this client key: that message, "
                "saved once.",
            ),
        },
    )
    def post(self, request, org_slug: str, conversation_id: int):
        incoming = MessageSendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        message, created = services.message_send(
            membership=self.membership,
            conversation=self.conversation,
            body=incoming.validated_data["body"],
            client_key=incoming.validated_data["client_key"],
            files=incoming.validated_data["files"],
            rate_limit=True,
        )
        return Response(
            services.message_payload(message),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ConversationReadView(ConversationScopedMixin, generics.GenericAPIView):
    """Record how far you have read (your read receipt, which the others see live). It only
    moves forward, up to the newest message."""

    serializer_class = ReadSerializer

    @extend_schema(request=ReadSerializer, responses=ReadStateSerializer)
    def post(self, request, org_slug: str, conversation_id: int):
        incoming = ReadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        position = services.conversation_mark_read(
            membership=self.membership,
            conversation=self.conversation,
            sequence=incoming.validated_data["sequence"],
        )
        return Response(ReadStateSerializer({"last_read_sequence": position}).data)
