"""The chat benchmark's load client: many websockets in one asyncio loop.

A message is timed from just before its frame is written to the moment the frame that carries
it reaches the socket it was meant for, both read with time.perf_counter in this process:

- chat: the sender writes {"type": "send", ...} and the time stops when the OTHER member's
  socket receives the {"type": "message"} frame with that client key (the sender's own copy
  and its "sent" acknowledgement are not what is measured);
- echo: the frame comes back on the socket that wrote it.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidMessage,
    InvalidStatus,
    WebSocketException,
)
from websockets.typing import Origin

BODY = "Hello! Shall we meet on Thursday to go through the plan for next month?"


@dataclass
class Pending:
    sent_at: float
    recipient: int
    done: asyncio.Future | None = None


@dataclass
class Window:
    """Deliveries counted between two instants (a closed-loop measurement)."""

    start: float
    end: float
    count: int = 0


@dataclass
class Recorder:
    """What one measured stretch observed."""

    latencies_ms: list[float] = field(default_factory=list)
    sent: int = 0
    delivered: int = 0


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil, at least the first
    return ordered[min(int(rank), len(ordered)) - 1]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def latency_summary(recorder: Recorder) -> dict:
    values = recorder.latencies_ms
    return {
        "p50_ms": ms(percentile(values, 0.50)),
        "p99_ms": ms(percentile(values, 0.99)),
        "max_ms": ms(max(values) if values else None),
    }


class LoadClient:
    """`mode` is "chat" (the app's chat socket) or "echo" (the bare echo app)."""

    def __init__(self, url: str, origin: str, cookies: list[str | None], mode: str) -> None:
        self.url = url
        self.origin = Origin(origin)
        self.cookies = cookies
        self.mode = mode
        self.sockets: list[ClientConnection | None] = [None] * len(cookies)
        self.pending: dict[str, Pending] = {}
        self.recorder = Recorder()
        self.window: Window | None = None
        self.failures: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.unexpected_closes = 0
        self.send_failures = 0
        self.closing = False
        self.readers: list[asyncio.Task] = []

    # Connecting ---------------------------------------------------------------------------

    async def connect_all(self, timeout: float) -> dict:
        """Open every socket at once; a socket counts as connected once its hello frame
        arrived within `timeout` seconds of the start. Returns the failures and the time."""
        started = time.perf_counter()
        await asyncio.gather(*(self._connect(i, timeout) for i in range(len(self.cookies))))
        seconds = time.perf_counter() - started
        for index, ws in enumerate(self.sockets):
            if ws is not None:
                self.readers.append(asyncio.create_task(self._read(index, ws)))
        return {
            "failures": sum(self.failures.values()),
            "reasons": dict(self.failures),
            "seconds": round(seconds, 2),
        }

    async def _connect(self, index: int, timeout: float) -> None:
        cookie = self.cookies[index]
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else None
        ws = None
        try:
            async with asyncio.timeout(timeout):
                ws = await connect(
                    self.url,
                    origin=self.origin,
                    additional_headers=headers,
                    compression=None,
                    open_timeout=None,
                    ping_interval=None,
                    close_timeout=2,
                    max_queue=None,
                )
                frame = json.loads(await ws.recv())
            if frame.get("type") != "hello":
                raise ValueError(f"first frame is {frame.get('type')!r}, not hello")
        except TimeoutError:
            self.failures["no hello in time"] += 1
        except InvalidStatus as error:
            self.failures[f"http {error.response.status_code}"] += 1
        except ConnectionClosed as error:
            self.failures[f"closed {error.rcvd.code if error.rcvd else 'without a code'}"] += 1
        except InvalidMessage:
            # The server dropped the connection before answering the upgrade request (daphne
            # does when the application has not accepted within its connect timeout).
            self.failures["dropped before the HTTP response"] += 1
        except (OSError, ValueError, WebSocketException) as error:
            self.failures[type(error).__name__] += 1
        else:
            self.sockets[index] = ws
            return
        if ws is not None:
            ws.transport.abort()

    async def close_all(self, timeout: float = 10) -> None:
        self.closing = True
        open_sockets = [ws for ws in self.sockets if ws is not None]
        try:
            async with asyncio.timeout(timeout):
                await asyncio.gather(*(ws.close() for ws in open_sockets), return_exceptions=True)
        except TimeoutError:
            for ws in open_sockets:
                ws.transport.abort()
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)

    def connected(self, index: int) -> bool:
        return self.sockets[index] is not None

    # Receiving ----------------------------------------------------------------------------

    async def _read(self, index: int, ws: ClientConnection) -> None:
        chat = self.mode == "chat"
        try:
            async for raw in ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if chat:
                    if kind == "message":
                        self._arrived(frame["message"].get("client_key"), index)
                    elif kind == "error":
                        self.errors[str(frame.get("reason"))[:120]] += 1
                else:
                    self._arrived(frame.get("client_key"), index)
        except ConnectionClosed:
            pass
        if not self.closing:
            self.unexpected_closes += 1
            self.sockets[index] = None

    def _arrived(self, key: str | None, index: int) -> None:
        entry = self.pending.get(key)
        if entry is None or entry.recipient != index:
            return
        now = time.perf_counter()
        del self.pending[key]
        self.recorder.delivered += 1
        self.recorder.latencies_ms.append((now - entry.sent_at) * 1000)
        window = self.window
        if window is not None and window.start <= now <= window.end:
            window.count += 1
        if entry.done is not None and not entry.done.done():
            entry.done.set_result(now)

    # Sending ------------------------------------------------------------------------------

    def _pick(
        self, rng: random.Random, routes: list[tuple[int, int, int]]
    ) -> tuple[int, int, int] | None:
        """A random route whose two sockets are open (the server may close some mid-run);
        None once no route is left."""
        for _ in range(100):
            route = rng.choice(routes)
            if self.connected(route[0]) and self.connected(route[1]):
                return route
        open_routes = [r for r in routes if self.connected(r[0]) and self.connected(r[1])]
        return rng.choice(open_routes) if open_routes else None

    async def _send(
        self, key: str, sender: int, recipient: int, conversation: int, done=None
    ) -> None:
        frame = json.dumps(
            {"type": "send", "conversation": conversation, "body": BODY, "client_key": key}
        )
        ws = self.sockets[sender]
        self.pending[key] = Pending(time.perf_counter(), recipient, done)
        try:
            if ws is None:
                raise ConnectionClosed(None, None)
            await ws.send(frame)
        except ConnectionClosed:
            # The server closed this socket since it was picked: nothing was sent.
            del self.pending[key]
            self.sockets[sender] = None
            self.send_failures += 1
            if done is not None and not done.done():
                done.set_result(None)
            return
        self.recorder.sent += 1

    async def drain(
        self, prefix: str, idle: float, busy: Callable[[], bool] | None = None, limit: float = 300
    ) -> tuple[int, float]:
        """Wait for the messages still on their way until none is left, or until `idle`
        seconds passed with no delivery while the server had nothing left to do (`busy`
        tells whether it used the CPU since the last call; at most `limit` seconds in all).
        Returns how many never arrived (and forgets them) and how long the wait took."""
        started = time.perf_counter()
        last_count = self.recorder.delivered
        last_progress = last_check = started
        while any(key.startswith(prefix) for key in self.pending):
            now = time.perf_counter()
            if self.recorder.delivered != last_count:
                last_count, last_progress = self.recorder.delivered, now
            elif busy is not None and now - last_check >= 0.5:
                last_check = now
                if busy():
                    last_progress = now
            if now - last_progress > idle or now - started > limit:
                break
            await asyncio.sleep(0.01)
        lost = [key for key in self.pending if key.startswith(prefix)]
        for key in lost:
            del self.pending[key]
        return len(lost), time.perf_counter() - started

    async def open_loop(
        self,
        routes: list[tuple[int, int, int]],
        *,
        rate: float,
        duration: float,
        prefix: str,
        drain: float,
        seed: int,
        busy: Callable[[], bool] | None = None,
    ) -> dict:
        """Offer `rate` messages per second for `duration` seconds on a fixed schedule (the
        schedule does not wait for deliveries), each from one side of a random route
        (sender, recipient, conversation), then wait for the stragglers until `drain` seconds
        go by without a delivery while the server is idle: what is still missing then counts
        as lost."""
        rng = random.Random(seed)
        self.recorder = Recorder()
        count = int(rate * duration) + 1  # first and last send `duration` seconds apart
        start = time.perf_counter() + 0.05
        worst_lag = 0.0
        cpu_started = time.process_time()
        first = last = start
        for number in range(count):
            due = start + number / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.perf_counter()
            worst_lag = max(worst_lag, now - due)
            if number == 0:
                first = now
            last = now
            route = self._pick(rng, routes)
            if route is None:
                break
            await self._send(f"{prefix}{number}", *route)
        cpu = time.process_time() - cpu_started
        lost, drained = await self.drain(prefix, drain, busy)
        span = last - first
        return {
            **latency_summary(self.recorder),
            "sent": self.recorder.sent,
            "delivered": self.recorder.delivered,
            "lost": lost,
            "duration_s": round(span, 2),
            "drain_s": round(drained, 2),
            "send_lag_max_ms": ms(worst_lag * 1000),
            "client_cpu_percent": round(100 * cpu / max(last - first, 1e-9), 1),
        }

    async def closed_loop(
        self,
        routes: list[tuple[int, int, int]],
        *,
        inflight: int,
        duration: float,
        warmup: float,
        prefix: str,
        timeout: float,
        seed: int,
    ) -> dict:
        """Keep `inflight` messages on their way for `warmup + duration` seconds: each worker
        sends one, waits until the other member has it, sends the next. Counts deliveries in
        the last `duration` seconds."""
        loop = asyncio.get_running_loop()
        self.recorder = Recorder()
        begin = time.perf_counter()
        window = Window(begin + warmup, begin + warmup + duration)
        self.window = window
        timed_out = 0

        async def worker(number: int) -> None:
            nonlocal timed_out
            rng = random.Random(seed * 1000 + number)
            sequence = 0
            while time.perf_counter() < window.end:
                route = self._pick(rng, routes)
                if route is None:
                    return
                key = f"{prefix}{number}-{sequence}"
                sequence += 1
                done = loop.create_future()
                await self._send(key, *route, done)
                try:
                    async with asyncio.timeout(timeout):
                        await done
                except TimeoutError:
                    timed_out += 1
                    self.pending.pop(key, None)

        cpu_started = time.process_time()
        await asyncio.gather(*(worker(n) for n in range(inflight)))
        cpu = time.process_time() - cpu_started
        self.window = None
        measured = self.recorder.latencies_ms
        return {
            "msgs_per_s": round(window.count / duration, 1),
            "delivered_in_window": window.count,
            "timed_out": timed_out,
            "p50_ms": ms(percentile(measured, 0.5)),
            "p99_ms": ms(percentile(measured, 0.99)),
            "client_cpu_percent": round(100 * cpu / (time.perf_counter() - begin), 1),
        }
