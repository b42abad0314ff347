"""Live chat under load, end to end: the real ASGI server with the Redis channel layer.

daphne on loopback, 1,000 websocket clients in 500 one-to-one conversations, 200 messages per
second offered for 10 seconds. Baselines measured in the same run: a bare ASGI websocket echo
server (the floor) and the same chat server on the in-process channel layer (what Redis costs).

Prints one JSON object as its last line (progress goes to stderr):

- handshake_failures: of the 1,000 sockets opened at once, those that did not get the chat's
  hello frame within --connect-timeout seconds;
- p50_ms, p99_ms, max_ms: send -> delivered to the other member of the conversation, over an
  open-loop schedule of --rate messages per second for --duration seconds (each message from
  one member of a random conversation); sent, delivered, lost (never delivered: still missing
  once --drain seconds went by with no delivery and an idle server);
- echo_p99_ms: the same clients and schedule against a bare echo app, round trips;
- saturation_msgs_per_s_redis, saturation_msgs_per_s_inmemory, redis_vs_inmemory: a closed
  loop with --inflight messages on their way for --saturation-seconds, delivered messages per
  second, against the chat server on each channel layer (two server starts, same data);
- targets_met: handshake_failures 0, lost 0, p99_ms <= 30 and redis_vs_inmemory >= 0.7.

Needs DATABASE_URL (a PostgreSQL server: a throwaway database bench_chat_<pid> is created on it,
migrated, seeded and dropped) and REDIS_URL (the servers use the database number --redis-db of
that Redis and keys under bench-chat-<pid>:, deleted at the end).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/chat.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
STARTED = time.perf_counter()

P99_TARGET_MS = 30
LATENCY_KEYS = (
    "p50_ms", "p99_ms", "max_ms", "sent", "delivered", "lost", "duration_s", "drain_s",
    "send_lag_max_ms", "client_cpu_percent", "server_cpu_percent",
)  # fmt: skip
SATURATION_KEYS = (
    "msgs_per_s", "delivered_in_window", "timed_out", "p50_ms", "p99_ms",
    "client_cpu_percent", "server_cpu_percent",
)  # fmt: skip
REDIS_VS_INMEMORY_TARGET = 0.7


def log(text: str) -> None:
    print(f"[chat {time.perf_counter() - STARTED:6.1f}s] {text}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 100 clients, 3 s")
    parser.add_argument("--clients", type=int, help="websocket clients (even; default 1000)")
    parser.add_argument("--rate", type=float, default=200, help="messages offered per second")
    parser.add_argument("--duration", type=float, help="seconds of offered load (default 10)")
    parser.add_argument("--inflight", type=int, default=64, help="saturation: messages in flight")
    parser.add_argument("--saturation-seconds", type=float, help="default: as --duration")
    parser.add_argument("--connect-timeout", type=float, default=20, help="seconds to hello")
    parser.add_argument(
        "--drain",
        type=float,
        default=5,
        help="stop waiting for stragglers after this many seconds with no delivery and an idle server",
    )
    parser.add_argument("--redis-db", type=int, default=15, help="Redis database number")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes as deployed (default: one per core)",
    )
    args = parser.parse_args()
    args.clients = args.clients or (100 if args.quick else 1000)
    args.duration = args.duration or (3.0 if args.quick else 10.0)
    args.saturation_seconds = args.saturation_seconds or args.duration
    if args.clients < 2 or args.clients % 2:
        parser.error("--clients is an even number: two people per conversation")

    database_url, redis_url = services_from_environment("benchmarks/chat.py")
    # SIGTERM cleans up like Ctrl-C: servers stopped, database dropped, Redis keys deleted.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load = os.getloadavg()[0]
    if load > 0.5:
        log(f"the machine is busy (load average {load:.2f}): the figures will be noisy")
    pid = os.getpid()
    database_name = f"bench_chat_{pid}"
    prefix = f"bench-chat-{pid}:"
    bench_redis_url = with_path(redis_url, f"/{args.redis_db}")
    with tempfile.TemporaryDirectory(prefix="bench-chat-") as var_dir:
        create_database(database_url, database_name)
        try:
            configure_django(
                database_url=with_path(database_url, f"/{database_name}"),
                redis_url=bench_redis_url,
                prefix=prefix,
                var_dir=var_dir,
            )
            result = run(args, var_dir)
        finally:
            close_django_connections()
            drop_database(database_url, database_name)
            delete_redis_keys(bench_redis_url, prefix)
    result["load_average_at_start"] = round(load, 2)
    result["run_seconds"] = round(time.perf_counter() - STARTED, 1)
    print(json.dumps(result))


# Database, Redis and Django ---------------------------------------------------------------------


def services_from_environment(script: str) -> tuple[str, str]:
    """(DATABASE_URL, REDIS_URL) from the environment, or exit 2 saying what is missing: the
    benchmarks that run the real server need PostgreSQL and Redis."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url or not redis_url:
        print(
            f"{script} needs DATABASE_URL (a PostgreSQL server) and REDIS_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            f"REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python {script}",
            file=sys.stderr,
        )
        sys.exit(2)
    if urlsplit(database_url).scheme not in ("postgres", "postgresql", "pgsql", "psql"):
        print(f"{script}: DATABASE_URL must point at PostgreSQL.", file=sys.stderr)
        sys.exit(2)
    return database_url, redis_url


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


