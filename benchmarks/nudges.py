"""Nudge fan-out: 100,000 people due a "no contact for a while" nudge, found by the beat scan,
created and emailed by 2 worker processes on the real Redis broker, each exactly once.

Data: one organisation with 50,000 active mentorships (a mentor and a mentee each) matched
--days-ago days ago with no message and no meeting since: every one of the 100,000 people is
due the first inactivity nudge. Prints one JSON object as its last line (progress on stderr):

- users: people due a nudge;
- enqueue_seconds: the scan (`run_nudge_scan("inactive_pairs")`) finding them and publishing
  its batch tasks to Redis;
- deliver_seconds: from the first task published until every notification is emailed (the
  local-memory email backend) by one worker of 2 processes; the workers were started and warm
  before;
- per_user_task_seconds: the same delivery with one task per person (the rule's drafts for the
  person's pair, kept for the person: the batch task's code with one person), timed on
  --sample people in the same run and scaled to all;
- batched_speedup: per_user_task_seconds / deliver_seconds;
- queries_scan: the scan's queries (the same at any size); queries_per_1000_users: the
  workers' queries per 1,000 people delivered in batches (creation, preferences, the claim and
  mark of each chunk of emails), the same at any size; queries_per_1000_users_one_task_each:
  the same for one task per person;
- targets_met: batched_speedup >= 100 and enqueue_seconds <= 1.

Needs DATABASE_URL (a PostgreSQL server: a throwaway database bench_nudges_<pid> is created on
it, migrated, seeded and dropped) and REDIS_URL (database --redis-db of that server, queue
bench-nudges-<pid>).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/nudges.py [--pairs 50000] [--sample 10000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
STARTED = time.perf_counter()
WORKER_PROCESSES = 2


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def maintenance(database_url: str, statement) -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    with psycopg.connect(
        host=config.get("HOST") or None, port=config.get("PORT") or None,
        user=config.get("USER") or None, password=config.get("PASSWORD") or None,
        dbname="postgres", autocommit=True,
    ) as connection:  # fmt: skip
        connection.execute(statement)


def configure_django(database_url: str, redis_url: str, var_dir: str, queue: str) -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorship.settings.base",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "VAR_DIR": var_dir,
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "memorymail://",
            "BENCH_QUEUE": queue,
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    import django

    django.setup()


# Data -----------------------------------------------------------------------------------------


def seed(pairs: int, days_ago: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from organizations.models import Membership, Organization, Role
    from organizations.scope import organization_scope
    from programs.models import (
        Cohort,
        CohortStatus,
        Enrolment,
        EnrolmentRole,
        EnrolmentState,
        Mentorship,
        MentorshipMentee,
        MentorshipOrigin,
        MentorshipStatus,
        Program,
    )  # fmt: skip

    today = datetime.date.today()
    organization = Organization.objects.create(slug="bench", name="Bench Corp")
    password = make_password(None)
    with organization_scope(organization):
        program = Program.objects.create(organization=organization, name="Bench mentoring")
        cohort = Cohort.objects.create(
            organization=organization, program=program, name="Everyone",
            enrolment_opens_on=today - datetime.timedelta(days=60),
            enrolment_closes_on=today - datetime.timedelta(days=30),
            starts_on=today - datetime.timedelta(days=days_ago),
            ends_on=today + datetime.timedelta(days=150), status=CohortStatus.ACTIVE,
        )  # fmt: skip
        step = 10_000
        for start in range(0, pairs, step // 2):
            count = min(step // 2, pairs - start)
            users = User.objects.bulk_create(
                User(email=f"{side}{start + n}@bench.example", full_name=f"{side.title()} {n}",
                     password=password, timezone="Europe/Lisbon")
                for n in range(count) for side in ("mentor", "mentee")
            )  # fmt: skip
            Membership.objects.bulk_create(
                Membership(organization=organization, user=user, role=Role.MEMBER) for user in users
            )
            enrolments = Enrolment.objects.bulk_create(
                Enrolment(organization=organization, cohort=cohort, email=user.email,
                          full_name=user.full_name, user=user, state=EnrolmentState.MATCHED,
                          role=EnrolmentRole.MENTOR if n % 2 == 0 else EnrolmentRole.MENTEE)
                for n, user in enumerate(users)
            )  # fmt: skip
            mentorships = Mentorship.objects.bulk_create(
                Mentorship(organization=organization, cohort=cohort, mentor=enrolments[2 * n],
                           status=MentorshipStatus.ACTIVE, origin=MentorshipOrigin.MATCH_RUN,
                           started_on=today - datetime.timedelta(days=days_ago),
                           ends_on=today + datetime.timedelta(days=150))
                for n in range(count)
            )  # fmt: skip
            MentorshipMentee.objects.bulk_create(
                MentorshipMentee(organization=organization, mentorship=m,
                                 mentee=enrolments[2 * n + 1])
                for n, m in enumerate(mentorships)
            )  # fmt: skip
            log(f"seeded {start + count:,} of {pairs:,} pairs")
        # They became active the day they started (bulk_create stamps today).
        started = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(9))
        )
        Mentorship.objects.update(status_changed_at=started)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# Workers --------------------------------------------------------------------------------------

WORKER_CODE = """
import sys, django
django.setup()
from django.db import connection
from celery.signals import task_postrun, task_prerun
from mentorship.celery import app

