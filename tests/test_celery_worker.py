"""A real Celery worker process consumes tasks from the configured broker.

Without REDIS_URL that is kombu's filesystem transport (the embedded default, no server);
with REDIS_URL it is Redis. Either way the task crosses a process boundary as JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from mentorship.celery import app as project_app
from organizations.models import Invitation
from organizations.tasks import send_invitation_email

ROOT = Path(__file__).resolve().parent.parent


def test_project_app_is_configured_for_reliable_json_tasks():
    conf = project_app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert "organizations.tasks.send_invitation_email" in project_app.tasks


def _filesystem_broker(tmp_path: Path) -> dict[str, str]:
    """Transport options of kombu's filesystem broker under the worker's VAR_DIR (as the
    settings make them), its folders created."""
    broker_dir = tmp_path / "var" / "broker"
    for folder in ("queue", "processed", "control"):
        (broker_dir / folder).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        "control_folder": str(broker_dir / "control"),
    }


def _worker_code(backend: str) -> str:
    """A worker of the project's app that keeps results in `backend`."""
    return (
        "import sys; from mentorship.celery import app; "
        f"app.conf.result_backend = {backend!r}; app.conf.task_ignore_result = False; "
        "app.worker_main(sys.argv[1:])"
    )


def test_a_real_worker_consumes_a_task(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:12]}"
    results = tmp_path / "results"
    results.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "mentorship.settings.base", "VAR_DIR": str(tmp_path / "var")}
    )
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        broker, transport_options = redis_url, {}
    else:
        broker, transport_options = "filesystem://", _filesystem_broker(tmp_path)
    backend = f"file://{results}"
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-c",
            _worker_code(backend),
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        client = Celery("probe", broker=broker, backend=backend)
        client.conf.broker_transport_options = transport_options
        client.conf.task_serializer = "json"
        # celery.accumulate is a built-in that returns its arguments: a round trip through the
        # broker, the worker process and back, serialised as JSON both ways.
        result = client.send_task("celery.accumulate", args=[1, "two", {"three": 3}], queue=queue)
        assert result.get(timeout=60) == [1, "two", {"three": 3}]
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output


def test_embedded_broker_needs_no_server():
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
        assert Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_dir()


@pytest.mark.django_db
def test_invitation_email_task_sends_once_even_when_delivered_twice(world, mailoutbox):
    mailoutbox.clear()
    invitation = world.alpha_invitation
    Invitation.all_organizations.filter(pk=invitation.pk).update(email_sent_at=None)
    send_invitation_email(world.alpha.pk, invitation.pk)
    send_invitation_email(world.alpha.pk, invitation.pk)
    assert [m.to for m in mailoutbox] == [[invitation.email]]
    assert "/o/alpha/join/" in mailoutbox[0].body


def _sessions_opened() -> int:
    """Sessions PostgreSQL has opened to the test database so far (its own statistics)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_prefork_worker_keeps_its_database_connections_from_task_to_task(tmp_path):
    """Celery's Django fixup would close the process's connection pool around every task, so
    each task connected to PostgreSQL anew; the worker hands connections back to its pool
    instead, and ten tasks open no new session."""
    import time

    from django.db import connection

    from tests.conftest import require_service

    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:12]}"
    results = tmp_path / "results"
    results.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorship.settings.base",
            "VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
        }
    )
    backend = f"file://{results}"
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", _worker_code(backend), "worker", "--pool", "prefork", "--concurrency", "1",
         "--queues", queue, "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        client = Celery("probe", broker="filesystem://", backend=backend)
        client.conf.broker_transport_options = _filesystem_broker(tmp_path)
        client.conf.task_serializer = "json"

        def run_task() -> None:
            # The minute's sweep: a few queries, nothing due.
            name = "notifications.tasks.send_due_notification_emails"
            assert client.send_task(name, queue=queue).get(timeout=60) == 0

        run_task()  # the process opens its pool
        time.sleep(1.5)  # PostgreSQL counts a session within a second
        before = _sessions_opened()
        for _ in range(10):
            run_task()
        time.sleep(1.5)
        opened = _sessions_opened() - before
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output
    assert opened <= 1, f"{opened} new sessions for 10 tasks"