@contextmanager
def maintenance_connection(database_url: str):
    """An autocommit connection to the server's `postgres` database."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    connection = psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        yield connection
    finally:
        connection.close()


def create_database(database_url: str, name: str) -> None:
    from psycopg import sql

    with maintenance_connection(database_url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"created database {name}")


def drop_database(database_url: str, name: str) -> None:
    from psycopg import sql

    with maintenance_connection(database_url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    log(f"dropped database {name}")


def delete_redis_keys(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        deleted = 0
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
        log(f"deleted {deleted} Redis keys {prefix}* from {redis_url}")
    finally:
        client.close()


def configure_django(*, database_url: str, redis_url: str, prefix: str, var_dir: str) -> None:
    """The environment of this process and of the servers it starts, then Django on it."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "chat_support.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "BENCH_REDIS_PREFIX": prefix,
            "VAR_DIR": var_dir,
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(BASE_DIR)]),
            # Each client sends far more than a person's 30 a minute: the benchmark measures
            # delivery, not the pace limit.
            "RATE_LIMIT_MESSAGE_SEND": "1000000/m",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


def close_django_connections() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


# Servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The application served as the Procfile and the image serve it (`manage.py serve`:
    daphne, in `processes` processes sharing one listening socket), in a child process."""

    def __init__(
        self, name: str, application: str, var_dir: str, *, processes: int = 1, **env: str
    ) -> None:
        self.name = name
        self.application = application
        self.processes = processes
        self.port = free_port()
        self.log_path = Path(var_dir) / f"daphne-{name}.log"
        self.env = {**os.environ, **env}
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            sys.executable, str(BASE_DIR / "manage.py"), "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--processes", str(self.processes), "--application", self.application,
        ]  # fmt: skip

    def __enter__(self) -> Server:
        command = self.command()
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            command, cwd=BASE_DIR, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                self.log_file.close()
                raise RuntimeError(f"daphne ({self.name}) stopped:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError(f"daphne ({self.name}) did not listen within 60 s") from None
                time.sleep(0.1)
        log(f"daphne ({self.name}) listening on 127.0.0.1:{self.port}, pid {self.process.pid}")
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def busy(self) -> bool:
        """Whether the server used more than 5% of a core since the last call."""
        now, cpu = time.perf_counter(), self.cpu_seconds()
        last_now, last_cpu = getattr(self, "_last_busy_check", (now - 1, cpu))
        self._last_busy_check = (now, cpu)
        return (cpu - last_cpu) > 0.05 * (now - last_now)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far: its daphne processes, all threads (in
        per cent of one core, two processes can show up to 200)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids += [int(pid) for pid in children.read_text().split()]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def exceptions(self) -> int:
        """Exceptions the application raised so far (daphne logs each one); the first few
        distinct ones go to stderr."""
        self.log_file.flush()
        lines = self.log_path.read_text(errors="replace").splitlines()
        found = [line for line in lines if line.startswith("Exception inside application")]
        for line in sorted(set(found))[:5]:
            log(f"daphne ({self.name}): {line[:300]}")
        return len(found)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


# The run --------------------------------------------------------------------------------------


def run(args, var_dir: str) -> dict:
    from chat_support.seed import seed
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    log("migrated")
    seeded = seed(args.clients // 2)
    database = connection.vendor
    # Planner statistics, as a database in service has them (autovacuum would otherwise
    # analyse the fresh tables in the middle of the first measurement).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    close_django_connections()
    log(f"seeded {len(seeded.pairs)} mentorships, {len(seeded.session_keys)} sessions")
    # Everything built so far lives for the whole run: keep the collector off it.
    gc.collect()
    gc.freeze()

    # Each message goes from one side of a conversation to the other.
    routes = [(a, b, c) for a, b, c in seeded.pairs] + [(b, a, c) for a, b, c in seeded.pairs]
    common = {"rate": args.rate, "duration": args.duration, "drain": args.drain}
    saturation = {
        "inflight": args.inflight,
        "duration": args.saturation_seconds,
        "warmup": min(2.0, args.saturation_seconds / 3),
        "timeout": 10.0,
    }

    with Server("echo", "chat_support.echo:application", var_dir) as server:
        echo = asyncio.run(echo_phase(server, args.clients, args.connect_timeout, common))
    log(f"echo: {echo}")

    # As deployed: the Redis layer, one process per core (args.processes). Then the layer
    # comparison, which only means something process for process: the in-memory layer cannot
    # span processes, so both run one.
    results = {}
    runs = [
        ("deployed", "redis", args.processes),
        ("redis", "redis", 1),
        ("inmemory", "inmemory", 1),
    ]
    for name, layer, processes in runs:
        with Server(
            f"chat-{name}",
            "mentorship.asgi:application",
            var_dir,
            processes=processes,
            BENCH_CHANNEL_LAYER=layer,
        ) as server:
            results[name] = asyncio.run(
                chat_phase(server, seeded, routes, args.connect_timeout, common, saturation)
            )
        log(f"chat on {layer}, {processes} process(es): {results[name]}")

    deployed, redis, inmemory = results["deployed"], results["redis"], results["inmemory"]
    latency = deployed["latency"]
    redis_rate = redis["saturation"]["msgs_per_s"]
    inmemory_rate = inmemory["saturation"]["msgs_per_s"]
    ratio = (
        round(redis_rate / inmemory_rate, 3) if redis_rate is not None and inmemory_rate else None
    )
    result = {
        "benchmark": "chat",
        "clients": args.clients,
        "offered_msgs_per_s": args.rate,
        "duration_s": latency["duration_s"],
        "server_processes": args.processes,
        "handshake_failures": deployed["connect"]["failures"],
        "sent": latency["sent"],
        "delivered": latency["delivered"],
        "lost": latency["lost"],
        "p50_ms": latency["p50_ms"],
        "p99_ms": latency["p99_ms"],
        "max_ms": latency["max_ms"],
        "echo_p99_ms": echo["latency"]["p99_ms"],
        "saturation_msgs_per_s_redis": redis_rate,
        "saturation_msgs_per_s_inmemory": inmemory_rate,
        "redis_vs_inmemory": ratio,
        "database": database,
    }
    result["targets_met"] = bool(
        result["handshake_failures"] == 0
        and result["lost"] == 0
        and result["delivered"]
        and result["p99_ms"] is not None
        and result["p99_ms"] <= P99_TARGET_MS
        and ratio is not None
        and ratio >= REDIS_VS_INMEMORY_TARGET
    )
    # The details behind the figures above.
    result.update(
        {
            "connect_seconds": deployed["connect"]["seconds"],
            "handshake_failure_reasons": deployed["connect"]["reasons"],
            "error_frames": deployed["errors"],
            "sockets_closed_by_server": deployed["unexpected_closes"],
            "send_failures": deployed["send_failures"],
            "server_exceptions": deployed["server_exceptions"],
            "saturation_msgs_per_s_deployed": deployed["saturation"]["msgs_per_s"],
            "redis_one_process_p99_ms": redis["latency"]["p99_ms"],
            "redis_one_process_handshake_failures": redis["connect"]["failures"],
            "redis_server_exceptions": redis["server_exceptions"],
            "inmemory_server_exceptions": inmemory["server_exceptions"],
            "drain_s": latency["drain_s"],
            "send_lag_max_ms": latency["send_lag_max_ms"],
            "server_cpu_percent": latency["server_cpu_percent"],
            "client_cpu_percent": latency["client_cpu_percent"],
            "echo_p50_ms": echo["latency"]["p50_ms"],
            "echo_max_ms": echo["latency"]["max_ms"],
            "echo_lost": echo["latency"]["lost"],
            "echo_handshake_failures": echo["connect"]["failures"],
            "inmemory_p50_ms": inmemory["latency"]["p50_ms"],
            "inmemory_p99_ms": inmemory["latency"]["p99_ms"],
            "inmemory_lost": inmemory["latency"]["lost"],
            "inmemory_handshake_failures": inmemory["connect"]["failures"],
            "saturation_inflight": args.inflight,
            "saturation_seconds": args.saturation_seconds,
            "saturation_p50_ms_redis": redis["saturation"]["p50_ms"],
            "saturation_p50_ms_inmemory": inmemory["saturation"]["p50_ms"],
            "saturation_timed_out_redis": redis["saturation"]["timed_out"],
            "saturation_timed_out_inmemory": inmemory["saturation"]["timed_out"],
            "saturation_server_cpu_percent_redis": redis["saturation"]["server_cpu_percent"],
            "saturation_server_cpu_percent_inmemory": inmemory["saturation"]["server_cpu_percent"],
        }
    )
    return result


async def measured(server: Server, work) -> dict:
    """Run `work` and add the server's CPU use meanwhile, in percent of one core."""
    cpu = server.cpu_seconds()
    started = time.perf_counter()
    outcome = await work
    outcome["server_cpu_percent"] = round(
        100 * (server.cpu_seconds() - cpu) / (time.perf_counter() - started), 1
    )
    return outcome


