"""What every websocket of the platform shares: the user's group in an organisation, how a
socket remembers its browser session, and who may connect (members only, MFA policy kept).

Group names carry the organisation, so groups never mix tenants: `org.<id>.user.<id>`.

The channel layer delivers at most once, and Redis's publish/subscribe drops silently what is
published while a subscriber is away (a Redis restart, a network cut). Sockets therefore never
trust the layer blindly: when it fails them (see LayerWatch), they are closed with
CLOSE_TRY_AGAIN and their clients reconnect and ask for what they missed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import connections, transaction
from redis.exceptions import RedisError

from organizations.access import missing_required_mfa
from organizations.models import Membership

logger = logging.getLogger(__name__)

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
# The server lost its channel layer for a moment: reconnect (with backoff) and catch up.
CLOSE_TRY_AGAIN = 4503

# What the channel layer (and the cache, on the same Redis) raise when their server cannot be
# reached: redis's ConnectionError or TimeoutError, or the operating system's OSError.
LAYER_ERRORS: tuple[type[BaseException], ...] = (OSError, RedisError)


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
        sent = 0
        try:
            if isinstance(layer, RedisPubSubChannelLayer) and len(sends) > 1:
                await _publish_pipelined(layer, sends)
                return
            for group, message in sends:
                await layer.group_send(group, message)
                sent += 1
        except LAYER_ERRORS as error:
            # What was saved stays saved: the sockets that missed this are closed by their
            # process's LayerWatch and catch up from the database.
            logger.warning(
                "Channel layer unreachable, %d live update(s) not sent: %s",
                len(sends) - sent,
                error,
            )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(send_all)()
        return
    worker = threading.Thread(target=async_to_sync(send_all), name="group-send")
    worker.start()
    worker.join()


async def _publish_pipelined(layer: RedisPubSubChannelLayer, sends: list[GroupSend]) -> None:
    """The layer's group_send for many groups at once: the same PUBLISH of each message to its
    group's channel, in one round trip per Redis server instead of one per message (a batch of
    notifications pushes hundreds). It uses the layer's own naming, sharding and serialising,
    so a socket's consumer cannot tell the difference (tests/test_realtime_layer.py)."""
    loop_layer = layer._get_layer()
    by_shard: dict[Any, list[tuple[str, bytes]]] = {}
    for group, message in sends:
        channel = loop_layer._get_group_channel_name(group)
        by_shard.setdefault(loop_layer._get_shard(channel), []).append(
            (channel, layer.serialize(message))
        )
    for shard, messages in by_shard.items():
        async with shard._lock:
            shard._ensure_redis()
            pipe = shard._redis.pipeline(transaction=False)
            for channel, data in messages:
                pipe.publish(channel, data)
            await pipe.execute()


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


class LayerWatch:
    """Proves, for the sockets of one server process (one event loop), that the channel layer
    still delivers to them, and closes them all with CLOSE_TRY_AGAIN when it may not have.

    Every `beat_seconds` the watch sends a numbered beat to a channel of its own, through the
    layer and back, as a chat message travels. The sockets may have missed messages when

    - a send fails (the layer's server is unreachable): a beat, or a socket's own broadcast
      (MemberSocket.channel_layer_lost);
    - a beat arrives after a later-numbered one was expected, so one was lost on its way: the
      layer's subscriber was away for a moment and came back without saying so (Redis restarted);
    - no beat arrived for `silent_beats` beats although they were sent: nothing comes back.

    A socket that stays open while its process missed a message would never show it; once
    closed, its client reconnects and asks for everything after the last message it saw. While
    the layer's server is down, reconnecting fails and clients keep trying with backoff.
    """

    beat_seconds = 0.5
    silent_beats = 20

    def __init__(self, layer) -> None:
        self.layer = layer
        self.sockets: set[MemberSocket] = set()
        self.task: asyncio.Task | None = None
        self.received = 0

    def watch(self, socket: MemberSocket) -> None:
        self.sockets.add(socket)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._beat())

    async def forget(self, socket: MemberSocket) -> None:
        self.sockets.discard(socket)
        if not self.sockets and self.task is not None:
            task, self.task = self.task, None
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def interrupted(self, reason: str) -> None:
        """Close every watched socket that is still open, with CLOSE_TRY_AGAIN."""
        open_sockets = [socket for socket in self.sockets if not socket.closing_to_resync]
        if open_sockets:
            logger.warning(
                "Channel layer interrupted (%s): %d socket(s) closed to catch up",
                reason,
                len(open_sockets),
            )
        for socket in open_sockets:
            await socket.close_to_resync()

    async def _beat(self) -> None:
        channel: str | None = None
        reader: asyncio.Task | None = None
        sent = 0
        try:
            while True:
                await asyncio.sleep(self.beat_seconds)
                try:
                    if channel is None:
                        channel = await self.layer.new_channel("layer-watch.")
                        self.received = 0
                        reader = asyncio.get_running_loop().create_task(self._read(channel))
                    await self.layer.send(channel, {"type": "layer.beat", "number": sent + 1})
                except LAYER_ERRORS as error:
                    await self.interrupted(f"a send failed: {error}")
                    continue
                sent += 1
                if sent - self.received > self.silent_beats:
                    self.received = sent
                    await self.interrupted("no beat came back")
        finally:
            if reader is not None:
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)

    async def _read(self, channel: str) -> None:
        while True:
            try:
                beat = await self.layer.receive(channel)
            except LAYER_ERRORS:
                # A layer that reads from its server (not publish/subscribe) fails here while
                # the server is down; the sends fail too and say so.
                await asyncio.sleep(self.beat_seconds)
                continue
            number = beat.get("number", 0)
            lost = number > self.received + 1
            self.received = max(self.received, number)
            if lost:
                await self.interrupted("a beat was lost on its way")


