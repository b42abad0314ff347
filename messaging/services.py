"""Every write of messaging. Persistence first: a message is saved with the next sequence number of
its conversation, and only after the transaction commits is it broadcast to the conversation's
group. A client that missed a broadcast asks for everything after the last sequence it saw."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from mentorship import ratelimit
from messaging.access import Access, conversation_access, conversation_program
from messaging.attachments import clean_files
from messaging.groups import conversation_group_name
from messaging.models import (
    Attachment,
    Conversation,
    ConversationKind,
    Message,
    MessageReport,
    ReadState,
)
from messaging.selectors import attachments_prefetch
from organizations.models import Membership, Organization
from organizations.realtime import group_send_now
from organizations.scope import organization_scope
from programs.access import can_manage_program
from programs.models import Mentorship

CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
REPORT_REASON_MAX_LENGTH = 2000


def message_max_length() -> int:
    return settings.MESSAGE_MAX_LENGTH


# Conversations --------------------------------------------------------------------------------


def conversation_for_mentorship(mentorship: Mentorship) -> Conversation:
    with organization_scope(mentorship.organization):
        conversation, _ = Conversation.objects.get_or_create(
            mentorship=mentorship,
            defaults={"organization": mentorship.organization, "kind": ConversationKind.MENTORSHIP},
        )
    conversation.mentorship = mentorship
    return conversation


def conversations_open_for_mentorships(organization_id: int, mentorship_ids: list[int]) -> None:
    """Handler of programs.events.mentorships_started: each new mentorship's conversation."""
    organization = Organization.objects.get(pk=organization_id)
    with organization_scope(organization):
        for mentorship in Mentorship.objects.filter(pk__in=mentorship_ids):
            conversation_for_mentorship(mentorship)


# Messages -------------------------------------------------------------------------------------


def attachment_url(attachment: Attachment) -> str:
    """The access-checked download address (the organisation is loaded with the attachment)."""
    return reverse(
        "messaging:attachment",
        kwargs={"org_slug": attachment.organization.slug, "attachment_id": attachment.pk},
    )


def attachment_payload(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "is_image": attachment.is_image,
        "url": attachment_url(attachment),
    }


def _attachments_of(message: Message) -> list[Attachment]:
    if "attachments" in getattr(message, "_prefetched_objects_cache", {}):
        return list(message.attachments.all())
    # Not prefetched: read them within the message's own organisation.
    return list(
        Attachment.all_organizations.filter(
            organization_id=message.organization_id, message_id=message.pk
        ).select_related("organization")
    )


def message_payload(message: Message) -> dict[str, Any]:
    """A message as clients receive it (websocket frames and the API). Attachments are read
    from `message.attachments.all()`: prefetch them (selectors.messages_of does)."""
    sender = message.sender
    attachments = [] if message.is_deleted else _attachments_of(message)
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "sequence": message.sequence,
        "sender": {"id": sender.pk, "name": sender.full_name or sender.email} if sender else None,
        "body": "" if message.is_deleted else message.body,
        "client_key": message.client_key,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.is_deleted,
        "attachments": [attachment_payload(a) for a in attachments],
    }


def broadcast(conversation: Conversation, event: dict[str, Any]) -> None:
    """Send `event` to the conversation's group once the transaction commits (at most once:
    clients catch up from the database on reconnect)."""
    group = conversation_group_name(conversation.organization_id, conversation.pk)

    transaction.on_commit(lambda: group_send_now([(group, event)]))


def _require(access: Access, *, write: bool) -> None:
    if not access.can_read:
        raise PermissionDenied("You are not in this conversation.")
    if write and not access.can_write:
        raise ValidationError(access.closed_because)


def _clean_body(body: Any, *, required: bool = True) -> str:
    if body is None and not required:
        return ""
    if not isinstance(body, str):
        raise ValidationError({"body": "A message is text."})
    text = body.strip()
    if not text and required:
        raise ValidationError({"body": "Write something first."})
    limit = message_max_length()
    if len(text) > limit:
        raise ValidationError(
            {"body": f"Keep a message under {limit} characters ({len(text)} now)."}
        )
    return text


def _clean_client_key(client_key: Any) -> str:
    if client_key in (None, ""):
        return ""
    if not isinstance(client_key, str) or not CLIENT_KEY.match(client_key):
        raise ValidationError(
            {"client_key": "A client key is 1 to 64 letters, digits, hyphens or underscores."}
        )
    return client_key