# Count this worker's queries (execute wrappers cost nothing measurable per query).
counts = {"queries": 0}
def counting(execute, sql, params, many, context):
    counts["queries"] += 1
    return execute(sql, params, many, context)
@task_prerun.connect
def wrap(**kwargs):
    if counting not in connection.execute_wrappers:
        connection.execute_wrappers.append(counting)
@task_postrun.connect
def report(retval=None, **kwargs):
    # The task's queries, and the emails it sent (what the tasks return): the benchmark
    # watches this counter instead of counting rows in the database while it is busy.
    import redis, os
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.incrby(os.environ["BENCH_QUEUE"] + ":queries", counts["queries"])
    client.incrby(os.environ["BENCH_QUEUE"] + ":sent", retval if isinstance(retval, int) else 0)
    counts["queries"] = 0

# The baseline: the same delivery, one task per person (the rule's drafts for the person's
# pair, kept for the person alone).
@app.task(name="bench.notify_one_person", acks_late=True)
def notify_one_person(rule_key, organization_id, item, user_id):
    from django.utils import timezone
    from notifications.rules import RULES
    from notifications.tasks import send_drafts
    from organizations.models import Organization

    organization = Organization.objects.filter(pk=organization_id).first()
    now = timezone.now()
    drafts = RULES[rule_key].drafts(organization, [item], now)
    return send_drafts(organization, [d for d in drafts if d.user_id == user_id], now)

app.worker_main(sys.argv[1:])
"""


def start_workers(queue: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", WORKER_CODE, "worker", "--pool", "prefork",
         "--concurrency", str(WORKER_PROCESSES), "--queues", queue, "--loglevel", "WARNING",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=BASE_DIR, env=os.environ.copy(), stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_ready(queue: str, timeout: float = 60) -> None:
    from mentorship.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # A round trip through a worker: celery.ping is a built-in that returns "pong".
        try:
            replies = app.control.ping(timeout=1)
        except Exception:
            replies = []
        if replies:
            return
        time.sleep(0.5)
    raise SystemExit("the workers did not start")


def sent_count() -> int:
    from notifications.models import EmailState, Notification

    return Notification.all_organizations.filter(email_state=EmailState.SENT).count()


def wait_sent(expected: int, timeout: float) -> float:
    """Wait until the tasks report `expected` emails sent (a Redis counter, read every 20 ms:
    counting rows in the database would load it while it works), then check the database
    holds exactly that many sent notifications. Returns when they were all reported (the
    perf_counter clock)."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = os.environ["BENCH_QUEUE"] + ":sent"
    started = time.perf_counter()
    while True:
        done = int(client.get(key) or 0)
        if done >= expected:
            finished = time.perf_counter()
            break
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"only {done:,} of {expected:,} sent after {timeout} s")
        time.sleep(0.02)
    client.delete(key)
    if done != expected or sent_count() != expected:
        raise SystemExit(f"{done:,} emails reported, {sent_count():,} rows sent: {expected:,} due")
    return finished


def worker_queries(queue: str, reset: bool = False) -> int:
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = f"{queue}:queries"
    value = int(client.get(key) or 0)
    if reset:
        client.delete(key)
    return value


# The measurements -----------------------------------------------------------------------------


