"""The per-user websocket /ws/o/<slug>/notifications/, through the real ASGI stack."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from mentorship.asgi import application
from organizations.realtime import user_group_name
from tests.conftest import logged_in_client

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_ORIGIN = (b"origin", b"http://testserver")


@database_sync_to_async
def _session_cookie(user) -> bytes:
    client = logged_in_client(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _connect(path: str, *, cookie: bytes | None = None, origin=GOOD_ORIGIN):
    headers = [origin] if origin else []
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def test_member_connects_and_receives_their_notifications(world):
    cookie = await _session_cookie(world.alpha_member)
    communicator, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=cookie)
    assert connected
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "hello",
        "organization": "alpha",
    }

    layer = get_channel_layer()
    group = user_group_name(world.alpha.pk, world.alpha_member.pk)
    await layer.group_send(
        group, {"type": "notification.message", "notification": {"id": 1, "title": "Hi"}}
    )
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "notification",
        "notification": {"id": 1, "title": "Hi"},
    }
    # Another user's group does not reach this socket.
    other = user_group_name(world.alpha.pk, world.alpha_owner.pk)
    await layer.group_send(other, {"type": "notification.message", "notification": {"id": 2}})
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_anonymous_connection_is_refused(world):
    _, connected, code = await _connect("/ws/o/alpha/notifications/")
    assert not connected
    assert code == 4401


async def test_foreign_organisation_is_refused(world):
    cookie = await _session_cookie(world.bravo_owner)
    _, connected, code = await _connect("/ws/o/alpha/notifications/", cookie=cookie)
    assert not connected
    assert code == 4404


async def test_unknown_organisation_is_refused_like_a_foreign_one(world):
    cookie = await _session_cookie(world.bravo_owner)
    _, connected, code = await _connect("/ws/o/no-such-org/notifications/", cookie=cookie)
    assert (connected, code) == (False, 4404)


@pytest.mark.parametrize(
    "origin",
    [(b"origin", b"https://evil.example"), None],
    ids=["foreign-origin", "no-origin"],
)
async def test_bad_origin_is_refused(world, origin):
    cookie = await _session_cookie(world.alpha_member)
    _, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=cookie, origin=origin)
    assert not connected


async def test_invalid_frames_get_an_error_frame_and_the_socket_stays_open(world):
    cookie = await _session_cookie(world.alpha_member)
    communicator, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=cookie)
    assert connected
    await communicator.receive_json_from(timeout=5)  # hello

    await communicator.send_to(text_data="{not json")
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "error",
        "reason": "Frame is not valid JSON.",
    }

    await communicator.send_to(text_data=json.dumps([1, 2]))
    reply = await communicator.receive_json_from(timeout=5)
    assert reply["type"] == "error"
    assert '"type"' in reply["reason"]

    await communicator.send_to(text_data=json.dumps({"type": "launch"}))
    reply = await communicator.receive_json_from(timeout=5)
    assert reply == {"type": "error", "reason": "Unknown frame type “launch”."}

    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "error"

    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()


async def test_redis_channel_layer_delivers_across_layer_instances(world, redis_url, settings):
    """With REDIS_URL the layer is channels-redis (publish/subscribe): a group send from another
    process reaches the socket."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    assert backend == "channels_redis.pubsub.RedisPubSubChannelLayer"
    cookie = await _session_cookie(world.alpha_member)
    communicator, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=cookie)
    assert connected
    await communicator.receive_json_from(timeout=5)
    # A separate layer instance stands for a Celery worker or another web process.
    other_process_layer = RedisPubSubChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])
    group = user_group_name(world.alpha.pk, world.alpha_member.pk)
    await other_process_layer.group_send(
        group, {"type": "notification.message", "notification": {"id": 7}}
    )
    assert (await communicator.receive_json_from(timeout=5))["notification"] == {"id": 7}
    await communicator.disconnect()
    await other_process_layer.flush()


async def test_pushes_published_in_one_round_trip_reach_each_socket(world, redis_url, settings):
    """A batch's live pushes go out as one pipeline of PUBLISHes: each person's socket gets its
    own notification, in order, and a push to someone without a socket costs nothing more."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    from organizations.realtime import _publish_pipelined

    sockets = {}
    for user in (world.alpha_member, world.alpha_owner):
        cookie = await _session_cookie(user)
        communicator, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=cookie)
        assert connected
        await communicator.receive_json_from(timeout=5)
        sockets[user.pk] = communicator
    other_process_layer = RedisPubSubChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])

    def push(user_id, number):
        group = user_group_name(world.alpha.pk, user_id)
        return group, {"type": "notification.message", "notification": {"id": number}}

    await _publish_pipelined(
        other_process_layer,
        [push(world.alpha_member.pk, 1), push(world.alpha_owner.pk, 2), push(999_999, 3),
         push(world.alpha_member.pk, 4)],
    )  # fmt: skip
    member, owner = sockets[world.alpha_member.pk], sockets[world.alpha_owner.pk]
    assert (await member.receive_json_from(timeout=5))["notification"] == {"id": 1}
    assert (await member.receive_json_from(timeout=5))["notification"] == {"id": 4}
    assert (await owner.receive_json_from(timeout=5))["notification"] == {"id": 2}
    assert await owner.receive_nothing(timeout=0.3)
    for communicator in sockets.values():
        await communicator.disconnect()
    await other_process_layer.flush()


async def test_staff_without_required_mfa_is_refused(world):
    world.alpha.require_mfa_for_staff = True
    await database_sync_to_async(world.alpha.save)()
    cookie = await _session_cookie(world.alpha_owner)
    _, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=cookie)
    assert not connected
    member_cookie = await _session_cookie(world.alpha_member)
    communicator, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=member_cookie)
    assert connected
    await communicator.disconnect()


async def test_logging_out_closes_that_sessions_sockets_only(world):
    this_browser = await database_sync_to_async(logged_in_client)(world.alpha_member)
    other_browser_cookie = await _session_cookie(world.alpha_member)
    cookie = f"sessionid={this_browser.cookies['sessionid'].value}".encode()
    this_socket, connected, _ = await _connect("/ws/o/alpha/notifications/", cookie=cookie)
    assert connected
    other_socket, connected, _ = await _connect(
        "/ws/o/alpha/notifications/", cookie=other_browser_cookie
    )
    assert connected
    await this_socket.receive_json_from(timeout=5)
    await other_socket.receive_json_from(timeout=5)

    response = await database_sync_to_async(this_browser.post)("/accounts/logout/")
    assert response.status_code == 302

    closed = await this_socket.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    await other_socket.send_to(text_data=json.dumps({"type": "ping"}))
    assert await other_socket.receive_json_from(timeout=5) == {"type": "pong"}
    await other_socket.disconnect()
