"""The websocket soak of benchmarks/load.py: chat clients that behave like the chat page's
script (static/js/chat.js), sending at a steady rate while the channel layer's Redis is killed
and started again.

Like the page, a client

- keeps the messages it was sent, and the number up to which it has shown every message
  (`shown_through`, the page's `shownThrough`: sequence numbers have no gaps, so a number shown
  beyond it means one before it is missing), from live messages, its own acknowledgements and
  history alike;
- on every (re)connect asks for everything after `shown_through` ({"type": "sync"}) and sends
  again every message not yet acknowledged, with its client key (a resend is never stored twice);
- when a gap stays open for GAP_WAIT_SECONDS (a broadcast lost while later ones arrived), asks
  for everything after `shown_through` without waiting for a reconnect;
- follows a history answer that says it is not complete with the next page, while it fills the
  gap;
- reconnects after a close (unless signed out: 4401, 4404) after 1 s, doubling up to 30 s, back
  to 1 s once connected;
- sends a read receipt for each message of the other member, and a ping every 30 s.

Unlike the page, a message not acknowledged within 10 s is sent again by the client itself (the
page shows "Not sent" and a Retry button).

At the end every client asks once more for what follows its `shown_through`; a message that was
acknowledged to its sender and is still missing from a member's view then is lost.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.typing import Origin

BODY = "Are you still there? Let's go through the plan again on Thursday."
RETRY_SECONDS = 10.0
PING_SECONDS = 30.0
# As chat.js's GAP_WAIT_MS: how long a gap may stay open before it is asked for.
GAP_WAIT_SECONDS = 2.0
SIGNED_OUT = (4401, 4404)


@dataclass
class Conversation:
    id: int
    # sequence -> client key of every message acknowledged to its sender (both members).
    acknowledged: dict[int, str] = field(default_factory=dict)


@dataclass
class Stats:
    reconnects: int = 0
    handshake_failures: Counter = field(default_factory=Counter)
    close_codes: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    resends: int = 0
    history_pages: int = 0
    history_more_pages: int = 0
    gap_syncs: int = 0
    duplicate_keys: int = 0


class Client:
    """One chat page of one person, showing one conversation."""

    def __init__(
        self,
        *,
        url: str,
        origin: str,
        cookie: str,
        user_id: int,
        conversation: Conversation,
        seen_up_to: int,
        stats: Stats,
    ) -> None:
        self.url = url
        self.origin = Origin(origin)
        self.cookie = cookie
        self.user_id = user_id
        self.conversation = conversation
        self.stats = stats
        self.shown_through = seen_up_to
        self.highest = seen_up_to
        self.gap_check: asyncio.TimerHandle | None = None
        # The sequences this page shows.
        self.held: set[int] = set(range(1, seen_up_to + 1))
        # client key -> body of messages written and not acknowledged yet.
        self.pending: dict[str, str] = {}
        self.sent_at: dict[str, float] = {}
        self.socket: ClientConnection | None = None
        self.stopping = False
        self.syncing: asyncio.Event | None = None
        self.task: asyncio.Task | None = None
        self.connected_once = asyncio.Event()

    # The connection, as chat.js keeps it ---------------------------------------------------------

    async def run(self) -> None:
        retry_delay = 1.0
        first = True
        while not self.stopping:
            if not first:
                self.stats.reconnects += 1
            first = False
            try:
                socket = await connect(
                    self.url,
                    origin=self.origin,
                    additional_headers={"Cookie": f"sessionid={self.cookie}"},
                    compression=None,
                    open_timeout=60,
                    ping_interval=None,
                    close_timeout=2,
                    max_queue=None,
                )
            except InvalidStatus as error:
                self.stats.handshake_failures[f"http {error.response.status_code}"] += 1
            except (OSError, TimeoutError, WebSocketException) as error:
                self.stats.handshake_failures[type(error).__name__] += 1
            else:
                retry_delay = 1.0
                code = await self.connected(socket)
                self.stats.close_codes[str(code)] += 1
                if code in SIGNED_OUT:
                    return
            if self.stopping:
                return
            await asyncio.sleep(retry_delay)
            retry_delay = min(retry_delay * 2, 30.0)

    async def connected(self, socket: ClientConnection) -> int | None:
        self.socket = socket
        self.connected_once.set()
        pinger = asyncio.get_running_loop().create_task(self.ping())
        try:
            await self.send(
                {"type": "sync", "conversation": self.conversation.id, "after": self.shown_through}
            )
            for key in list(self.pending):
                await self.submit(key)
            async for raw in socket:
                self.received(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            pinger.cancel()
            self.socket = None
            if self.syncing is not None:
                self.syncing.set()
        return socket.close_code

    async def ping(self) -> None:
        while True:
            await asyncio.sleep(PING_SECONDS)
            await self.send({"type": "ping"})

    async def send(self, frame: dict) -> bool:
        socket = self.socket
        if socket is None:
            return False
        try:
            await socket.send(json.dumps(frame))
        except ConnectionClosed:
            return False
        return True

    # Writing -----------------------------------------------------------------------------------

    async def write(self, key: str) -> None:
        """The person writes a message and presses Enter."""
        self.pending[key] = BODY
        await self.submit(key)

    async def submit(self, key: str) -> None:
        if key in self.sent_at:
            self.stats.resends += 1
        self.sent_at[key] = time.monotonic()
        await self.send(
            {
                "type": "send",
                "conversation": self.conversation.id,
                "body": self.pending[key],
                "client_key": key,
            }
        )

    async def retry_overdue(self) -> None:
        now = time.monotonic()
        for key in list(self.pending):
            if now - self.sent_at.get(key, now) > RETRY_SECONDS and self.socket is not None:
                await self.submit(key)

    # Reading -----------------------------------------------------------------------------------

    def received(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind in ("message", "sent"):
            message = frame["message"]
            if message.get("conversation") != self.conversation.id:
                return
            self.show(message)
            if kind == "sent":
                key = frame.get("client_key")
                self.pending.pop(key, None)
                known = self.conversation.acknowledged.setdefault(message["sequence"], key)
                if known != key:
                    self.stats.duplicate_keys += 1
            elif message.get("sender", {}).get("id") != self.user_id:
                asyncio.get_running_loop().create_task(
                    self.send(
                        {
                            "type": "read",
                            "conversation": self.conversation.id,
                            "sequence": message["sequence"],
                        }
                    )
                )
        elif kind == "history" and frame.get("conversation") == self.conversation.id:
            self.stats.history_pages += 1
            before = self.shown_through
            for message in frame["messages"]:
                self.show(message)
            if not frame.get("complete", True) and self.shown_through > before:
                self.stats.history_more_pages += 1
                self.sync_from_gap()
            elif self.syncing is not None:
                self.syncing.set()
        elif kind == "error":
            self.stats.errors[str(frame.get("reason"))[:100]] += 1

    def show(self, message: dict) -> None:
        self.held.add(message["sequence"])
        self.highest = max(self.highest, message["sequence"])
        while self.shown_through + 1 in self.held:
            self.shown_through += 1
        if self.highest > self.shown_through and self.gap_check is None:
            self.gap_check = asyncio.get_running_loop().call_later(
                GAP_WAIT_SECONDS, self.gap_still_open
            )

    def gap_still_open(self) -> None:
        self.gap_check = None
        if self.highest > self.shown_through:
            self.stats.gap_syncs += 1
            self.sync_from_gap()

    def sync_from_gap(self) -> None:
        asyncio.get_running_loop().create_task(
            self.send(
                {"type": "sync", "conversation": self.conversation.id, "after": self.shown_through}
            )
        )

    async def final_sync(self, timeout: float) -> bool:
        """Ask for what follows `shown_through` once more and wait for the answer."""
        after = self.shown_through
        self.syncing = asyncio.Event()
        if not await self.send(
            {"type": "sync", "conversation": self.conversation.id, "after": after}
        ):
            return False
        try:
            async with asyncio.timeout(timeout):
                await self.syncing.wait()
        except TimeoutError:
            return False
        return self.socket is not None

    def missing_sequences(self) -> set[int]:
        return set(self.conversation.acknowledged) - self.held

    def missing(self) -> int:
        return len(self.missing_sequences())

    async def stop(self) -> None:
        self.stopping = True
        if self.socket is not None:
            await self.socket.close()
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


@dataclass
class Fault:
    """Kill the layer's Redis `after` seconds into the sending, start it `down` seconds later."""

    after: float
    down: float
    kill: Callable[[], None]
    start: Callable[[], Awaitable[None]]


