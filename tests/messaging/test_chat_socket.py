"""The chat websocket through the real ASGI stack: live messages, receipts, typing, resync,
idempotent resends, bad frames and closing on logout."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from mentorship.asgi import application
from messaging import services
from messaging.models import Message
from organizations.realtime import session_fingerprint, user_group_name
from organizations.scope import organization_scope
from tests.conftest import logged_in_client

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")


@database_sync_to_async
def _cookie(user) -> tuple[bytes, str]:
    client = logged_in_client(user)
    key = client.cookies["sessionid"].value
    return f"sessionid={key}".encode(), key


async def _open(user):
    cookie, session_key = await _cookie(user)
    socket = WebsocketCommunicator(
        application, "/ws/o/alpha/chat/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await socket.connect(timeout=5)
    assert connected
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    return socket, hello, session_key


async def _frame(socket, **frame):
    await socket.send_json_to(frame)
    return await socket.receive_json_from(timeout=5)


@database_sync_to_async
def _count(conversation) -> int:
    with organization_scope(conversation.organization):
        return Message.objects.filter(conversation=conversation).count()


async def test_a_message_reaches_the_other_side_live_and_the_sender_gets_an_ack(chat):
    mw, _, conversation = chat
    mentee, hello, _ = await _open(mw.members["mentee0"].user)
    mentor, _, _ = await _open(mw.members["mentor0"].user)
    (entry,) = [c for c in hello["conversations"] if c["kind"] == "mentorship"]
    assert entry == {**entry, "id": conversation.pk, "unread": 0, "can_write": True}

    await mentee.send_json_to(
        {
            "type": "send",
            "conversation": conversation.pk,
            "body": "Hello <b>you</b>",
            "client_key": "c1",
        }
    )
    frames = [await mentee.receive_json_from(timeout=5), await mentee.receive_json_from(timeout=5)]
    ack = next(f for f in frames if f["type"] == "sent")
    assert ack["client_key"] == "c1" and ack["created"] is True
    assert ack["message"]["sequence"] == 1
    live = await mentor.receive_json_from(timeout=5)
    assert live["type"] == "message"
    # Text travels as text; the page escapes it when it shows it.
    assert live["message"]["body"] == "Hello <b>you</b>"

    # A retry of the same send (the ack was lost) is acknowledged, not stored twice.
    again = await _frame(
        mentee, type="send", conversation=conversation.pk, body="Hello <b>you</b>", client_key="c1"
    )
    assert again["type"] == "sent" and again["created"] is False
    assert again["message"]["id"] == ack["message"]["id"]
    assert await mentor.receive_nothing(timeout=0.3)
    assert await _count(conversation) == 1

    # Receipts and typing go to the others.
    await mentor.send_json_to({"type": "read", "conversation": conversation.pk, "sequence": 1})
    receipt = await mentee.receive_json_from(timeout=5)
    assert receipt == {
        "type": "read",
        "conversation": conversation.pk,
        "user": mw.members["mentor0"].user_id,
        "name": mw.mentors["mentor0"].full_name,
        "sequence": 1,
    }
    await mentor.receive_json_from(timeout=5)  # the mentor's own receipt
    await mentee.send_json_to({"type": "typing", "conversation": conversation.pk})
    typing = await mentor.receive_json_from(timeout=5)
    assert typing["type"] == "typing" and typing["user"] == mw.members["mentee0"].user_id
    assert await mentee.receive_nothing(timeout=0.3)
    await mentee.disconnect()
    await mentor.disconnect()


async def test_reconnecting_catches_up_on_what_was_missed(chat):
    mw, _, conversation = chat
    mentee, _, _ = await _open(mw.members["mentee0"].user)
    first = await _frame(
        mentee, type="send", conversation=conversation.pk, body="One", client_key="a"
    )
    await mentee.receive_json_from(timeout=5)  # its own broadcast
    await mentee.disconnect()
    # While the mentee is away the mentor writes twice; those broadcasts reach nobody.
    mentor_member = mw.members["mentor0"]
    for body in ("Two", "Three"):
        await database_sync_to_async(services.message_send)(
            membership=mentor_member, conversation=conversation, body=body
        )
    mentee, hello, _ = await _open(mw.members["mentee0"].user)
    (entry,) = [c for c in hello["conversations"] if c["kind"] == "mentorship"]
    assert entry["unread"] == 2
    history = await _frame(
        mentee, type="sync", conversation=conversation.pk, after=first["message"]["sequence"]
    )
    assert history["type"] == "history"
    assert [m["body"] for m in history["messages"]] == ["Two", "Three"]
    assert history["complete"] is True
    await mentee.disconnect()


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("not json", "Frame is not valid JSON."),
        (json.dumps(["a"]), 'A frame is a JSON object with a "type"'),
        (json.dumps({"type": "shout"}), "Unknown frame type “shout”."),
        (
            json.dumps({"type": "send", "conversation": "CONV", "body": ""}),
            "Write something first.",
        ),
        (
            json.dumps({"type": "send", "conversation": "CONV", "body": "x" * 5001}),
            "Keep a message under 5000 characters",
        ),
        (
            json.dumps({"type": "send", "conversation": 987654, "body": "Hi"}),
            "No such conversation.",
        ),
        (
            json.dumps({"type": "sync", "conversation": "CONV", "after": -1}),
            "sequence number of the last message",
        ),
        (json.dumps({"type": "edit", "message": 987654, "body": "x"}), "No such message."),
    ],
)
async def test_bad_frames_get_a_reason_keep_the_socket_and_store_nothing(chat, frame, reason):
    mw, _, conversation = chat
    mentee, _, _ = await _open(mw.members["mentee0"].user)
    await mentee.send_to(text_data=frame.replace('"CONV"', str(conversation.pk)))
    error = await mentee.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert reason in error["reason"]
    assert await _frame(mentee, type="ping") == {"type": "pong"}
    assert await _count(conversation) == 0
    await mentee.disconnect()


async def test_a_frame_larger_than_any_message_is_refused(chat):
    mw, _, _ = chat
    mentee, _, _ = await _open(mw.members["mentee0"].user)
    await mentee.send_to(text_data=json.dumps({"type": "send", "body": "x" * 30_000}))
    error = await mentee.receive_json_from(timeout=5)
    assert error["reason"].startswith("Frame too large")
    await mentee.disconnect()


async def test_someone_outside_the_pair_cannot_post_or_read_it(chat, world):
    _, _, conversation = chat
    owner, hello, _ = await _open(world.alpha_owner)
    assert conversation.pk not in [c["id"] for c in hello["conversations"]]
    error = await _frame(
        owner, type="send", conversation=conversation.pk, body="Hi", client_key="x"
    )
    assert error == {"type": "error", "reason": "No such conversation.", "client_key": "x"}
    error = await _frame(owner, type="sync", conversation=conversation.pk, after=0)
    assert error["reason"] == "No such conversation."
    assert await _count(conversation) == 0
    await owner.disconnect()


async def test_logging_out_closes_the_chat_socket(chat):
    mw, _, _ = chat
    user = mw.members["mentee0"].user
    mentee, _, session_key = await _open(user)
    await get_channel_layer().group_send(
        user_group_name(mw.cohort.organization_id, user.pk),
        {"type": "session.ended", "session": session_fingerprint(session_key)},
    )
    closed = await mentee.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}


async def test_removing_a_member_closes_their_chat_socket_and_they_cannot_come_back(chat, world):
    from organizations.services import membership_remove

    mw, _, _ = chat
    mentee = mw.members["mentee0"]
    socket, _, _ = await _open(mentee.user)

    @database_sync_to_async
    def remove() -> None:
        membership_remove(actor_membership=world.alpha_owner_membership, membership=mentee)

    await remove()
    closed = await socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    cookie, _ = await _cookie(mentee.user)
    again = WebsocketCommunicator(
        application, "/ws/o/alpha/chat/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, code = await again.connect(timeout=5)
    assert not connected
    assert code == 4404


async def test_deactivating_a_user_closes_their_socket_and_keeps_them_out(chat):
    from accounts.services import user_deactivate

    mw, _, _ = chat
    user = mw.members["mentee0"].user
    socket, _, _ = await _open(user)
    cookie, _ = await _cookie(user)
    await database_sync_to_async(user_deactivate)(user=user)
    closed = await socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    again = WebsocketCommunicator(
        application, "/ws/o/alpha/chat/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, code = await again.connect(timeout=5)
    assert (connected, code) == (False, 4401)


async def _post(membership, conversation_id: int, body: str) -> None:
    from messaging.selectors import get_conversation_for

    @database_sync_to_async
    def post() -> None:
        conversation, _ = get_conversation_for(membership, conversation_id)
        services.message_send(membership=membership, conversation=conversation, body=body)

    await post()


async def test_leaving_the_cohort_stops_its_group_chat_at_once(chat):
    from programs.services.enrolments import enrolment_withdraw

    mw, _, _ = chat
    leaver = mw.members["mentee1"]
    socket, hello, _ = await _open(leaver.user)
    group_chat = next(c["id"] for c in hello["conversations"] if c["kind"] == "cohort")
    await _post(mw.members["mentor0"], group_chat, "Welcome, everyone")
    assert (await socket.receive_json_from(timeout=5))["message"]["body"] == "Welcome, everyone"

    await database_sync_to_async(
        lambda: enrolment_withdraw(actor=leaver, enrolment=mw.refresh(mw.mentees["mentee1"]))
    )()
    refreshed = await socket.receive_json_from(timeout=5)
    assert refreshed["type"] == "hello"
    assert group_chat not in [c["id"] for c in refreshed["conversations"]]
    await _post(mw.members["mentor0"], group_chat, "Not for leavers")
    assert await socket.receive_nothing(timeout=0.5)
    reply = await _frame(socket, type="sync", conversation=group_chat, after=0)
    assert reply == {"type": "error", "reason": "No such conversation."}


async def test_a_new_mentorship_reaches_open_sockets_without_reconnecting(chat):
    from matching import services as matching_services
    from tests.matching.test_requests import ask

    mw, _, _ = chat
    mentee = mw.members["mentee1"]
    socket, hello, _ = await _open(mentee.user)
    assert [c for c in hello["conversations"] if c["kind"] == "mentorship"] == []

    @database_sync_to_async
    def match() -> None:
        request = ask(mw, "mentee1", "mentor0")
        matching_services.mentorship_request_accept(
            actor=mw.members["mentor0"], request_id=request.pk
        )

    await match()
    frame = await socket.receive_json_from(timeout=5)
    while frame["type"] != "hello":
        frame = await socket.receive_json_from(timeout=5)
    private = [c for c in frame["conversations"] if c["kind"] == "mentorship"]
    assert len(private) == 1
    await _post(mw.members["mentor0"], private[0]["id"], "Glad to mentor you")
    live = await socket.receive_json_from(timeout=5)
    assert live["message"]["body"] == "Glad to mentor you"


async def test_an_open_socket_counts_as_connected_until_it_closes(chat):
    from messaging.models import ChatConnection

    mw, _, _ = chat
    user = mw.members["mentee0"].user

    @database_sync_to_async
    def connections() -> list[int]:
        with organization_scope(mw.cohort.organization):
            return list(ChatConnection.objects.values_list("user_id", flat=True))

    socket, _, _ = await _open(user)
    assert await connections() == [user.pk]
    assert await _frame(socket, type="ping") == {"type": "pong"}
    await socket.disconnect()
    assert await connections() == []


async def test_ending_the_mentorship_closes_the_conversation_on_open_sockets(chat):
    from programs.services.mentorships import mentorship_end_early

    mw, mentorship, conversation = chat
    socket, _, _ = await _open(mw.members["mentee0"].user)
    await database_sync_to_async(mentorship_end_early)(
        actor=mw.members["mentor0"], mentorship=mentorship, reason="Moved abroad."
    )
    refreshed = await socket.receive_json_from(timeout=5)
    (entry,) = [c for c in refreshed["conversations"] if c["id"] == conversation.pk]
    assert (refreshed["type"], entry["can_write"]) == ("hello", False)
    assert "has ended" in entry["closed_because"]
    reply = await _frame(socket, type="send", conversation=conversation.pk, body="Still there?")
    assert reply["type"] == "error" and "has ended" in reply["reason"]
    assert await _count(conversation) == 0


async def test_signing_out_everywhere_closes_every_socket_and_keeps_them_out(chat):
    from accounts.services import user_sign_out_everywhere

    mw, _, _ = chat
    user = mw.members["mentee0"].user
    laptop, _, _ = await _open(user)
    phone, _, _ = await _open(user)
    cookie, _ = await _cookie(user)
    await database_sync_to_async(user_sign_out_everywhere)(user=user)
    for socket in (laptop, phone):
        closed = await socket.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}
    # A session from before is refused at the door.
    again = WebsocketCommunicator(
        application, "/ws/o/alpha/chat/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, code = await again.connect(timeout=5)
    assert (connected, code) == (False, 4401)


async def test_a_password_change_closes_the_sockets_opened_with_the_old_password(chat):
    from django.test import Client

    from tests.factories import PASSWORD

    mw, _, _ = chat
    user = mw.members["mentee0"].user
    socket, _, session_key = await _open(user)

    @database_sync_to_async
    def change_password() -> int:
        client = Client()
        client.cookies["sessionid"] = session_key
        response = client.post(
            "/accounts/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "N3w-passphrase!",
                "password2": "N3w-passphrase!",
            },
        )
        return response.status_code

    assert await change_password() == 302
    await database_sync_to_async(user.refresh_from_db)()
    assert user.check_password("N3w-passphrase!")
    closed = await socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
