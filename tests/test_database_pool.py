"""PostgreSQL connections come from a pool per process, capped at DATABASE_POOL_SIZE.

The ASGI server runs each request's synchronous code on a thread of its own: connections kept
per thread (CONN_MAX_AGE) were never reused, and under load (benchmarks/load.py) PostgreSQL ran
out of connections and requests failed. With the pool, requests beyond the cap wait for a free
connection instead.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import pytest
from django.db import close_old_connections, connection

from tests.conftest import require_service
from tests.test_settings_modes import POSTGRES_URL, _environment, _run

PRINT_DATABASE = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "max_age": database["CONN_MAX_AGE"],
    "pool": database.get("OPTIONS", {}).get("pool"),
}))
"""


def _database_settings(tmp_path: Path, **variables: str) -> dict:
    result = _run(
        ["-c", PRINT_DATABASE],
        _environment(tmp_path, DJANGO_SETTINGS_MODULE="mentorship.settings.base", **variables),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgres_connections_come_from_a_capped_pool(tmp_path: Path) -> None:
    loaded = _database_settings(tmp_path, DATABASE_URL=POSTGRES_URL)
    assert loaded == {"max_age": 0, "pool": {"min_size": 2, "max_size": 20, "timeout": 30}}

    sized = _database_settings(tmp_path, DATABASE_URL=POSTGRES_URL, DATABASE_POOL_SIZE="8")
    assert sized["pool"]["max_size"] == 8


def test_a_pool_size_of_zero_keeps_a_connection_per_thread(tmp_path: Path) -> None:
    loaded = _database_settings(
        tmp_path, DATABASE_URL=POSTGRES_URL, DATABASE_POOL_SIZE="0", CONN_MAX_AGE="30"
    )
    assert loaded == {"max_age": 30, "pool": None}


@pytest.mark.django_db(transaction=True)
def test_more_requests_than_connections_wait_for_one_and_all_are_answered(settings) -> None:
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to test the pool"
    )
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    assert pool, "PostgreSQL connections come from a pool"
    cap = pool["max_size"]
    requests = cap * 2
    lock = threading.Lock()
    holding = 0
    most_at_once = 0
    backends: set[int] = set()
    answers: list[int] = []
    errors: list[BaseException] = []

    def request() -> None:
        # As a request thread of the ASGI server: queries, then Django's clean-up at its end,
        # which gives the connection back.
        nonlocal holding, most_at_once
        acquired = False
        try:
            with connection.cursor() as cursor:
                with lock:
                    acquired = True
                    holding += 1
                    most_at_once = max(most_at_once, holding)
                    backends.add(connection.connection.info.backend_pid)
                cursor.execute("SELECT pg_sleep(0.1), 1")
                answers.append(cursor.fetchone()[1])
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()
            if acquired:
                with lock:
                    holding -= 1

    threads = [threading.Thread(target=request) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert answers == [1] * requests
    assert most_at_once <= cap
    assert len(backends) <= cap


def _backend_pid_and_answers(rounds: int) -> tuple[int, list[int]]:
    answers = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        for number in range(rounds):
            cursor.execute("SELECT %s::int", [number])
            answers.append(cursor.fetchone()[0])
    return pid, answers


@pytest.mark.django_db(transaction=True)
def test_a_forked_process_opens_its_own_connections_and_leaves_the_parents_alone() -> None:
    """A forked child (Celery's prefork pool, a forked server) inherits the parent's pool with
    its open connections. Using them would put two processes on one socket, each reading the
    other's answers; closing them would end the parent's sessions. The child opens its own."""
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to test the pool"
    )
    import os

    parent_pid, _ = _backend_pid_and_answers(1)
    connection.close()  # back to the pool, idle: what a child would pick up first
    rounds = 2000
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.close(reader)
            result = _backend_pid_and_answers(rounds)
            os.write(writer, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(writer)

    def stuck(signum, frame):
        raise AssertionError("parent and child waited on each other's answers on one connection")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(60)
    try:
        parent_result = _backend_pid_and_answers(rounds)
        with os.fdopen(reader, "rb") as pipe:
            child_pid, child_answers = json.loads(pipe.read() or b"[0, []]")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        os.kill(child, signal.SIGKILL)  # a no-op for a child that has exited (not yet reaped)
        os.waitpid(child, 0)

    assert child_answers == list(range(rounds)), "the child read its own answers"
    assert parent_result[1] == list(range(rounds)), "the parent read its own answers"
    assert child_pid not in (0, parent_pid, parent_result[0])
    # The parent's connection survived the child: still the same server session.
    assert _backend_pid_and_answers(1)[0] == parent_result[0]