async def soak(
    *,
    url: str,
    origin: str,
    members: list[tuple[str, int, int, int]],
    rate: float,
    duration: float,
    fault: Fault | None,
    drain_timeout: float,
    log: Callable[[str], None],
) -> dict:
    """`members`: (session key, user id, conversation id, sequences already shown) per client.
    Every client connects, then messages are written at `rate` per second for `duration`
    seconds, each by a random client; `fault` happens meanwhile."""
    stats = Stats()
    conversations: dict[int, Conversation] = {}
    clients = []
    for cookie, user_id, conversation_id, seen in members:
        conversation = conversations.setdefault(conversation_id, Conversation(conversation_id))
        clients.append(
            Client(
                url=url,
                origin=origin,
                cookie=cookie,
                user_id=user_id,
                conversation=conversation,
                seen_up_to=seen,
                stats=stats,
            )
        )
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    for client in clients:
        client.task = loop.create_task(client.run())
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(client.connected_once.wait() for client in clients))
    except TimeoutError:
        log(f"soak: {sum(not c.connected_once.is_set() for c in clients)} clients not connected")
    log(f"soak: {len(clients)} clients connected in {time.perf_counter() - started:.1f} s")

    fault_timing: dict[str, float] = {}

    async def inject() -> None:
        await asyncio.sleep(fault.after)
        fault.kill()
        fault_timing["killed"] = time.perf_counter()
        log("soak: Redis killed")
        await asyncio.sleep(fault.down)
        await fault.start()
        fault_timing["started"] = time.perf_counter()
        log("soak: Redis started again")

    async def retries() -> None:
        while True:
            await asyncio.sleep(1)
            for client in clients:
                await client.retry_overdue()

    rng = random.Random(7)
    retrier = loop.create_task(retries())
    injector = loop.create_task(inject()) if fault else None
    written = 0
    begin = time.perf_counter() + 0.05
    count = int(rate * duration)
    for number in range(count):
        delay = begin + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await rng.choice(clients).write(f"soak-{number}")
        written += 1
    if injector is not None:
        await injector
    log(f"soak: {written} messages written; waiting for every acknowledgement")

    # Everything written is acknowledged in the end (clients retry), and every client is back.
    drain_started = time.perf_counter()
    while time.perf_counter() - drain_started < drain_timeout:
        if not any(c.pending for c in clients) and all(c.socket for c in clients):
            break
        await asyncio.sleep(0.2)
    # Broadcasts still on their way.
    await asyncio.sleep(2)
    drained = time.perf_counter() - drain_started
    retrier.cancel()
    missing_live = sum(client.missing() for client in clients)
    synced = await asyncio.gather(*(client.final_sync(30) for client in clients))
    lost = sum(client.missing() for client in clients)
    acknowledged = sum(len(c.acknowledged) for c in conversations.values())
    unacknowledged = sum(len(client.pending) for client in clients)
    for client in clients:
        await client.stop()
    result = {
        "ws_clients": len(clients),
        "ws_conversations": len(conversations),
        "ws_messages_written": written,
        "ws_messages_sent": acknowledged,
        "ws_messages_unacknowledged": unacknowledged,
        "ws_messages_lost_after_resync": lost,
        "ws_messages_missing_before_final_sync": missing_live,
        "ws_final_sync_failures": synced.count(False),
        "ws_reconnects": stats.reconnects,
        "ws_handshake_failures": dict(stats.handshake_failures),
        "ws_close_codes": dict(stats.close_codes),
        "ws_error_frames": dict(stats.errors),
        "ws_resends": stats.resends,
        "ws_history_pages": stats.history_pages,
        "ws_history_more_pages": stats.history_more_pages,
        "ws_gap_syncs": stats.gap_syncs,
        "ws_sequence_conflicts": stats.duplicate_keys,
        "ws_rate": rate,
        "ws_duration_s": duration,
        "ws_drain_s": round(drained, 1),
    }
    if fault_timing:
        result["redis_down_seconds"] = round(fault_timing["started"] - fault_timing["killed"], 2)
    return result
