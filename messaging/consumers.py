"""Live chat at /ws/o/<org_slug>/chat/: one socket per browser tab, every conversation the user
can read multiplexed on it.

Client frames (JSON objects with a "type"):
    {"type": "send", "conversation": 7, "body": "Hi", "client_key": "c-123"}
    {"type": "sync", "conversation": 7, "after": 41}      everything after the last id seen
    {"type": "read", "conversation": 7, "sequence": 42}
    {"type": "typing", "conversation": 7}
    {"type": "edit", "message": 99, "body": "Hi!"}    {"type": "delete", "message": 99}
    {"type": "ping"}
Server frames: hello (conversations with unread counts), sent (acknowledges a send, with its
client key), message / edited / deleted (broadcasts), history (answers sync), read (receipts),
typing, error (with the reason; the socket stays open and nothing is stored; a send refused for
pace has "code": "rate_limited" and "retry_after" in seconds).

When the channel layer fails (its Redis restarts), a send is still saved and acknowledged, and the
socket then closes with CLOSE_TRY_AGAIN (organizations.realtime): the client reconnects and syncs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from mentorship.ratelimit import RateLimitedError
from messaging import presence, selectors, services
from messaging.access import Access
from messaging.groups import conversation_group_name
from messaging.models import Conversation
from organizations.realtime import CLOSE_NOT_FOUND, MemberSocket, socket_membership

FRAME_OVERHEAD_BYTES = 1024


def _hello_entry(entry: selectors.ConversationEntry) -> dict[str, Any]:
    return {
        "id": entry.conversation.pk,
        "kind": entry.conversation.kind,
        "title": entry.title,
        "unread": entry.unread,
        "last_sequence": entry.conversation.last_sequence,
        "can_write": entry.access.can_write,
        "closed_because": entry.access.closed_because,
    }


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Not allowed."


@dataclass
class Known:
    """A conversation the socket's user reads, with their access, as of `checked_at`."""

    conversation: Conversation
    access: Access
    checked_at: float


def _kept(conversation: Conversation, organization) -> Conversation:
    """What a socket keeps of a conversation between frames: the columns its frames use (the
    services need the id, kind and organisation), not the graph of mentorship, members, cohort
    and program that access was worked out from. A process holds a thousand sockets' worth of
    this, and the garbage collector walks all of it on every full collection."""
    kept = Conversation(
        id=conversation.pk,
        organization=organization,
        kind=conversation.kind,
        mentorship_id=conversation.mentorship_id,
        cohort_id=conversation.cohort_id,
        program_id=conversation.program_id,
        last_sequence=conversation.last_sequence,
    )
    kept._state.adding = False
    kept._state.db = conversation._state.db
    return kept


