"""The websocket rows of the authorisation matrix (tests/security/matrix.py WEBSOCKET_ROWS):
each role connects to each socket and sends each frame type about the pair's conversation.

Sockets run their database work on other threads, so the world is committed here (a
transactional test) rather than shared with tests/security/test_matrix.py's transaction.
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from mentorship.asgi import application
from mentorship.routing import websocket_urlpatterns
from messaging.models import Message
from organizations.scope import organization_scope
from tests.security.matrix import (
    CLOSED_ANONYMOUS,
    CLOSED_NOT_MEMBER,
    CONNECTED,
    LISTED,
    OK,
    PRIVATE_WORDS,
    REJECTED,
    UNLISTED,
    WEBSOCKET_ANSWERS,
    WEBSOCKET_ROWS,
)
from tests.security.matrix_world import ANONYMOUS, MENTEE, ROLES, MatrixWorld, build_matrix_world
from tests.security.routes import WEBSOCKET_ROUTES

ORIGIN = b"http://testserver"
TIMEOUT = 5
# The frames that change something: refused, they must leave the conversation as it was.
WRITING = frozenset({"send", "edit", "delete", "read"})


def frames(conversation_id: int, message_id: int, role: str) -> dict[str, dict[str, Any]]:
    return {
        "ping": {"type": "ping"},
        "send": {
            "type": "send",
            "conversation": conversation_id,
            "body": f"Sent by the {role}",
            "client_key": f"matrix-{role}",
        },
        "sync": {"type": "sync", "conversation": conversation_id, "after": 0},
        "read": {"type": "read", "conversation": conversation_id, "sequence": 1},
        "typing": {"type": "typing", "conversation": conversation_id},
        "edit": {"type": "edit", "message": message_id, "body": f"Edited by the {role}"},
        "delete": {"type": "delete", "message": message_id},
        "unknown": {"type": "matrix-unknown"},
    }


@pytest.fixture
def socket_world(transactional_db) -> tuple[MatrixWorld, dict[str, bytes]]:
    built = build_matrix_world(routes=("api_conversation", "api_message"))
    cookies = {
        role: f"sessionid={built.client(role).cookies['sessionid'].value}".encode()
        for role in ROLES
        if role != ANONYMOUS
    }
    return built, cookies


def test_every_websocket_action_has_a_row():
    from messaging.consumers import ChatConsumer
    from notifications.consumers import NotificationConsumer

    consumers = {"ws_chat": ChatConsumer, "ws_notifications": NotificationConsumer}
    assert {pattern.name for pattern in websocket_urlpatterns} == set(WEBSOCKET_ROWS)
    assert set(WEBSOCKET_ROUTES) == set(WEBSOCKET_ROWS)
    for name, consumer in consumers.items():
        actions = {attr[len("frame_") :] for attr in dir(consumer) if attr.startswith("frame_")}
        declared = set(WEBSOCKET_ROWS[name]) - {"connect", "subscribed", "unknown"}
        assert actions == declared, (
            f"{name}: frame types {sorted(actions)}, rows {sorted(declared)}"
        )
        for action, answers in WEBSOCKET_ROWS[name].items():
            assert set(answers) == set(ROLES), f"{name} {action}: the row must name every role"
            assert set(answers.values()) <= set(WEBSOCKET_ANSWERS), f"{name} {action}"


def _private_to_others(role: str, text: str) -> list[str]:
    return [
        words for words, readers in PRIVATE_WORDS.items() if role not in readers and words in text
    ]


async def _answer(communicator: WebsocketCommunicator, frame: dict) -> tuple[str, list[dict]]:
    """Send the frame, then a ping: the frames received up to the pong are the answer (a frame
    type that answers nothing when it succeeds, like read, then answers just the pong)."""
    await communicator.send_json_to(frame)
    await communicator.send_json_to({"type": "ping"})
    received = []
    pongs = 2 if frame["type"] == "ping" else 1
    while pongs:
        reply = await communicator.receive_json_from(timeout=TIMEOUT)
        if reply.get("type") == "pong":
            pongs -= 1
        else:
            received.append(reply)
    errors = [reply for reply in received if reply.get("type") == "error"]
    if errors:
        assert all(error.get("reason") for error in errors), f"an error without a reason: {errors}"
        return REJECTED, received
    return OK, received


@pytest.mark.django_db(transaction=True)
async def test_websocket_actions_answer_each_role_as_declared(socket_world):
    matrix_world, cookies = socket_world
    conversation_id = matrix_world.kwargs["api_conversation"]["conversation_id"]
    message_id = matrix_world.kwargs["api_message"]["message_id"]
    organization = matrix_world.world.alpha

    @database_sync_to_async
    def conversation_state() -> tuple:
        with organization_scope(organization):
            rows = Message.objects.filter(conversation_id=conversation_id).order_by("pk")
            return tuple(rows.values_list("pk", "body", "edited_at", "deleted_at"))

    wrong: list[str] = []
    # The mentee last: they may delete their message, after everyone else tried to.
    order = [role for role in ROLES if role != MENTEE] + [MENTEE]
    for name, path in sorted(WEBSOCKET_ROUTES.items()):
        rows = WEBSOCKET_ROWS[name]
        for role in order:
            headers = [(b"origin", ORIGIN)]
            if role in cookies:
                headers.append((b"cookie", cookies[role]))
            communicator = WebsocketCommunicator(
                application, path.format(org_slug=organization.slug), headers=headers
            )
            connected, code = await communicator.connect(timeout=TIMEOUT)
            observed = (
                CONNECTED
                if connected
                else {4401: CLOSED_ANONYMOUS, 4404: CLOSED_NOT_MEMBER}.get(code, f"closed {code}")
            )
            if observed != rows["connect"][role]:
                wrong.append(
                    f"{name} connect as {role}: expected {rows['connect'][role]}, got {observed}"
                )
            if not connected:
                for action, answers in rows.items():
                    if answers[role] != observed:
                        wrong.append(
                            f"{name} {action} as {role}: expected {answers[role]}, got {observed}"
                        )
                continue
            hello = await communicator.receive_json_from(timeout=TIMEOUT)
            seen = [hello]
            if "subscribed" in rows:
                listed = any(
                    entry["id"] == conversation_id for entry in hello.get("conversations", [])
                )
                observed = LISTED if listed else UNLISTED
                if observed != rows["subscribed"][role]:
                    wrong.append(
                        f"{name} hello as {role}: expected {rows['subscribed'][role]}, got {observed}"
                    )
            sendable = frames(conversation_id, message_id, role)
            for action, answers in rows.items():
                if action in ("connect", "subscribed"):
                    continue
                before = await conversation_state()
                observed, received = await _answer(communicator, sendable[action])
                seen.extend(received)
                if observed != answers[role]:
                    wrong.append(
                        f"{name} {action} as {role}: expected {answers[role]}, got {observed} {received}"
                    )
                if (
                    observed == REJECTED
                    and action in WRITING
                    and await conversation_state() != before
                ):
                    wrong.append(
                        f"{name} {action} as {role}: rejected, yet the conversation changed"
                    )
            await communicator.disconnect()
            if leaked := _private_to_others(role, repr(seen)):
                wrong.append(f"{name} as {role}: frames carry words private to others: {leaked}")
    assert not wrong, f"{len(wrong)} wrong websocket cells:\n" + "\n".join(wrong)