def message_send(
    *,
    membership: Membership,
    conversation: Conversation,
    body: Any,
    client_key: Any = "",
    files: list[UploadedFile] | None = None,
    access: Access | None = None,
    rate_limit: bool = False,
) -> tuple[Message, bool]:
    """Save a message (text, files or both) with the conversation's next sequence number, then
    broadcast it.

    Returns (message, created). Sending again with the same client key returns the message
    already saved, so a retry after a lost acknowledgement never duplicates it. Every file is
    checked before anything is stored, and a send that fails stores nothing: no message, no file.
    `access` is the sender's access when the caller holds it fresh (a chat socket keeps it
    current); otherwise it is read here. `rate_limit`: a person sending (chat socket, API, chat
    page), so the send counts against their pace limit (RATE_LIMITS "message_send") and is
    refused with RateLimitedError once it is spent; a resend of a saved message does not count.

    The chat's hot path: three statements (take the next number, insert, move the sender's read
    position), whatever the conversation.
    """
    _require(access or conversation_access(membership, conversation), write=True)
    uploads = clean_files(files or [])
    text = _clean_body(body, required=not uploads)
    key = _clean_client_key(client_key)
    if rate_limit:
        try:
            ratelimit.message_send_take(
                organization_id=conversation.organization_id, user_id=membership.user_id
            )
        except ratelimit.RateLimitedError:
            # A retry of a message saved already (its acknowledgement was lost) is answered
            # with it, whatever the pace.
            with organization_scope(conversation.organization):
                existing = _resent(membership, conversation, key) if key else None
            if existing is None:
                raise
            return existing, False
    stored: list[str] = []
    with organization_scope(conversation.organization):
        try:
            with transaction.atomic():
                now = timezone.now()
                sequence = _take_next_sequence(conversation, now)
                message = Message.objects.create(
                    organization=conversation.organization,
                    conversation=conversation,
                    sequence=sequence,
                    sender_id=membership.user_id,
                    body=text,
                    client_key=key,
                )
                message.sender = membership.user
                attachments = []
                for upload in uploads:
                    attachment = Attachment(
                        organization=conversation.organization,
                        conversation=conversation,
                        message=message,
                        name=upload.name,
                        content_type=upload.content_type,
                        size=upload.size,
                    )
                    attachment.file.save(upload.name, upload.upload, save=False)
                    stored.append(attachment.file.name)
                    attachment.save()
                    attachments.append(attachment)
                _cache_attachments(message, attachments)
                _advance_read_state(conversation, membership.user_id, message.sequence, now)
                broadcast(
                    conversation, {"type": "chat.message", "message": message_payload(message)}
                )
        except BaseException as error:
            _forget_files(stored)
            if not isinstance(error, IntegrityError):
                raise
            # The same client key again (a retry, or two sends at once): the message is saved
            # already, and this attempt rolled back, its number included.
            existing = _resent(membership, conversation, key) if key else None
            if existing is None:
                raise
            if rate_limit:
                ratelimit.message_send_give_back(
                    organization_id=conversation.organization_id, user_id=membership.user_id
                )
            return existing, False
    return message, True


def _take_next_sequence(conversation: Conversation, now) -> int:
    """The conversation's next message number, in one statement that also locks the row until
    the transaction ends (so numbers follow commit order). Raw SQL because the ORM has no
    UPDATE ... RETURNING; PostgreSQL and SQLite (3.35+) both have it."""
    table = connection.ops.quote_name(Conversation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_sequence = last_sequence + 1, last_message_at = %s "  # noqa: S608 - names from the model, values bound
            "WHERE id = %s AND organization_id = %s RETURNING last_sequence",
            [now, conversation.pk, conversation.organization_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Conversation.DoesNotExist("No such conversation.")
    conversation.last_sequence = row[0]
    conversation.last_message_at = now
    return row[0]


def _cache_attachments(message: Message, attachments: list[Attachment]) -> None:
    """Hand the files just saved to `message.attachments.all()`, as a prefetch would, so that
    the broadcast reads no row back."""
    cached = Attachment.objects.filter(message=message)
    cached._result_cache = attachments
    cached._prefetch_done = True
    message._prefetched_objects_cache = {"attachments": cached}


def _forget_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _resent(membership: Membership, conversation: Conversation, key: str) -> Message | None:
    existing = (
        Message.objects.filter(conversation=conversation, client_key=key)
        .select_related("sender")
        .prefetch_related(attachments_prefetch())
        .first()
    )
    if existing is not None and existing.sender_id != membership.user_id:
        raise ValidationError({"client_key": "This client key belongs to another message."})
    return existing


def _advance_read_state(
    conversation: Conversation, user_id: int, sequence: int, now
) -> tuple[bool, int]:
    """Move the user's read position forward, never back. Returns (moved, position). One
    query in the usual case (the row exists and moves); the row is created the first time."""
    states = ReadState.objects.filter(conversation=conversation, user_id=user_id)
    if states.filter(last_read_sequence__lt=sequence).update(
        last_read_sequence=sequence, read_at=now
    ):
        return True, sequence
    state, created = ReadState.objects.get_or_create(
        conversation=conversation,
        user_id=user_id,
        defaults={
            "organization": conversation.organization,
            "last_read_sequence": sequence,
            "read_at": now if sequence else None,
        },
    )
    if created:
        return bool(sequence), sequence
    if state.last_read_sequence < sequence and states.filter(
        last_read_sequence__lt=sequence
    ).update(last_read_sequence=sequence, read_at=now):
        # Someone else created the row between our update and our read.
        return True, sequence
    # Already there or beyond (or moved there by someone else meanwhile).
    return False, max(state.last_read_sequence, sequence)


def _own_message(membership: Membership, message: Message) -> Conversation:
    conversation = message.conversation
    _require(conversation_access(membership, conversation), write=True)
    if message.sender_id != membership.user_id:
        raise PermissionDenied("You can only change your own messages.")
    if message.is_deleted:
        raise ValidationError("This message was deleted.")
    return conversation


@transaction.atomic
def message_edit(*, membership: Membership, message: Message, body: Any) -> Message:
    conversation = _own_message(membership, message)
    text = _clean_body(body)
    with organization_scope(conversation.organization):
        message.body = text
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "edited_at"])
        prefetch_related_objects([message], attachments_prefetch())
        broadcast(conversation, {"type": "chat.edited", "message": message_payload(message)})
    return message