_layer_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LayerWatch] = (
    weakref.WeakKeyDictionary()
)


def layer_watch(layer) -> LayerWatch:
    """The watch of this event loop (one per server process) over `layer`."""
    loop = asyncio.get_running_loop()
    watch = _layer_watches.get(loop)
    if watch is None or watch.layer is not layer:
        watch = _layer_watches[loop] = LayerWatch(layer)
    return watch


class MemberSocket(AsyncWebsocketConsumer):
    """A websocket for members of the organisation in its URL.

    Connect is authorised before the socket is accepted (anonymous: 4401, not a member: 4404);
    the socket then listens on the user's group, where logout, removal and deactivation end it.
    Client frames are JSON objects with a "type"; each type is handled by `frame_<type>`, and
    anything else gets an error frame that says why while the socket stays open.

    When the channel layer fails the socket (its server unreachable), the socket is closed with
    CLOSE_TRY_AGAIN, never with an error: before the handshake the connection is refused, and
    after it, the frame being handled is answered first (a message is saved and acknowledged
    even if it could not be announced). The other sockets of the process are closed too, since
    they may have missed messages as well (LayerWatch).
    """

    user_group: str | None = None
    max_frame_bytes = 16 * 1024
    layer_watch: LayerWatch | None = None
    layer_error: BaseException | None = None
    closing_to_resync = False

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS as error:
            if hasattr(self, "channel_name"):
                raise
            # The layer could not give the socket a channel: refuse the handshake, the client
            # tries again.
            logger.warning("Channel layer unreachable, websocket refused: %s", error)
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As channels dispatches, without its clean-up of database connections before every
        event: that sends each delivered chat message through the process's one database
        thread. Database work here runs in `database`, which cleans up around itself.

        A channel-layer failure while handling the event (or noted by `database` meanwhile)
        closes the socket to resync once the handler is done."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        try:
            await handler(message)
        except LAYER_ERRORS as error:
            self.layer_error = error
        if self.layer_error is not None:
            error, self.layer_error = self.layer_error, None
            await self.channel_layer_lost(error)

    async def channel_layer_lost(self, error: BaseException) -> None:
        """Close this socket and every other of the process: they may all have missed messages."""
        if self.layer_watch is not None:
            await self.layer_watch.interrupted(f"a socket's layer call failed: {error}")
        await self.close_to_resync()

    async def close_to_resync(self) -> None:
        if not self.closing_to_resync:
            self.closing_to_resync = True
            await self.close(code=CLOSE_TRY_AGAIN)

    async def group_leave(self, group: str) -> None:
        """Leave a group on the way out, also while the layer's server is unreachable (a
        subscription left behind there carries nothing to this closed socket)."""
        try:
            await self.channel_layer.group_discard(group, self.channel_name)
        except LAYER_ERRORS as error:
            logger.info("Channel layer unreachable, group %s not left: %s", group, error)

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
            try:
                await self.channel_layer.group_send(group, message)
            except LAYER_ERRORS as layer_error:
                # The work is saved but not announced: answer the frame, then close to resync
                # (dispatch), so every member catches up from the database.
                self.layer_error = layer_error
                break
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
        self.layer_watch = layer_watch(self.channel_layer)
        self.layer_watch.watch(self)
        await self.connected()

    async def connected(self) -> None:
        """Runs once the socket is accepted: subscribe to more groups, say hello."""

    async def disconnect(self, code: int) -> None:
        if self.layer_watch is not None:
            await self.layer_watch.forget(self)
        if self.user_group:
            await self.group_leave(self.user_group)

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
        if self.closing_to_resync:
            # Closed meanwhile (LayerWatch), maybe while this frame was being answered: the
            # server refuses to send on a socket it is closing, and the client catches up anyway.
            return
        await self.send(text_data=json.dumps(content))