def scan(queue: str) -> tuple[list, float, int]:
    """Run the scan, publishing its batches; returns (the batches, seconds, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import tasks
    from notifications.rules import RULES
    from organizations.models import Organization

    rule = RULES["inactive_pairs"]
    organization = Organization.objects.get(slug="bench")
    published = []
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        now = __import__("django.utils.timezone", fromlist=["now"]).now()
        for items in rule.scan(organization, now):
            tasks.notify_batch.apply_async(args=["inactive_pairs", organization.pk, items],
                                           queue=queue)  # fmt: skip
            published.append(items)
        seconds = time.perf_counter() - started
    return published, seconds, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=10_000, help="people timed one per task")
    parser.add_argument("--days-ago", type=int, default=8)
    parser.add_argument("--redis-db", type=int, default=9)
    args = parser.parse_args()
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        raise SystemExit("benchmarks/nudges.py needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    from psycopg import sql

    name = f"bench_nudges_{os.getpid()}"
    queue = f"bench-nudges-{os.getpid()}"
    redis_url = with_path(redis_url, f"/{args.redis_db}")
    maintenance(database_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    workers = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-nudges-") as var_dir:
            configure_django(with_path(database_url, f"/{name}"), redis_url, var_dir, queue)
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
            log("migrated")
            seed(args.pairs, args.days_ago)
            users = 2 * args.pairs
            from mentorship.celery import app

            app.conf.task_always_eager = False
            workers = start_workers(queue)
            wait_ready(queue)
            log("workers ready")
            result = measure(queue, users, args.sample)
    finally:
        if workers is not None:
            workers.terminate()
            workers.wait(timeout=60)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        maintenance(database_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))  # fmt: skip
        import redis

        redis.Redis.from_url(redis_url).delete(queue, f"{queue}:queries", f"{queue}:sent")
    print(json.dumps(result))


def people_of(mentorship_ids: list[int]) -> dict[int, list[int]]:
    """The user ids of each pair, its mentor's and its mentee's, in one query."""
    from programs.models import MentorshipMentee

    people: dict[int, list[int]] = {}
    for mentorship_id, mentor, mentee in MentorshipMentee.all_organizations.filter(
        mentorship_id__in=mentorship_ids
    ).values_list("mentorship_id", "mentorship__mentor__user_id", "mentee__user_id"):
        people[mentorship_id] = [mentor, mentee]
    return people


def measure(queue: str, users: int, sample: int) -> dict:
    from mentorship.celery import app
    from notifications.models import Notification
    from organizations.models import Organization

    organization = Organization.objects.get(slug="bench")

    # One task per person on a sample: the scan's items (pairs), a task for each of the two.
    batches, _, _ = scan_without_publishing()
    pairs = [item for items in batches for item in items][: sample // 2]
    users_of = people_of([item[0] for item in pairs])
    people = [(item, user_id) for item in pairs for user_id in users_of[item[0]]]
    worker_queries(queue, reset=True)
    started = time.perf_counter()
    for item, user_id in people:
        app.send_task(
            "bench.notify_one_person", args=["inactive_pairs", organization.pk, item, user_id],
            queue=queue,
        )  # fmt: skip
    per_user_sample = wait_sent(len(people), timeout=3600) - started
    per_user_queries = worker_queries(queue, reset=True)
    log(f"one task per person: {len(people):,} people in {per_user_sample:.1f} s")
    Notification.all_organizations.all().delete()

    # The batched path, as beat runs it: scan, publish, deliver.
    started = time.perf_counter()
    published, enqueue_seconds, queries_scan = scan(queue)
    log(f"scan published {len(published)} batches in {enqueue_seconds:.2f} s")
    deliver_seconds = wait_sent(users, timeout=3600) - started
    batched_queries = worker_queries(queue, reset=True)
    log(f"delivered {users:,} in {deliver_seconds:.1f} s")

    per_user_task_seconds = per_user_sample * users / len(people)
    per_1000_batched = batched_queries * 1000 / users
    per_1000_per_user = per_user_queries * 1000 / len(people)
    speedup = per_user_task_seconds / deliver_seconds
    return {
        "benchmark": "nudges",
        "users": users,
        "enqueue_seconds": round(enqueue_seconds, 3),
        "deliver_seconds": round(deliver_seconds, 2),
        "per_user_task_seconds": round(per_user_task_seconds, 1),
        "per_user_sample": len(people),
        "batched_speedup": round(speedup, 1),
        "queries_scan": queries_scan,
        "queries_per_1000_users": round(per_1000_batched, 1),
        "queries_per_1000_users_one_task_each": round(per_1000_per_user, 1),
        "worker_processes": WORKER_PROCESSES,
        "targets_met": speedup >= 100 and enqueue_seconds <= 1,
    }


def scan_without_publishing() -> tuple[list, float, int]:
    from django.utils import timezone

    from notifications.rules import RULES
    from organizations.models import Organization

    organization = Organization.objects.get(slug="bench")
    started = time.perf_counter()
    batches = list(RULES["inactive_pairs"].scan(organization, timezone.now()))
    return batches, time.perf_counter() - started, 0


if __name__ == "__main__":
    main()