@transaction.atomic
def message_delete(*, membership: Membership, message: Message) -> Message:
    """Soft delete: the message keeps its place in the conversation, shown as deleted. Its text
    and its files are gone (the files from storage once the deletion commits)."""
    conversation = _own_message(membership, message)
    with organization_scope(conversation.organization):
        message.body = ""
        message.deleted_at = timezone.now()
        message.save(update_fields=["body", "deleted_at"])
        attachments = Attachment.objects.filter(message=message)
        names = list(attachments.values_list("file", flat=True))
        attachments.delete()
    transaction.on_commit(lambda: _forget_files(names))
    broadcast(conversation, {"type": "chat.deleted", "message": message_payload(message)})
    return message


@transaction.atomic
def conversation_mark_read(
    *,
    membership: Membership,
    conversation: Conversation,
    sequence: Any,
    access: Access | None = None,
) -> int:
    """Record that the user has read up to `sequence` (clamped to the newest message); the
    others see the receipt. Returns the user's read position. `access` as for message_send."""
    _require(access or conversation_access(membership, conversation), write=False)
    try:
        sequence = int(sequence)
    except (TypeError, ValueError):
        raise ValidationError({"sequence": "Give the sequence number of a message."}) from None
    if sequence < 0:
        raise ValidationError({"sequence": "Give the sequence number of a message."})
    with organization_scope(conversation.organization):
        newest = Conversation.objects.values_list("last_sequence", flat=True).get(
            pk=conversation.pk
        )
        sequence = min(sequence, newest)
        moved, position = _advance_read_state(
            conversation, membership.user_id, sequence, timezone.now()
        )
        if moved:
            broadcast(
                conversation,
                {
                    "type": "chat.read",
                    "conversation": conversation.pk,
                    "user": membership.user_id,
                    "name": membership.user.full_name or membership.user.email,
                    "sequence": sequence,
                },
            )
        return position


@transaction.atomic
def message_report(*, membership: Membership, message: Message, reason: Any) -> MessageReport:
    """Flag a message for the program managers, who then see that one message."""
    conversation = message.conversation
    _require(conversation_access(membership, conversation), write=False)
    reason = (reason if isinstance(reason, str) else "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what is wrong with this message."})
    if len(reason) > REPORT_REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep it under {REPORT_REASON_MAX_LENGTH} characters."})
    with organization_scope(conversation.organization):
        try:
            with transaction.atomic():
                report = MessageReport.objects.create(
                    organization=conversation.organization,
                    message=message,
                    reporter_id=membership.user_id,
                    reason=reason,
                )
        except IntegrityError:
            raise ValidationError("You have already reported this message.") from None
    from messaging.tasks import email_report_to_managers

    transaction.on_commit(
        lambda: email_report_to_managers.delay(conversation.organization_id, report.pk)
    )
    return report


@transaction.atomic
def message_report_resolve(*, membership: Membership, report: MessageReport) -> MessageReport:
    """A program manager marks a report as handled (it stays listed, marked handled)."""
    conversation = report.message.conversation
    program = conversation_program(conversation)
    if not can_manage_program(membership, program):
        raise PermissionDenied("Only the program's managers handle its reports.")
    with organization_scope(conversation.organization):
        if report.resolved_at is None:
            report.resolved_at = timezone.now()
            report.resolved_by_id = membership.user_id
            report.save(update_fields=["resolved_at", "resolved_by"])
    return report
