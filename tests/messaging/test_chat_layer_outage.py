"""The chat when its channel layer fails (Redis restarting): a message is saved and
acknowledged, never duplicated, and every socket that may have missed something is closed with
CLOSE_TRY_AGAIN, so its client reconnects and catches up from the database. Nothing crashes."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from redis.exceptions import ConnectionError as RedisConnectionError

from mentorship.asgi import application
from messaging.models import ChatConnection, Message
from organizations.realtime import CLOSE_TRY_AGAIN, LayerWatch
from organizations.scope import organization_scope
from tests.conftest import logged_in_api_client, logged_in_client

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")


def _unreachable(*args, **kwargs):
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")


async def _unreachable_async(*args, **kwargs):
    _unreachable()


@database_sync_to_async
def _cookie(user) -> bytes:
    client = logged_in_client(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _socket(cookie: bytes) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, "/ws/o/alpha/chat/", headers=[ORIGIN, (b"cookie", cookie)]
    )


async def _open(user) -> WebsocketCommunicator:
    socket = _socket(await _cookie(user))
    connected, _ = await socket.connect(timeout=5)
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    return socket


async def _closed_with(socket: WebsocketCommunicator) -> int:
    """The code the server closed the socket with (frames before the close are skipped)."""
    while True:
        output = await socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output.get("code")


@database_sync_to_async
def _messages(conversation) -> list[tuple[int, str, str]]:
    with organization_scope(conversation.organization):
        return list(
            Message.objects.filter(conversation=conversation).values_list(
                "sequence", "body", "client_key"
            )
        )


@database_sync_to_async
def _connections(conversation) -> int:
    with organization_scope(conversation.organization):
        return ChatConnection.objects.count()


async def test_a_send_the_layer_cannot_announce_is_saved_acknowledged_and_everyone_resyncs(
    chat, monkeypatch
):
    mw, _, conversation = chat
    mentee = await _open(mw.members["mentee0"].user)
    mentor = await _open(mw.members["mentor0"].user)
    layer = get_channel_layer()
    monkeypatch.setattr(layer, "group_send", _unreachable_async)

    await mentee.send_json_to(
        {
            "type": "send",
            "conversation": conversation.pk,
            "body": "Still there?",
            "client_key": "k1",
        }
    )
    ack = await mentee.receive_json_from(timeout=5)
    assert ack["type"] == "sent"
    assert ack["client_key"] == "k1" and ack["created"] is True
    assert ack["message"]["sequence"] == 1
    # Saved but not announced: both sockets close so that both clients catch up.
    assert await _closed_with(mentee) == CLOSE_TRY_AGAIN
    assert await _closed_with(mentor) == CLOSE_TRY_AGAIN
    assert await _messages(conversation) == [(1, "Still there?", "k1")]

    # Leaving while the layer is still down: no error, the presence rows go.
    monkeypatch.setattr(layer, "group_discard", _unreachable_async)
    await mentee.disconnect()
    await mentor.disconnect()
    assert await _connections(conversation) == 0
    monkeypatch.undo()

    # Back: the mentor's resync has the message; the mentee's resend is not stored again.
    mentor = await _open(mw.members["mentor0"].user)
    await mentor.send_json_to({"type": "sync", "conversation": conversation.pk, "after": 0})
    history = await mentor.receive_json_from(timeout=5)
    assert [m["body"] for m in history["messages"]] == ["Still there?"]
    mentee = await _open(mw.members["mentee0"].user)
    await mentee.send_json_to(
        {
            "type": "send",
            "conversation": conversation.pk,
            "body": "Still there?",
            "client_key": "k1",
        }
    )
    again = await mentee.receive_json_from(timeout=5)
    assert again["type"] == "sent" and again["created"] is False
    assert again["message"]["id"] == ack["message"]["id"]
    assert await mentor.receive_nothing(timeout=0.3)
    assert len(await _messages(conversation)) == 1
    await mentee.disconnect()
    await mentor.disconnect()


async def test_a_socket_is_refused_with_try_again_while_the_layer_is_unreachable(chat, monkeypatch):
    mw, _, _ = chat
    cookie = await _cookie(mw.members["mentee0"].user)
    monkeypatch.setattr(get_channel_layer(), "new_channel", _unreachable_async)
    socket = _socket(cookie)
    # An application error would be raised here instead of a refusal.
    connected, code = await socket.connect(timeout=5)
    assert (connected, code) == (False, CLOSE_TRY_AGAIN)

    monkeypatch.undo()
    socket = _socket(cookie)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    await socket.disconnect()


async def test_a_socket_whose_groups_cannot_be_joined_is_refused_with_try_again(chat, monkeypatch):
    mw, _, _ = chat
    cookie = await _cookie(mw.members["mentee0"].user)
    monkeypatch.setattr(get_channel_layer(), "group_add", _unreachable_async)
    connected, code = await _socket(cookie).connect(timeout=5)
    assert (connected, code) == (False, CLOSE_TRY_AGAIN)


@pytest.mark.parametrize("failure", ["lost on its way", "send fails"])
async def test_the_process_closes_its_sockets_when_the_layer_loses_a_beat(
    chat, monkeypatch, failure
):
    """What Redis does when it restarts: a subscriber away for a moment comes back without
    saying so, and what was published meanwhile never arrives."""
    mw, _, conversation = chat
    monkeypatch.setattr(LayerWatch, "beat_seconds", 0.05)
    mentee = await _open(mw.members["mentee0"].user)
    mentor = await _open(mw.members["mentor0"].user)
    # Beats go through while the layer works: nothing closes.
    await asyncio.sleep(0.3)
    assert await mentee.receive_nothing(timeout=0.1)
    assert await mentor.receive_nothing(timeout=0.1)

    layer = get_channel_layer()
    send = layer.send
    dropped = []

    async def flaky_send(channel, message):
        if message.get("type") == "layer.beat" and not dropped:
            dropped.append(message["number"])
            if failure == "send fails":
                _unreachable()
            return  # published, never delivered
        await send(channel, message)

    monkeypatch.setattr(layer, "send", flaky_send)
    assert await _closed_with(mentee) == CLOSE_TRY_AGAIN
    assert await _closed_with(mentor) == CLOSE_TRY_AGAIN
    assert dropped
    await mentee.disconnect()
    await mentor.disconnect()
    monkeypatch.undo()

    # The clients reconnect and the chat works again.
    mentee = await _open(mw.members["mentee0"].user)
    mentor = await _open(mw.members["mentor0"].user)
    await mentee.send_json_to(
        {"type": "send", "conversation": conversation.pk, "body": "Back", "client_key": "b1"}
    )
    frames = [await mentor.receive_json_from(timeout=5)]
    assert frames[0]["type"] == "message" and frames[0]["message"]["body"] == "Back"

    # The watch started again with these sockets, and still notices the next lost beat.
    dropped.clear()
    monkeypatch.setattr(layer, "send", flaky_send)
    assert await _closed_with(mentor) == CLOSE_TRY_AGAIN
    assert dropped
    await mentee.disconnect()
    await mentor.disconnect()


def test_an_api_send_the_layer_cannot_announce_is_saved(chat, monkeypatch):
    mw, _, conversation = chat
    monkeypatch.setattr(get_channel_layer(), "group_send", _unreachable_async)
    client = logged_in_api_client(mw.members["mentee0"].user)
    url = f"/api/v1/orgs/alpha/conversations/{conversation.pk}/messages/"
    response = client.post(url, {"body": "Hello", "client_key": "api-1"}, format="json")
    assert response.status_code == 201
    assert response.json()["sequence"] == 1
    # The client's retry (it never saw the answer) finds the same message.
    again = client.post(url, {"body": "Hello", "client_key": "api-1"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    with organization_scope(conversation.organization):
        assert list(Message.objects.values_list("body", "client_key")) == [("Hello", "api-1")]
