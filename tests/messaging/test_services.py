"""Messaging services: persistence first, sequence numbers, idempotent resends, access."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from messaging import selectors, services
from messaging.access import conversation_access
from messaging.groups import conversation_group_name
from messaging.models import Message, MessageReport
from organizations.scope import organization_scope
from programs.models import Enrolment
from programs.services import enrolment_withdraw
from programs.services.mentorships import mentorship_end_early


@pytest.fixture(autouse=True)
def _in_process_channel_layer(settings):
    """These tests read the layer from synchronous code, one event loop per call, which the
    Redis layer does not support; the websocket tests cover the Redis layer end to end."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def listen(conversation) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    group = conversation_group_name(conversation.organization_id, conversation.pk)
    async_to_sync(layer.group_add)(group, channel)
    return channel


def received(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def test_a_mentorship_opens_its_conversation(chat):
    _, mentorship, conversation = chat
    assert conversation.mentorship_id == mentorship.pk
    assert conversation.kind == "mentorship"
    assert conversation.last_sequence == 0


def test_messages_are_saved_in_sequence_then_broadcast_after_commit(
    chat, django_capture_on_commit_callbacks
):
    mw, _, conversation = chat
    channel = listen(conversation)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first, created = services.message_send(
            membership=mw.members["mentee0"], conversation=conversation, body="Hello!",
            client_key="k-1",
        )  # fmt: skip
    assert len(callbacks) == 1
    # Not committed (the test's transaction never commits): saved, not broadcast.
    second, _ = services.message_send(
        membership=mw.members["mentor0"], conversation=conversation, body="Hi Mentee0"
    )
    assert created
    assert (first.sequence, second.sequence) == (1, 2)
    event = received(channel)
    assert event["type"] == "chat.message"
    assert event["message"]["sequence"] == 1
    assert event["message"]["body"] == "Hello!"
    assert event["message"]["sender"]["id"] == mw.members["mentee0"].user_id
    conversation.refresh_from_db()
    assert conversation.last_sequence == 2
    assert nothing_more(channel)


def nothing_more(channel: str) -> bool:
    async def wait() -> bool:
        try:
            await asyncio.wait_for(get_channel_layer().receive(channel), timeout=0.2)
        except TimeoutError:
            return True
        return False

    return async_to_sync(wait)()


def test_a_resend_with_the_same_client_key_is_not_a_duplicate(
    chat, django_capture_on_commit_callbacks
):
    mw, _, conversation = chat
    member = mw.members["mentee0"]
    first, created = services.message_send(
        membership=member, conversation=conversation, body="Once", client_key="abc"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again, created_again = services.message_send(
            membership=member, conversation=conversation, body="Once", client_key="abc"
        )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert callbacks == []  # nothing new to broadcast
    with organization_scope(conversation.organization):
        assert Message.objects.filter(conversation=conversation).count() == 1
    with pytest.raises(ValidationError, match="belongs to another message"):
        services.message_send(
            membership=mw.members["mentor0"], conversation=conversation, body="x", client_key="abc"
        )


@pytest.mark.parametrize(
    ("body", "client_key", "message"),
    [
        ("   ", "", "Write something first."),
        ("x" * 5001, "", "Keep a message under 5000 characters (5001 now)."),
        (["not", "text"], "", "A message is text."),
        ("fine", "has spaces", "A client key is 1 to 64 letters"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(chat, body, client_key, message):
    mw, _, conversation = chat
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.message_send(
            membership=mw.members["mentee0"],
            conversation=conversation,
            body=body,
            client_key=client_key,
        )
    conversation.refresh_from_db()
    assert conversation.last_sequence == 0
    with organization_scope(conversation.organization):
        assert not Message.objects.exists()


@override_settings(MESSAGE_MAX_LENGTH=10)
def test_the_length_limit_is_configurable(chat):
    mw, _, conversation = chat
    with pytest.raises(ValidationError, match="under 10 characters"):
        services.message_send(
            membership=mw.members["mentee0"], conversation=conversation, body="eleven chars"
        )


def test_only_the_pair_reads_a_private_conversation(chat, world):
    mw, _, conversation = chat
    for outsider in (
        world.alpha_owner_membership,
        mw.members["mentee1"],
        world.membership(world.alpha, world.alpha_manager),
    ):
        assert not conversation_access(outsider, conversation).can_read
        with pytest.raises(PermissionDenied):
            services.message_send(membership=outsider, conversation=conversation, body="Let me in")
    with pytest.raises(Exception, match="No such conversation"):
        selectors.get_conversation_for(world.alpha_owner_membership, conversation.pk)


def test_an_ended_mentorship_is_readable_but_closed(chat):
    mw, mentorship, conversation = chat
    services.message_send(
        membership=mw.members["mentee0"], conversation=conversation, body="Before"
    )
    mentorship_end_early(actor=mw.members["mentor0"], mentorship=mentorship, reason="Moving on.")
    conversation.refresh_from_db()
    access = conversation_access(mw.members["mentee0"], conversation)
    assert access.can_read and not access.can_write
    with pytest.raises(ValidationError, match="closed to new messages"):
        services.message_send(
            membership=mw.members["mentee0"], conversation=conversation, body="After"
        )
    assert [m.body for m in selectors.messages_of(conversation)] == ["Before"]


def test_edit_and_delete_own_messages_only(chat, django_capture_on_commit_callbacks):
    mw, _, conversation = chat
    message, _ = services.message_send(
        membership=mw.members["mentee0"], conversation=conversation, body="Typo"
    )
    with pytest.raises(PermissionDenied):
        services.message_edit(membership=mw.members["mentor0"], message=message, body="Hijack")
    channel = listen(conversation)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_edit(membership=mw.members["mentee0"], message=message, body="Fixed")
        services.message_delete(membership=mw.members["mentee0"], message=message)
    assert received(channel)["message"]["body"] == "Fixed"
    deleted = received(channel)
    assert deleted["type"] == "chat.deleted"
    assert deleted["message"] == {**deleted["message"], "body": "", "deleted": True}
    with pytest.raises(ValidationError, match="was deleted"):
        services.message_edit(membership=mw.members["mentee0"], message=message, body="Back")


def test_read_receipts_only_move_forward_and_unread_counts_follow(
    chat, django_capture_on_commit_callbacks
):
    mw, _, conversation = chat
    for text in ("one", "two", "three"):
        services.message_send(
            membership=mw.members["mentor0"], conversation=conversation, body=text
        )
    conversation.refresh_from_db()
    (entry,) = [
        e
        for e in selectors.conversations_for(mw.members["mentee0"])
        if e.conversation.kind == "mentorship"
    ]
    assert entry.unread == 3
    assert entry.title == mw.mentors["mentor0"].full_name
    channel = listen(conversation)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.conversation_mark_read(
                membership=mw.members["mentee0"], conversation=conversation, sequence=2
            )
            == 2
        )
    assert received(channel) == {
        "type": "chat.read",
        "conversation": conversation.pk,
        "user": mw.members["mentee0"].user_id,
        "name": mw.mentees["mentee0"].full_name,
        "sequence": 2,
    }
    assert (
        services.conversation_mark_read(
            membership=mw.members["mentee0"], conversation=conversation, sequence=1
        )
        == 2
    )
    assert (
        services.conversation_mark_read(
            membership=mw.members["mentee0"], conversation=conversation, sequence=99
        )
        == 3
    )
    with pytest.raises(ValidationError, match="sequence number"):
        services.conversation_mark_read(
            membership=mw.members["mentee0"], conversation=conversation, sequence="x"
        )
    (entry,) = [
        e
        for e in selectors.conversations_for(mw.members["mentee0"])
        if e.conversation.kind == "mentorship"
    ]
    assert entry.unread == 0
    # The sender has read their own messages.
    (mentor_entry,) = [
        e
        for e in selectors.conversations_for(mw.members["mentor0"])
        if e.conversation.kind == "mentorship"
    ]
    assert mentor_entry.unread == 0


def test_history_pages_before_and_after_a_sequence(chat):
    mw, _, conversation = chat
    for number in range(1, 8):
        services.message_send(
            membership=mw.members["mentee0"], conversation=conversation, body=f"m{number}"
        )
    assert [m.sequence for m in selectors.messages_of(conversation, limit=3)] == [5, 6, 7]
    assert [m.sequence for m in selectors.messages_of(conversation, before=5, limit=3)] == [2, 3, 4]
    assert [m.sequence for m in selectors.messages_of(conversation, after=5)] == [6, 7]


def test_cohort_chat_is_for_those_taking_part(chat, world):
    mw, _, _ = chat
    entries = selectors.conversations_for(mw.members["mentee1"])
    (group,) = [e for e in entries if e.conversation.kind == "cohort"]
    (announcements,) = [e for e in entries if e.conversation.kind == "announcements"]
    assert group.access.can_write
    assert not announcements.access.can_write
    services.message_send(
        membership=mw.members["mentee1"], conversation=group.conversation, body="Hi all"
    )
    with pytest.raises(ValidationError, match="Only the program managers post"):
        services.message_send(
            membership=mw.members["mentee1"], conversation=announcements.conversation, body="Hi"
        )
    manager = world.membership(world.alpha, world.alpha_manager)
    services.message_send(
        membership=manager, conversation=announcements.conversation, body="Kick-off on Monday"
    )
    with organization_scope(world.alpha):
        enrolment = Enrolment.objects.get(pk=mw.mentees["mentee1"].pk)
    enrolment_withdraw(actor=mw.members["mentee1"], enrolment=enrolment)
    assert not conversation_access(mw.members["mentee1"], group.conversation).can_read


def test_reporting_a_message_once(chat):
    mw, _, conversation = chat
    message, _ = services.message_send(
        membership=mw.members["mentor0"], conversation=conversation, body="Rude"
    )
    with pytest.raises(ValidationError, match="Say what is wrong"):
        services.message_report(membership=mw.members["mentee0"], message=message, reason=" ")
    services.message_report(membership=mw.members["mentee0"], message=message, reason="Insulting.")
    with pytest.raises(ValidationError, match="already reported"):
        services.message_report(membership=mw.members["mentee0"], message=message, reason="Again.")
    with organization_scope(conversation.organization):
        assert MessageReport.objects.get().message_id == message.pk
