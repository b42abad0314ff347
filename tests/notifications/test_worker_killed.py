"""A real worker, on the real Redis broker, is killed in the middle of a batch of emails; a
second worker picks the batch up, and every due email is delivered exactly once.

Delivery is recorded by an email backend that writes into the database in the sender's
transaction (tests/notifications/backends.py): what the killed worker had not committed was
never delivered, so the count per message is exact.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from accounts.models import User
from notifications.delivery import Draft, batches, notify
from notifications.models import EmailState, Notification
from notifications.rules import RULES
from programs.models import Mentorship
from tests.conftest import require_service
from tests.notifications.backends import DELIVERED_TABLE, create_delivered_table
from tests.notifications.test_rules_helpers import make_pair

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 240
BATCH = 80
VISIBILITY_TIMEOUT = 4  # seconds before Redis hands an unacknowledged task to another worker


def _worker(queue: str, redis_url: str, tmp_path: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorship.settings.base",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "VAR_DIR": str(tmp_path / "var"),
        }
    )
    code = (
        "import sys, django; django.setup(); from django.conf import settings; "
        "settings.EMAIL_BACKEND = 'tests.notifications.backends.SlowRecordingBackend'; "
        "from mentorship.celery import app; "
        f"app.conf.broker_transport_options = {{'visibility_timeout': {VISIBILITY_TIMEOUT}}}; "
        "app.worker_main(sys.argv[1:])"
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code, "worker", "--pool", "solo", "--queues", queue,
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _delivered() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT message_id, COUNT(*) FROM {DELIVERED_TABLE} GROUP BY message_id"  # noqa: S608
        )
        return cursor.fetchall()


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.05)


def _kill_mid_batch_and_recover(redis_url, tmp_path, tasks: list[tuple[str, list]]) -> None:
    """Publish the tasks, kill the worker well into the first, start another; then every one
    of PEOPLE emails was delivered once and every row is marked sent."""
    queue = f"kill-{uuid.uuid4().hex[:10]}"
    client = Celery("probe", broker=redis_url)
    client.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    client.conf.task_serializer = "json"
    first = _worker(queue, redis_url, tmp_path)
    output = ""
    try:
        for name, args in tasks:
            client.send_task(name, args=args, queue=queue)
        # Kill the worker once it is well into the first batch.
        _wait(lambda: len(_delivered()) >= BATCH // 3, 60, "the first emails")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = len(_delivered())
        assert 0 < killed_at < PEOPLE
        second = _worker(queue, redis_url, tmp_path)
        try:
            _wait(lambda: len(_delivered()) == PEOPLE, 120, "every email")
            time.sleep(1)  # anything sent twice would show now
        finally:
            second.terminate()
            output = second.communicate(timeout=30)[0].decode(errors="replace")
    finally:
        if first.poll() is None:
            first.kill()
    delivered = _delivered()
    assert len(delivered) == PEOPLE and {count for _, count in delivered} == {1}, output
    states = set(Notification.all_organizations.values_list("email_state", flat=True))
    assert states == {EmailState.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    world, redis_url, tmp_path
):
    """Emails of notifications created earlier (the sweep's and a manual resend's way)."""
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    create_delivered_table()
    people = User.objects.bulk_create(
        User(email=f"person{n}@example.com", full_name=f"Person {n}") for n in range(PEOPLE)
    )
    ids = notify(
        world.alpha,
        [Draft(kind="check_in_due", occurrence="check-in:2027-W10", user_id=p.pk,
               title="Time for your check-in") for p in people],
    )  # fmt: skip
    assert len(ids) == PEOPLE
    _kill_mid_batch_and_recover(
        redis_url, tmp_path,
        [("notifications.tasks.deliver_notification_emails", [batch])
         for batch in batches(ids, BATCH)],
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_nudge_batch_creates_and_sends_each_once(world, redis_url, tmp_path):
    """The nudge scan's way: each task creates its batch's notifications and sends them in
    the same transactions; the killed task's redelivery creates and sends what did not
    commit, and skips what did."""
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    create_delivered_table()
    started_on = timezone.localdate() - datetime.timedelta(days=8)
    started = timezone.make_aware(datetime.datetime.combine(started_on, datetime.time(9)))
    pairs = [make_pair(world, started_on=started_on).mentorship.pk for _ in range(PEOPLE // 2)]
    # Active since they started, silent since: each of them is due the first nudge.
    Mentorship.all_organizations.filter(pk__in=pairs).update(status_changed_at=started)
    (items,) = RULES["inactive_pairs"].scan(world.alpha, timezone.now())
    assert len(items) == PEOPLE // 2
    pairs_per_task = BATCH // 2
    _kill_mid_batch_and_recover(
        redis_url, tmp_path,
        [("notifications.tasks.notify_batch",
          ["inactive_pairs", world.alpha.pk, items[start : start + pairs_per_task]])
         for start in range(0, len(items), pairs_per_task)],
    )  # fmt: skip