class ChatConsumer(MemberSocket):
    # How long a socket trusts what it knows of a conversation before reading it again. Changes
    # reach open sockets at once (access.changed); this bounds the damage of a lost event.
    ACCESS_FRESH_SECONDS = 30

    async def connected(self) -> None:
        # A frame carries at most one message, plus its JSON envelope.
        self.max_frame_bytes = services.message_max_length() * 4 + FRAME_OVERHEAD_BYTES
        self.conversation_groups: dict[int, str] = {}
        self.known: dict[int, Known] = {}
        self.touched_at = time.monotonic()
        await self.database(
            presence.connection_open,
            organization=self.membership.organization,
            user_id=self.membership.user_id,
            channel_name=self.channel_name,
        )
        await self.refresh_access()

    async def refresh_access(self) -> None:
        """Subscribe to the conversations the user reads now, leave the others, and say hello
        again with the list: at connect, and whenever what they may read changes."""
        if self.conversation_groups:
            # A change after connect: read the membership again (their role may have changed).
            membership = await socket_membership(
                self.scope["user"], self.scope["url_route"]["kwargs"]["org_slug"]
            )
            if membership is None:
                await self.close(code=CLOSE_NOT_FOUND)
                return
            self.membership = membership
        entries = await self.database(selectors.conversations_for, self.membership)
        now = time.monotonic()
        self.known = {}
        organization = self.membership.organization
        for entry in entries:
            self.known[entry.conversation.pk] = Known(
                _kept(entry.conversation, organization), entry.access, now
            )
        wanted = {
            conversation_id: conversation_group_name(
                self.membership.organization_id, conversation_id
            )
            for conversation_id in self.known
        }
        for conversation_id, group in list(self.conversation_groups.items()):
            if conversation_id not in wanted:
                await self.channel_layer.group_discard(group, self.channel_name)
                del self.conversation_groups[conversation_id]
        for conversation_id, group in wanted.items():
            if conversation_id not in self.conversation_groups:
                await self.channel_layer.group_add(group, self.channel_name)
                self.conversation_groups[conversation_id] = group
        await self.send_json(
            {"type": "hello", "conversations": [_hello_entry(entry) for entry in entries]}
        )

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "conversation_groups", {}).values():
            await self.group_leave(group)
        if getattr(self, "membership", None) is not None:
            await self.database(
                presence.connection_close,
                organization=self.membership.organization,
                channel_name=self.channel_name,
            )
        await super().disconnect(code)

    async def frame_ping(self, frame: dict) -> None:
        """The browser's heartbeat: the socket still counts as connected (no offline email)."""
        if time.monotonic() - self.touched_at > presence.TOUCH_EVERY.total_seconds():
            self.touched_at = time.monotonic()
            await self.database(
                presence.connection_touch,
                organization=self.membership.organization,
                user_id=self.membership.user_id,
                channel_name=self.channel_name,
            )
        await self.send_json({"type": "pong"})

    def _conversation(self, conversation_id: Any) -> tuple[Conversation, Access]:
        """A conversation the user reads (Http404 otherwise): from what the socket knows while
        that is fresh, else from the database. Runs on a database thread."""
        known = self.known.get(conversation_id) if isinstance(conversation_id, int) else None
        if known and time.monotonic() - known.checked_at < self.ACCESS_FRESH_SECONDS:
            return known.conversation, known.access
        conversation, access = selectors.get_conversation_for(self.membership, conversation_id)
        kept = _kept(conversation, self.membership.organization)
        self.known[conversation.pk] = Known(kept, access, time.monotonic())
        return kept, access

    # Frames from the client -----------------------------------------------------------------

    async def handle_frame(self, handler, frame: dict) -> None:
        try:
            await handler(frame)
        except (ValidationError, PermissionDenied, Http404) as error:
            ref = frame.get("client_key")
            extra = {"client_key": ref} if isinstance(ref, str) and ref else {}
            if isinstance(error, RateLimitedError):
                # Nothing was stored: the client keeps the message and offers to send it again.
                extra |= {"code": "rate_limited", "retry_after": error.retry_after}
            await self.send_error(_error_text(error), **extra)

    async def frame_send(self, frame: dict) -> None:
        message, created = await self.database(self._send, frame)
        await self.send_json(
            {
                "type": "sent",
                "client_key": message["client_key"],
                "created": created,
                "message": message,
            }
        )

    def _send(self, frame: dict) -> tuple[dict, bool]:
        conversation, access = self._conversation(frame.get("conversation"))
        message, created = services.message_send(
            membership=self.membership,
            conversation=conversation,
            access=access,
            body=frame.get("body"),
            client_key=frame.get("client_key", ""),
            rate_limit=True,
        )
        return services.message_payload(message), created

    async def frame_sync(self, frame: dict) -> None:
        await self.send_json(await self.database(self._history, frame))

    def _history(self, frame: dict) -> dict:
        conversation, _ = self._conversation(frame.get("conversation"))
        after = frame.get("after")
        if after is not None and (
            isinstance(after, bool) or not isinstance(after, int) or after < 0
        ):
            raise ValidationError("“after” is the sequence number of the last message you saw.")
        messages = selectors.messages_of(conversation, after=after)
        return {
            "type": "history",
            "conversation": conversation.pk,
            "messages": [services.message_payload(m) for m in messages],
            "complete": len(messages) < selectors.HISTORY_PAGE,
        }

    async def frame_read(self, frame: dict) -> None:
        await self.database(self._read, frame)

    def _read(self, frame: dict) -> None:
        conversation, access = self._conversation(frame.get("conversation"))
        services.conversation_mark_read(
            membership=self.membership,
            conversation=conversation,
            sequence=frame.get("sequence"),
            access=access,
        )

    async def frame_typing(self, frame: dict) -> None:
        conversation_id = await self.database(self._writable, frame)
        await self.channel_layer.group_send(
            conversation_group_name(self.membership.organization_id, conversation_id),
            {
                "type": "chat.typing",
                "conversation": conversation_id,
                "user": self.membership.user_id,
                "name": self.membership.user.full_name or self.membership.user.email,
            },
        )

    def _writable(self, frame: dict) -> int:
        conversation, access = self._conversation(frame.get("conversation"))
        if not access.can_write:
            raise ValidationError(access.closed_because)
        return conversation.pk

    async def frame_edit(self, frame: dict) -> None:
        await self.database(self._change, frame, delete=False)

    async def frame_delete(self, frame: dict) -> None:
        await self.database(self._change, frame, delete=True)

    def _change(self, frame: dict, *, delete: bool) -> None:
        message_id = frame.get("message")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise Http404("No such message.")
        # Raises Http404 for a message of a conversation the user cannot read.
        message = selectors.get_message_for(self.membership, message_id)
        if delete:
            services.message_delete(membership=self.membership, message=message)
        else:
            services.message_edit(
                membership=self.membership, message=message, body=frame.get("body")
            )

    # Events from the channel layer ------------------------------------------------------------

    async def chat_message(self, event: dict) -> None:
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_edited(self, event: dict) -> None:
        await self.send_json({"type": "edited", "message": event["message"]})

    async def chat_deleted(self, event: dict) -> None:
        await self.send_json({"type": "deleted", "message": event["message"]})

    async def chat_read(self, event: dict) -> None:
        await self.send_json(
            {
                "type": "read",
                "user": event["user"],
                "name": event.get("name", ""),
                "sequence": event["sequence"],
                "conversation": event.get("conversation"),
            }
        )

    async def chat_typing(self, event: dict) -> None:
        if event["user"] != self.membership.user_id:
            await self.send_json(
                {"type": "typing", **{k: event[k] for k in ("conversation", "user", "name")}}
            )

    async def notification_message(self, event: dict) -> None:
        """The user's notifications reach the notifications socket; nothing to do here."""
