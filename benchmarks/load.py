"""The whole platform under load, and chat through a Redis restart.

Two phases against the real ASGI server (daphne, `manage.py serve` with --processes processes
on one port, as benchmarks/chat.py starts it), on a throwaway PostgreSQL database seeded with
one organisation: a few programs and cohorts, --pairs mentorships with their conversations,
goals, milestones and meetings, program managers and report viewers.

1. HTTP load (locust, headless, in a child process: it runs on gevent): --users people (nine
   participants for one manager or report viewer) sign in through the sign-in form, then
   browse and write with a think time of --wait-min to --wait-max seconds between actions (see
   load_support/locustfile.py) for --duration seconds once all of them are in. The servers use
   REDIS_URL (database --redis-db, keys under bench-load-<pid>:, deleted at the end).
2. Websocket soak: a private redis-server on a free port (never the machine's own) carries the
   servers' channel layer, cache and broker. --ws-clients chat clients (both members of
   --ws-clients / 2 conversations) behave like the chat page's script (load_support/soak.py)
   and write --ws-rate messages per second for --ws-duration seconds; --redis-down-after
   seconds in, that Redis is killed (SIGKILL) and started again on the same port
   --redis-down-seconds later.

Prints one JSON object as its last line (progress goes to stderr): users, requests,
failure_ratio and p95_ms of the HTTP phase (requests once every user signed in; per-endpoint
p95 in p95_ms_by_endpoint), sign-ins; ws_clients, ws_messages_sent (acknowledged sends),
ws_messages_lost_after_resync (acknowledged messages missing from a member's view after a final
resync); targets_met: no failed request or sign-in, and no message lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/load.py [--users 200 --duration 60] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import chat  # noqa: E402 - the chat benchmark's database, Redis and server helpers

STARTED = time.perf_counter()
GENEROUS_MESSAGE_RATE = "1000000/m"


def log(text: str) -> None:
    print(f"[load {time.perf_counter() - STARTED:6.1f}s] {text}", file=sys.stderr, flush=True)


chat.log = log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 users, 10 s")
    parser.add_argument("--users", type=int, help="concurrent HTTP users (default 200)")
    parser.add_argument("--duration", type=float, help="seconds of HTTP load (default 60)")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default 2)")
    parser.add_argument("--wait-min", type=float, default=3.0, help="think time, seconds")
    parser.add_argument("--wait-max", type=float, default=10.0, help="think time, seconds")
    parser.add_argument("--pairs", type=int, help="mentorships seeded (default 200)")
    parser.add_argument("--ws-clients", type=int, help="chat clients (even; default 200)")
    parser.add_argument(
        "--ws-rate", type=float, help="messages written per second (default: --ws-clients / 10)"
    )
    parser.add_argument("--ws-duration", type=float, help="seconds of writing (default 30)")
    parser.add_argument("--redis-down-after", type=float, help="seconds (default 10)")
    parser.add_argument("--redis-down-seconds", type=float, default=5, help="seconds")
    parser.add_argument("--redis-db", type=int, default=14, help="REDIS_URL's database number")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (default: one per core)",
    )
    parser.add_argument("--skip-http", action="store_true", help="the websocket soak only")
    parser.add_argument("--skip-soak", action="store_true", help="the HTTP load only")
    parser.add_argument(
        "--logs", type=Path, help="keep the servers' and locust's logs in this folder"
    )
    args = parser.parse_args()
    args.users = args.users or (20 if args.quick else 200)
    args.duration = args.duration or (10.0 if args.quick else 60.0)
    args.spawn_rate = args.spawn_rate or (5.0 if args.quick else 2.0)
    args.pairs = args.pairs or (40 if args.quick else 200)
    args.ws_clients = args.ws_clients or (40 if args.quick else 200)
    args.ws_rate = args.ws_rate or args.ws_clients / 10
    args.ws_duration = args.ws_duration or (12.0 if args.quick else 30.0)
    args.redis_down_after = args.redis_down_after or (4.0 if args.quick else 10.0)
    if args.ws_clients < 2 or args.ws_clients % 2 or args.ws_clients > 2 * args.pairs:
        parser.error("--ws-clients is even, at most twice --pairs: both members of a pair")

    database_url, redis_url = chat.services_from_environment("benchmarks/load.py")
    if shutil.which("redis-server") is None:
        print("benchmarks/load.py needs redis-server (the soak runs its own).", file=sys.stderr)
        sys.exit(2)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load = os.getloadavg()[0]
    if load > 0.5:
        log(f"the machine is busy (load average {load:.2f}): the figures will be noisy")
    pid = os.getpid()
    database_name = f"bench_load_{pid}"
    prefix = f"bench-load-{pid}:"
    bench_redis_url = chat.with_path(redis_url, f"/{args.redis_db}")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as var_dir:
        chat.create_database(database_url, database_name)
        try:
            configure_django(
                database_url=chat.with_path(database_url, f"/{database_name}"),
                redis_url=bench_redis_url,
                prefix=prefix,
                var_dir=var_dir,
            )
            result = run(args, var_dir)
        finally:
            chat.close_django_connections()
            chat.drop_database(database_url, database_name)
            chat.delete_redis_keys(bench_redis_url, prefix)
    result["load_average_at_start"] = round(load, 2)
    result["run_seconds"] = round(time.perf_counter() - STARTED, 1)
    print(json.dumps(result))


def configure_django(*, database_url: str, redis_url: str, prefix: str, var_dir: str) -> None:
    """The environment of this process and of the servers it starts, then Django on it."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "load_support.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "BENCH_REDIS_PREFIX": prefix,
            "VAR_DIR": var_dir,
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1",
            "RATE_LIMIT_MESSAGE_SEND": GENEROUS_MESSAGE_RATE,
            "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(BASE_DIR)]),
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def run(args, var_dir: str) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from load_support.seed import seed

    call_command("migrate", verbosity=0, interactive=False)
    log("migrated")
    plan = seed(args.pairs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(
        f"seeded {args.pairs} mentorships, {len(plan.participants)} participants, "
        f"{len(plan.managers)} managers and report viewers"
    )
    result: dict = {"benchmark": "load", "server_processes": args.processes}
    if not args.skip_http:
        result |= http_phase(args, plan, var_dir)
    if not args.skip_soak:
        result |= soak_phase(args, plan, var_dir)
    http_ok = args.skip_http or (
        result["requests"] > 0 and result["failures"] == 0 and result["sign_in_failures"] == 0
    )
    soak_ok = args.skip_soak or (
        result["ws_messages_sent"] > 0
        and result["ws_messages_lost_after_resync"] == 0
        and result["ws_messages_unacknowledged"] == 0
    )
    result["targets_met"] = bool(http_ok and soak_ok)
    return result


# HTTP ------------------------------------------------------------------------------------------


def http_phase(args, plan, var_dir: str) -> dict:
    plan_path = Path(var_dir) / "plan.json"
    plan_path.write_text(json.dumps(plan.as_json()))
    logins_path = Path(var_dir) / "logins.json"
    csv_prefix = Path(var_dir) / "locust"
    ramp = args.users / args.spawn_rate
    run_time = int(ramp + args.duration + 0.999)
    with chat.Server(
        "http", "mentorship.asgi:application", var_dir, processes=args.processes
    ) as server:
        wait_until_ready(server)
        command = [
            sys.executable, "-m", "locust",
            "-f", str(BENCH_DIR / "load_support" / "locustfile.py"),
            "--headless", "--host", server.origin,
            "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
            "--run-time", f"{run_time}s", "--reset-stats", "--stop-timeout", "10",
            "--csv", str(csv_prefix), "--only-summary",
            "--loglevel", "INFO" if args.logs else "WARNING",
        ]  # fmt: skip
        env = {
            **os.environ,
            "LOAD_PLAN": str(plan_path),
            "LOAD_LOGINS": str(logins_path),
            "LOAD_WAIT_MIN": str(args.wait_min),
            "LOAD_WAIT_MAX": str(args.wait_max),
        }
        log(
            f"locust: {args.users} users, {args.spawn_rate}/s ({ramp:.0f} s to sign everyone in), "
            f"then {args.duration:.0f} s measured"
        )
        children_before = children_cpu_seconds()
        output_path = Path(var_dir) / "locust.log"
        with output_path.open("w") as output:
            started = time.perf_counter()
            locust = subprocess.Popen(  # noqa: S603 - our own fixed command line
                command, cwd=BENCH_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )
            # The measured window: from the moment every user runs (the statistics are reset
            # then) to the end. CPU is read at both ends.
            try:
                time.sleep(max(0.0, started + ramp - time.perf_counter()))
                window_start = (time.perf_counter(), server.cpu_seconds(), database_cpu_seconds())
                time.sleep(max(0.0, started + run_time - time.perf_counter()))
                window_end = (time.perf_counter(), server.cpu_seconds(), database_cpu_seconds())
                returncode = locust.wait(timeout=120)
            finally:
                if locust.poll() is None:
                    locust.kill()
                    locust.wait()
        locust_cpu = (
            100 * (children_cpu_seconds() - children_before) / (time.perf_counter() - started)
        )
        exceptions = server.exceptions()
        keep_logs(args, server.log_path)
    locust_output = output_path.read_text(errors="replace")
    if args.logs:
        (args.logs / "locust.log").write_text(locust_output)
    if returncode not in (0, 1):  # 1: some requests failed, reported below
        sys.stderr.write(locust_output[-6000:])
        raise RuntimeError(f"locust stopped with status {returncode}")
    for line in locust_output.splitlines()[-40:]:
        log(f"locust: {line}")
    window = window_end[0] - window_start[0]
    server_cpu = window_end[1] - window_start[1]
    database_cpu = window_end[2] - window_start[2]
    stats = read_stats(Path(f"{csv_prefix}_stats.csv"))
    failures = read_failures(Path(f"{csv_prefix}_failures.csv"))
    logins = json.loads(logins_path.read_text()) if logins_path.exists() else []
    total = stats.pop("Aggregated")
    sign_in_seconds = sorted(entry["seconds"] for entry in logins)
    return {
        "users": args.users,
        "duration_s": args.duration,
        "requests": total["requests"],
        "failures": total["failures"],
        "failure_ratio": round(total["failures"] / total["requests"], 6)
        if total["requests"]
        else None,
        "p95_ms": total["p95"],
        "p50_ms": total["p50"],
        "p99_ms": total["p99"],
        "rps": total["rps"],
        "p95_ms_by_endpoint": {
            name: row["p95"] for name, row in sorted(stats.items()) if row["requests"]
        },
        "requests_by_endpoint": {
            name: row["requests"] for name, row in sorted(stats.items()) if row["requests"]
        },
        "failures_by_endpoint": failures,
        "sign_ins": len(logins),
        "sign_in_failures": sum(not entry["ok"] for entry in logins),
        "sign_in_failure_reasons": dict(
            Counter(entry["reason"] for entry in logins if not entry["ok"])
        ),
        "sign_in_p95_ms": round(1000 * percentile(sign_in_seconds, 0.95), 1)
        if sign_in_seconds
        else None,
        "think_time_s": [args.wait_min, args.wait_max],
        "http_server_cpu_percent": round(100 * server_cpu / window, 1),
        "http_database_cpu_percent": round(100 * database_cpu / window, 1),
        "http_locust_cpu_percent": round(locust_cpu, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / total["requests"], 1)
        if total["requests"]
        else None,
        "database_cpu_ms_per_request": round(1000 * database_cpu / total["requests"], 1)
        if total["requests"]
        else None,
        "http_server_exceptions": exceptions,
    }


def children_cpu_seconds() -> float:
    """CPU of the child processes this process waited for (locust)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def database_cpu_seconds() -> float:
    """CPU used so far by the PostgreSQL backends connected to this run's database: the servers'
    pooled connections, opened for the run and kept (close enough to the database's share)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    chat.close_django_connections()
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # another machine, or gone
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_until_ready(server, limit: float = 180) -> None:
    """Until every server process has loaded the application: the parent listens at once, and
    its daphne processes take many seconds of CPU to start, during which connections wait."""
    import urllib.request

    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(f"{server.origin}/healthz", timeout=60) as answer:  # noqa: S310 - our own server
                if answer.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer within {limit:.0f} s")
        time.sleep(0.5)
    server.busy()
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(1)
        quiet = 0 if server.busy() else quiet + 1
    log(f"daphne ({server.name}) ready")


def read_stats(path: Path) -> dict[str, dict]:
    """Locust's summary CSV: per request name (and "Aggregated"), the counts and percentiles."""
    stats = {}
    with path.open() as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Name"] != "Aggregated" else "Aggregated"
            label = name if name == "Aggregated" else f"{row['Type']} {name}"
            stats[label] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": number(row["50%"]),
                "p95": number(row["95%"]),
                "p99": number(row["99%"]),
                "rps": round(float(row["Requests/s"]), 1),
            }
    return stats


def read_failures(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    with path.open() as handle:
        return {
            f"{row['Method']} {row['Name']}: {row['Error'][:120]}": int(row["Occurrences"])
            for row in csv.DictReader(handle)
        }


def number(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, int(-(-len(ordered) * share // 1)) - 1))]


# Websocket soak --------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own on a free loopback port, nothing saved to disk."""

    def __init__(self, var_dir: str) -> None:
        self.port = chat.free_port()
        self.var_dir = var_dir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                self.var_dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the private redis-server did not start") from None
                time.sleep(0.02)

    async def start_async(self) -> None:
        await asyncio.to_thread(self.start)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> PrivateRedis:
        self.start()
        log(f"private redis-server on 127.0.0.1:{self.port}, pid {self.process.pid}")
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill()


def session_keys(user_ids: list[int]) -> dict[int, str]:
    """A signed-in browser session per person, as signing in leaves it."""
    from django.test import Client

    from accounts.models import User

    users = User.objects.in_bulk(user_ids)
    keys = {}
    for user_id in user_ids:
        browser = Client()
        browser.force_login(users[user_id], backend="django.contrib.auth.backends.ModelBackend")
        keys[user_id] = browser.cookies["sessionid"].value
    return keys


def soak_phase(args, plan, var_dir: str) -> dict:
    from load_support.seed import MESSAGES_PER_CONVERSATION
    from load_support.soak import Fault, soak

    chat.close_django_connections()
    members = plan.participants[: args.ws_clients]
    cookies = session_keys([m.user_id for m in members])
    chat.close_django_connections()
    with (
        PrivateRedis(var_dir) as redis_server,
        chat.Server(
            "soak",
            "mentorship.asgi:application",
            var_dir,
            processes=args.processes,
            REDIS_URL=redis_server.url,
        ) as server,
    ):
        fault = Fault(
            after=args.redis_down_after,
            down=args.redis_down_seconds,
            kill=redis_server.kill,
            start=redis_server.start_async,
        )
        wait_until_ready(server)
        url = f"ws://127.0.0.1:{server.port}/ws/o/{plan.org_slug}/chat/"
        # Messages sent over the API in the HTTP phase are not on these pages: they start
        # from what the conversation holds now.
        seen = conversation_lengths([m.conversation for m in members])
        result = asyncio.run(
            soak(
                url=url,
                origin=server.origin,
                members=[
                    (
                        cookies[m.user_id],
                        m.user_id,
                        m.conversation,
                        seen.get(m.conversation, MESSAGES_PER_CONVERSATION),
                    )
                    for m in members
                ],
                rate=args.ws_rate,
                duration=args.ws_duration,
                fault=fault,
                drain_timeout=120,
                log=log,
            )
        )
        result["ws_server_exceptions"] = server.exceptions()
        result["ws_server_layer_interruptions"] = count_lines(
            server.log_path, "Channel layer interrupted"
        )
        keep_logs(args, server.log_path)
    result["ws_messages_stored"] = stored_soak_messages()
    log(f"soak: {result}")
    return result


def conversation_lengths(conversation_ids: list[int]) -> dict[int, int]:
    from messaging.models import Conversation

    return dict(
        Conversation.all_organizations.filter(pk__in=conversation_ids).values_list(
            "pk", "last_sequence"
        )
    )


def stored_soak_messages() -> int:
    """Messages the soak stored: each acknowledged once and never stored twice."""
    from messaging.models import Message

    count = Message.all_organizations.filter(client_key__startswith="soak-").count()
    chat.close_django_connections()
    return count


def keep_logs(args, path: Path) -> None:
    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, args.logs / path.name)


def count_lines(path: Path, text: str) -> int:
    return sum(text in line for line in path.read_text(errors="replace").splitlines())


if __name__ == "__main__":
    main()