async def echo_phase(server: Server, clients: int, connect_timeout: float, common: dict) -> dict:
    from chat_support.client import LoadClient

    client = LoadClient(
        f"ws://127.0.0.1:{server.port}/echo/", server.origin, [None] * clients, "echo"
    )
    connected = await client.connect_all(connect_timeout)
    log(f"echo: {clients - connected['failures']}/{clients} connected in {connected['seconds']} s")
    routes = [(i, i, 0) for i in range(clients) if client.connected(i)]
    try:
        latency = await measured(
            server, client.open_loop(routes, prefix="e", seed=1, busy=server.busy, **common)
        )
    finally:
        await client.close_all()
    return {"connect": connected, "latency": latency}


async def chat_phase(
    server: Server, seeded, routes, connect_timeout: float, common: dict, saturation: dict
) -> dict:
    from chat_support.client import LoadClient

    url = f"ws://127.0.0.1:{server.port}/ws/o/{seeded.org_slug}/chat/"
    client = LoadClient(url, server.origin, seeded.session_keys, "chat")
    clients = len(seeded.session_keys)
    connected = await client.connect_all(connect_timeout)
    log(
        f"{server.name}: {clients - connected['failures']}/{clients} connected in "
        f"{connected['seconds']} s {connected['reasons'] or ''}"
    )
    # Only conversations with both members connected carry messages.
    live = [r for r in routes if client.connected(r[0]) and client.connected(r[1])]
    latency, closed = dict.fromkeys(LATENCY_KEYS), dict.fromkeys(SATURATION_KEYS)
    try:
        if live:
            # A short warm-up at the same rate, not measured: connection pools, caches and
            # the first run of every code path, as a server that has been up for a while has.
            await client.open_loop(
                live, prefix=f"warm-{server.name}-", seed=9, busy=server.busy,
                **{**common, "duration": min(2.0, common["duration"])},
            )  # fmt: skip
            latency = await measured(
                server,
                client.open_loop(
                    live, prefix=f"lat-{server.name}-", seed=2, busy=server.busy, **common
                ),
            )
            log(f"{server.name}: open loop {latency}")
            closed = await measured(
                server, client.closed_loop(live, prefix=f"sat-{server.name}-", seed=3, **saturation)
            )
            log(f"{server.name}: closed loop {closed}")
        else:
            log(f"{server.name}: no conversation has both members connected, nothing to measure")
    finally:
        await client.close_all()
    return {
        "connect": connected,
        "latency": latency,
        "saturation": closed,
        "errors": dict(client.errors),
        "unexpected_closes": client.unexpected_closes,
        "send_failures": client.send_failures,
        "server_exceptions": server.exceptions(),
    }


if __name__ == "__main__":
    main()
