"""What every websocket of the platform shares: the user's group in an organisation, how a
socket remembers its browser session, and who may connect (members only, MFA policy kept).

Group names carry the organisation, so groups never mix tenants: `org.<id>.user.<id>`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.db import connections, transaction

from organizations.access import missing_required_mfa
from organizations.models import Membership

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


def user_group_name(organization_id: int, user_id: int) -> str:
    return f"org.{organization_id}.user.{user_id}"


def session_fingerprint(session_key: str | None) -> str | None:
    """What a socket remembers of its session: a hash, so no session key crosses the channel layer."""
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else None


GroupSend = tuple[str, dict[str, Any]]
_collected_sends: ContextVar[list[GroupSend] | None] = ContextVar("collected_sends", default=None)


@contextmanager
def group_sends_collected() -> Iterator[list[GroupSend]]:
    """Within the block, group_send_now keeps the sends in the yielded list instead of sending
    them: a socket that ran a service on a database thread then sends them from its own event
    loop, without holding that thread while Redis answers."""
    sends: list[GroupSend] = []
    token = _collected_sends.set(sends)
    try:
        yield sends
    finally:
        _collected_sends.reset(token)


def group_send_now(sends: list[GroupSend]) -> None:
    """Send messages to channel-layer groups from synchronous code (services, tasks), at most
    once each: the layer does not retry, clients catch up from the database.

    A synchronous caller may run on a thread that also runs an event loop (a management command
    started from async code, a browser-test driver); async_to_sync refuses that thread, so the
    sends then go from a short-lived thread of their own."""
    if not sends:
        return
    collector = _collected_sends.get()
    if collector is not None:
        collector.extend(sends)
        return
    layer = get_channel_layer()

    async def send_all() -> None:
        for group, message in sends:
            await layer.group_send(group, message)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(send_all)()
        return
    worker = threading.Thread(target=async_to_sync(send_all), name="group-send")
    worker.start()
    worker.join()


def sockets_close(*, organization_id: int, user_id: int, session_key: str | None = None) -> None:
    """Close the user's open sockets in one organisation: those of one browser session, or all
    of them when `session_key` is None. Sent to the user's group once the transaction commits;
    each socket closes itself (MemberSocket.session_ended)."""
    message = {"type": "session.ended", "session": session_fingerprint(session_key)}
    group = user_group_name(organization_id, user_id)

    transaction.on_commit(lambda: group_send_now([(group, message)]))


def sockets_close_everywhere(*, user_id: int, session_key: str | None = None) -> None:
    """Close the user's open sockets in every organisation they belong to: those of one browser
    session (logout), or all of them (deactivation)."""
    for organization_id in Membership.all_organizations.filter(user_id=user_id).values_list(
        "organization_id", flat=True
    ):
        sockets_close(organization_id=organization_id, user_id=user_id, session_key=session_key)


def sockets_refresh_access(*, organization_id: int, user_ids: Iterable[int]) -> None:
    """Tell the users' open sockets that what they may read changed (an enrolment withdrawn, a
    mentorship started, a program manager assigned...): each works out its subscriptions again,
    so nothing more is delivered from a conversation they left. Sent once the transaction
    commits."""
    groups = [user_group_name(organization_id, user_id) for user_id in set(user_ids)]
    if not groups:
        return

    transaction.on_commit(
        lambda: group_send_now([(group, {"type": "access.changed"}) for group in groups])
    )


def _socket_membership(user, org_slug: str) -> Membership | None:
    """The connecting user's membership of the organisation in the URL, or None (refuse).
    One query: the organisation is named by its slug, the user is the socket's own."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    membership = (
        Membership.all_organizations.select_related("organization", "user")
        .filter(organization__slug=org_slug, user_id=user.pk)
        .first()
    )
    if membership is None or not membership.user.is_active:
        return None
    if missing_required_mfa(membership):
        return None
    return membership


socket_membership = database_sync_to_async(_socket_membership)


def _release_connections() -> None:
    """Django's clean-up after a unit of work (close broken or too old connections), without
    its once-per-request health check: that would cost every socket frame a `SELECT 1`. A
    connection that broke meanwhile fails one frame and is closed here; the next one reconnects."""
    for connection in connections.all(initialized_only=True):
        checked = connection.health_check_done
        connection.close_if_unusable_or_obsolete()
        if connection.connection is not None:
            connection.health_check_done = checked


class MemberSocket(AsyncWebsocketConsumer):
    """A websocket for members of the organisation in its URL.

    Connect is authorised before the socket is accepted (anonymous: 4401, not a member: 4404);
    the socket then listens on the user's group, where logout, removal and deactivation end it.
    Client frames are JSON objects with a "type"; each type is handled by `frame_<type>`, and
    anything else gets an error frame that says why while the socket stays open.
    """

    user_group: str | None = None
    max_frame_bytes = 16 * 1024

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As channels dispatches, without its clean-up of database connections before every
        event: that sends each delivered chat message through the process's one database
        thread. Database work here runs in `database`, which cleans up around itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def database(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `function` (ORM work, services) on a worker thread, then send what it broadcast
        from this socket's event loop. Not the thread-sensitive single database thread: one busy
        socket must not hold up every other socket of the process."""

        def call() -> tuple[Any, BaseException | None, list[GroupSend]]:
            with group_sends_collected() as sends:
                try:
                    return function(*args, **kwargs), None, sends
                except Exception as error:
                    # Raised again on the event loop, after the sends.
                    return None, error, sends
                finally:
                    _release_connections()

        result, error, sends = await sync_to_async(call, thread_sensitive=False)()
        for group, message in sends:
            await self.channel_layer.group_send(group, message)
        if error is not None:
            raise error
        return result

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        membership = await socket_membership(user, self.scope["url_route"]["kwargs"]["org_slug"])
        if membership is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.membership = membership
        session = self.scope.get("session")
        self.session = session_fingerprint(session.session_key if session else None)
        self.user_group = user_group_name(membership.organization_id, user.pk)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()
        await self.connected()

    async def connected(self) -> None:
        """Runs once the socket is accepted: subscribe to more groups, say hello."""

    async def disconnect(self, code: int) -> None:
        if self.user_group:
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.send_error("Send JSON text frames, not binary frames.")
            return
        if len(text_data.encode()) > self.max_frame_bytes:
            await self.send_error(f"Frame too large: at most {self.max_frame_bytes} bytes.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("Frame is not valid JSON.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_error('A frame is a JSON object with a "type", e.g. {"type": "ping"}.')
            return
        handler = getattr(self, f"frame_{frame['type']}", None)
        if handler is None:
            await self.send_error(f"Unknown frame type “{frame['type']}”.")
            return
        await self.handle_frame(handler, frame)

    async def handle_frame(self, handler, frame: dict[str, Any]) -> None:
        await handler(frame)

    async def frame_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    async def session_ended(self, event: dict[str, Any]) -> None:
        """The browser session behind this socket ended (logout), or all of the user's did."""
        if event["session"] is None or event["session"] == self.session:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)

    async def access_changed(self, event: dict[str, Any]) -> None:
        """What the user may read changed (sockets_refresh_access); see refresh_access."""
        await self.refresh_access()

    async def refresh_access(self) -> None:
        """Work out the socket's subscriptions again; sockets that have some override this."""

    async def send_error(self, reason: str, **extra: Any) -> None:
        await self.send_json({"type": "error", "reason": reason, **extra})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))
