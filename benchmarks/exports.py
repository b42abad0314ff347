"""HR exports at scale: the progress report of 100,000 mentorships with 1,000,000 messages, as
CSV and XLSX, against PostgreSQL's own COPY and xlsxwriter alone, in the same run.

Data: one organisation, one program, --cohorts cohorts sharing --mentorships mentorships (a
mentor and a mentee each, 20 departments, most active, some paused, completed or ended early),
--messages messages in their conversations (about a tenth of them with none, a few deleted),
three meetings, two goals with two milestones each, two check-ins and two daily health
snapshots per mentorship, and survey answers (the program's mid-point and closing surveys, each
with a scale, a recommendation and an anonymous scale question: two people of two mentorships
in three answer the mid-point one, those of completed mentorships the closing one too). Seeded
with PostgreSQL COPY (psycopg's cursor.copy), then analysed.
Prints one JSON object as its last line (progress on stderr):

- rows: rows of the full export;
- csv_seconds: the real CSV export view (exports:progress_csv, through organization_view and
  parse_filters, audit entry included), its stream consumed to the last byte;
- copy_seconds: `COPY (SELECT ...) TO STDOUT WITH CSV` of the same rows and columns computed
  by PostgreSQL in one query (the same rules: held meetings, undeleted messages, overdue
  milestones of goals in progress, the latest snapshot of active mentorships, survey scores of
  questions that are not anonymous), read to the last byte through psycopg, without JIT
  compilation (which costs this query more than it saves); the two outputs must agree row by
  row, every column, or the script stops;
- csv_vs_copy: copy_seconds / csv_seconds (1.0 would be as fast as PostgreSQL's own COPY);
- xlsx_seconds: the real XLSX export view (exports:progress_xlsx), the file read to the end;
- xlsxwriter_seconds: xlsxwriter alone in constant-memory mode writing the same header and rows
  (already in memory as lists) with the same cell-writing code, into a temporary file;
- xlsx_vs_xlsxwriter: xlsxwriter_seconds / xlsx_seconds (1.0: fetching the rows costs nothing
  on top of writing them);
- csv_peak_mb_10k, csv_peak_mb_100k: the peak of Python memory (tracemalloc) while the CSV
  export of one cohort (10,000 mentorships) and of everything (100,000) runs; flat means
  constant memory (libpq's buffer of a chunk's results is outside Python's allocator, and
  bounded by the chunk size too); csv_megabytes: the size of the full CSV;
- dashboard_queries: queries of reports.metrics.dashboard(membership, filters) for the whole
  organisation (null when reports.metrics has no dashboard yet);
- targets_met: csv_vs_copy >= 0.5, xlsx_vs_xlsxwriter >= 0.9, csv_peak_mb_100k within 20% of
  csv_peak_mb_10k and dashboard_queries <= 20 (when there is a dashboard).

Timings are the fastest of --runs runs, in one process settled as the web server settles its
own (mentorship/asgi.py: gc.freeze and SERVER_GC_THRESHOLDS). Needs DATABASE_URL (a PostgreSQL server: a throwaway
database bench_exports_<pid> is created on it, migrated, seeded and dropped, on failure too).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/exports.py
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
STARTED = time.perf_counter()
DEPARTMENTS = [f"Department {n:02d}" for n in range(20)]


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


def configure_django(database_url: str, var_dir: str) -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorship.settings.base",
            "DATABASE_URL": database_url,
            "VAR_DIR": var_dir,
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "memorymail://",
        }
    )
    import django

    django.setup()


# Data -----------------------------------------------------------------------------------------


def _copy(cursor, model, columns: list[str], rows) -> None:
    table = model._meta.db_table
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def message_counts(mentorships: int, messages: int) -> list[int]:
    """Messages per conversation: 0 to 20 in a fixed pattern (about one in 21 with none),
    adjusted to add up to `messages` exactly."""
    counts = [(n * 7919) % 21 for n in range(mentorships)]
    difference = messages - sum(counts)
    step = 1 if difference > 0 else -1
    n = 0
    while difference:
        if counts[n] + step >= 0:
            counts[n] += step
            difference -= step
        n = (n + 1) % mentorships
    return counts


def seed(mentorships: int, messages: int, cohorts: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from goals.models import CheckIn, Goal, Milestone
    from meetings.models import Meeting
    from messaging.models import Conversation, Message
    from organizations.models import Membership, Organization, Role
    from organizations.scope import organization_scope
    from programs.models import Cohort, Enrolment, Mentorship, MentorshipMentee, Program
    from relationships.models import HealthSnapshot

    today = timezone.localdate()
    now = timezone.now()
    organization = Organization.objects.create(slug="bench", name="Bench Corp")
    owner = User.objects.create(email="owner@bench.example", full_name="Olga Owner",
                                password=make_password(None))  # fmt: skip
    with organization_scope(organization):
        Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
        program = Program.objects.create(organization=organization, name="Bench mentoring",
                                         purpose="Grow")  # fmt: skip
        cohort_ids = [
            Cohort.objects.create(
                organization=organization, program=program, name=f"Cohort {n}",
                enrolment_opens_on=today - datetime.timedelta(days=200),
                enrolment_closes_on=today - datetime.timedelta(days=190),
                starts_on=today - datetime.timedelta(days=180),
                ends_on=today + datetime.timedelta(days=180), status="active",
            ).pk
            for n in range(cohorts)
        ]  # fmt: skip
    org = organization.pk
    per_cohort = -(-mentorships // cohorts)

    def cohort_of(m: int) -> int:
        return cohort_ids[m // per_cohort]

    statuses = ["active"] * 16 + ["paused", "completed", "completed", "ended_early"]
    raw = connection.connection
    with raw.cursor() as cursor:
        _copy(cursor, Enrolment,
              ["id", "organization_id", "cohort_id", "email", "full_name", "role", "state",
               "department", "manager_email", "invitation_key", "reminders_sent", "created_at",
               "state_changed_at"],
              ((e, org, cohort_of((e - 1) // 2),
                f"{'mentor' if e % 2 else 'mentee'}{e}@bench.example",
                f"{'Mentor' if e % 2 else 'Mentee'} {e} Ávila", "mentor" if e % 2 else "mentee",
                "matched", DEPARTMENTS[(e * 7) % 20], "", f"k{e}", 0, now, now)
               for e in range(1, 2 * mentorships + 1)))  # fmt: skip
        log(f"{2 * mentorships:,} enrolments")

        def started(m: int) -> datetime.date:
            return today - datetime.timedelta(days=30 + m % 150)

        def ended(m: int) -> datetime.date | None:
            return today - datetime.timedelta(days=m % 20) if statuses[m % 20] in (
                "completed", "ended_early") else None  # fmt: skip

        _copy(cursor, Mentorship,
              ["id", "organization_id", "cohort_id", "mentor_id", "status", "origin",
               "match_explanation", "started_on", "ends_on", "ended_on", "status_changed_at",
               "created_at"],
              ((m + 1, org, cohort_of(m), 2 * m + 1, statuses[m % 20], "match_run", "[]",
                started(m), started(m) + datetime.timedelta(days=182), ended(m), now, now)
               for m in range(mentorships)))  # fmt: skip
        _copy(cursor, MentorshipMentee, ["organization_id", "mentorship_id", "mentee_id"],
              ((org, m + 1, 2 * m + 2) for m in range(mentorships)))  # fmt: skip
        log(f"{mentorships:,} mentorships")

        counts = message_counts(mentorships, messages)
        _copy(cursor, Conversation,
              ["id", "organization_id", "kind", "mentorship_id", "last_sequence",
               "last_message_at", "created_at"],
              ((m + 1, org, "mentorship", m + 1, counts[m],
                now - datetime.timedelta(hours=m % 500) if counts[m] else None, now)
               for m in range(mentorships)))  # fmt: skip

        def message_rows():
            for m, count in enumerate(counts):
                for sequence in range(1, count + 1):
                    created = now - datetime.timedelta(minutes=(m + sequence * 37) % 90_000)
                    deleted = created if (m + sequence) % 53 == 0 else None
                    yield (org, m + 1, sequence, "" if deleted else f"Message {sequence}", "",
                           created, deleted)  # fmt: skip

        _copy(cursor, Message,
              ["organization_id", "conversation_id", "sequence", "body", "client_key",
               "created_at", "deleted_at"], message_rows())  # fmt: skip
        log(f"{sum(counts):,} messages")

        def meeting_rows():
            for m in range(mentorships):
                for n, (days, attendance) in enumerate(((-20, "held"), (-6, ""), (5, ""))):
                    starts = now + datetime.timedelta(days=days, hours=m % 24)
                    yield (org, m + 1, "Meeting", "", "scheduled", starts,
                           starts + datetime.timedelta(hours=1), "", f"b{m}-{n}@bench", 0, "",
                           attendance, "", now, now, now)  # fmt: skip

        _copy(cursor, Meeting,
              ["organization_id", "mentorship_id", "title", "agenda", "status", "starts_at",
               "ends_at", "video_link", "uid", "sequence", "shared_notes", "attendance",
               "outcome", "status_changed_at", "created_at", "updated_at"], meeting_rows())  # fmt: skip
        log(f"{3 * mentorships:,} meetings")

        _copy(cursor, Goal,
              ["id", "organization_id", "mentorship_id", "mentee_id", "title", "measure", "why",
               "target_date", "status", "progress_source", "progress", "shared_with_managers",
               "created_at", "updated_at"],
              ((g, org, (g - 1) // 2 + 1, 2 * ((g - 1) // 2) + 2, "Goal", "Measure", "",
                today + datetime.timedelta(days=60), "achieved" if g % 3 == 0 else "active",
                "milestones", 50, False, now, now)
               for g in range(1, 2 * mentorships + 1)))  # fmt: skip
        _copy(cursor, Milestone,
              ["organization_id", "goal_id", "title", "due_on", "owner", "done_on", "evidence",
               "created_at"],
              ((org, g, "Step", today + datetime.timedelta(days=(g % 7) - 4 + 3 * n), "mentee",
                today - datetime.timedelta(days=1) if (g + n) % 3 == 0 else None, "", now)
               for g in range(1, 2 * mentorships + 1) for n in range(2)))  # fmt: skip
        log(f"{2 * mentorships:,} goals, {4 * mentorships:,} milestones")

        _copy(cursor, CheckIn,
              ["organization_id", "mentorship_id", "author_id", "side", "period", "due_on",
               "progress", "blockers", "next_steps", "rating", "note_to_manager", "created_at"],
              ((org, m + 1, owner.pk, "mentee", period, today, "Fine", "", "", 1 + (m + period) % 5,
                "", now)
               for m in range(mentorships) for period in (1, 2)))  # fmt: skip
        health = ["on_track", "on_track", "needs_attention", "at_risk"]
        _copy(cursor, HealthSnapshot,
              ["organization_id", "mentorship_id", "taken_on", "status", "reasons", "signals"],
              ((org, m + 1, today - datetime.timedelta(days=days), health[(m + days) % 4], "[]",
                "{}")
               for m in range(mentorships) if statuses[m % 20] == "active" for days in (1, 0)))  # fmt: skip
        log("check-ins and health snapshots")
        answers = seed_surveys(cursor, organization, program, mentorships, statuses, now)
        log(f"{answers:,} survey answers")
        for model in (Enrolment, Mentorship, Conversation, Goal):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("vacuumed and analysed")


def seed_surveys(cursor, organization, program, mentorships: int, statuses, now) -> int:
    """The two surveys, and their answers as `seed` describes them; returns how many."""
    from organizations.scope import organization_scope
    from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

    org = organization.pk
    questions: dict[str, list[tuple[int, str]]] = {}
    with organization_scope(organization):
        for moment in ("mid_point", "closing"):
            survey = Survey.objects.create(organization=organization, program=program,
                                           moment=moment, title=moment, is_active=True)  # fmt: skip
            questions[moment] = [
                (SurveyQuestion.objects.create(
                    organization=organization, survey=survey, position=position, kind=kind,
                    label=f"{kind} {position}", anonymous=anonymous,
                ).pk, kind)
                for position, (kind, anonymous) in enumerate(
                    (("scale", False), ("nps", False), ("scale", True)), start=1
                )
            ]  # fmt: skip
        surveys = dict(Survey.objects.values_list("moment", "pk"))
    responses = [
        (moment, m, role)
        for m in range(mentorships)
        for moment in ("mid_point", "closing")
        if (moment == "mid_point" and m % 3) or (moment == "closing" and statuses[m % 20] == "completed")
        for role in ("mentor", "mentee")
    ]  # fmt: skip
    _copy(cursor, SurveyResponse,
          ["id", "organization_id", "survey_id", "mentorship_id", "respondent_id", "role",
           "submitted_at"],
          ((n, org, surveys[moment], m + 1, None, role, now)
           for n, (moment, m, role) in enumerate(responses, start=1)))  # fmt: skip

    def value(kind: str, m: int, n: int) -> str:
        return str((m + n) % 5 + 1) if kind == "scale" else str((m * 3 + n) % 11)

    _copy(cursor, SurveyAnswer,
          ["organization_id", "response_id", "question_id", "value", "score"],
          ((org, n, question, *[value(kind, m, n)] * 2)
           for n, (moment, m, _) in enumerate(responses, start=1)
           for question, kind in questions[moment]))  # fmt: skip
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('surveys_surveyresponse', 'id'), "
        "(SELECT max(id) FROM surveys_surveyresponse))"
    )
    return 3 * len(responses)


# The measurements -----------------------------------------------------------------------------


def _request(path: str, query: dict | None = None):
    from django.test import RequestFactory

    from accounts.models import User

    request = RequestFactory().get(path, query or {})
    request.user = User.objects.get(email="owner@bench.example")
    return request


def export(view_name: str, query: dict | None = None) -> tuple[float, int]:
    """The real export view, its response read to the last byte: (seconds, bytes)."""
    from django.urls import resolve, reverse

    path = reverse(view_name, kwargs={"org_slug": "bench"})
    request = _request(path, query)
    match = resolve(path)
    started = time.perf_counter()
    response = match.func(request, **match.kwargs)
    assert response.status_code == 200, response.status_code
    size = sum(len(block) for block in response.streaming_content)
    response.close()
    return time.perf_counter() - started, size


def export_bytes(view_name: str, query: dict | None = None) -> bytes:
    from django.urls import resolve, reverse

    path = reverse(view_name, kwargs={"org_slug": "bench"})
    match = resolve(path)
    response = match.func(_request(path, query), **match.kwargs)
    content = b"".join(response.streaming_content)
    response.close()
    return content


COPY_SQL = """
WITH held AS (
    SELECT mentorship_id, count(*) AS n FROM meetings_meeting
    WHERE organization_id = {org} AND status = 'scheduled'
      AND (attendance = 'held' OR (attendance = '' AND ends_at <= now()))
    GROUP BY mentorship_id
), sent AS (
    SELECT c.mentorship_id, count(*) AS n
    FROM messaging_message message JOIN messaging_conversation c ON c.id = message.conversation_id
    WHERE message.organization_id = {org} AND message.deleted_at IS NULL
      AND c.mentorship_id IS NOT NULL
    GROUP BY c.mentorship_id
), goals AS (
    SELECT mentorship_id, count(*) AS total, count(*) FILTER (WHERE status = 'achieved') AS achieved
    FROM goals_goal WHERE organization_id = {org} GROUP BY mentorship_id
), steps AS (
    SELECT g.mentorship_id,
           count(*) FILTER (WHERE s.done_on IS NOT NULL) AS done,
           count(*) FILTER (WHERE s.done_on IS NULL AND s.due_on < {today}
                            AND g.status = 'active') AS overdue
    FROM goals_milestone s JOIN goals_goal g ON g.id = s.goal_id
    WHERE s.organization_id = {org} GROUP BY g.mentorship_id
), check_ins AS (
    SELECT mentorship_id, count(*) AS n, round(avg(rating), 2) AS average
    FROM goals_checkin WHERE organization_id = {org} GROUP BY mentorship_id
), latest AS (
    SELECT DISTINCT ON (mentorship_id) mentorship_id, status
    FROM relationships_healthsnapshot WHERE organization_id = {org}
    ORDER BY mentorship_id, taken_on DESC
), scores AS (
    SELECT r.mentorship_id,
           round(avg(a.score)
                 FILTER (WHERE q.kind = 'scale' AND s.moment = 'mid_point'), 2) AS mid_point,
           round(avg(a.score)
                 FILTER (WHERE q.kind = 'scale' AND s.moment = 'closing'), 2) AS closing,
           round(avg(a.score) FILTER (WHERE q.kind = 'nps'), 2) AS nps
    FROM surveys_surveyanswer a
    JOIN surveys_surveyresponse r ON r.id = a.response_id
    JOIN surveys_surveyquestion q ON q.id = a.question_id
    JOIN surveys_survey s ON s.id = r.survey_id
    WHERE a.organization_id = {org} AND NOT q.anonymous AND q.kind IN ('scale', 'nps')
      AND a.score IS NOT NULL
    GROUP BY r.mentorship_id
)
SELECT m.id, p.name, c.name, coalesce(nullif(mentor.full_name, ''), mentor.email),
       coalesce(people.names, ''),
       coalesce((SELECT string_agg(d, '; ' ORDER BY first) FROM (
           SELECT d, min(i) AS first
           FROM unnest(ARRAY[nullif(mentor.department, '')] || people.departments)
                WITH ORDINALITY AS u(d, i)
           WHERE d IS NOT NULL GROUP BY d) AS found), ''),
       m.started_on, m.ends_on, m.ended_on,
       CASE m.status WHEN 'active' THEN 'Active' WHEN 'paused' THEN 'Paused'
            WHEN 'completed' THEN 'Completed' WHEN 'ended_early' THEN 'Ended early' END,
       CASE WHEN m.status = 'active' THEN CASE latest.status WHEN 'on_track' THEN 'On track'
            WHEN 'needs_attention' THEN 'Needs attention' WHEN 'at_risk' THEN 'At risk'
            ELSE '' END ELSE '' END,
       coalesce(held.n, 0), coalesce(sent.n, 0), coalesce(goals.total, 0),
       coalesce(goals.achieved, 0), coalesce(steps.done, 0), coalesce(steps.overdue, 0),
       coalesce(check_ins.n, 0), check_ins.average,
       scores.mid_point, scores.closing, scores.nps
FROM programs_mentorship m
JOIN programs_cohort c ON c.id = m.cohort_id
JOIN programs_program p ON p.id = c.program_id
JOIN programs_enrolment mentor ON mentor.id = m.mentor_id
LEFT JOIN LATERAL (
    SELECT string_agg(coalesce(nullif(e.full_name, ''), e.email), '; '
                      ORDER BY e.full_name, mm.id) AS names,
           coalesce(array_agg(nullif(e.department, '') ORDER BY e.full_name, mm.id),
                    ARRAY[]::varchar[]) AS departments
    FROM programs_mentorshipmentee mm JOIN programs_enrolment e ON e.id = mm.mentee_id
    WHERE mm.mentorship_id = m.id
) AS people ON true
LEFT JOIN held ON held.mentorship_id = m.id
LEFT JOIN sent ON sent.mentorship_id = m.id
LEFT JOIN goals ON goals.mentorship_id = m.id
LEFT JOIN steps ON steps.mentorship_id = m.id
LEFT JOIN check_ins ON check_ins.mentorship_id = m.id
LEFT JOIN latest ON latest.mentorship_id = m.id
LEFT JOIN scores ON scores.mentorship_id = m.id
WHERE m.organization_id = {org}
ORDER BY m.id
"""


def copy_export() -> tuple[float, bytes]:
    """PostgreSQL's COPY of the same rows: (seconds, the CSV)."""
    from django.db import connection
    from django.utils import timezone
    from psycopg import sql

    from organizations.models import Organization

    org = Organization.objects.get(slug="bench").pk
    connection.ensure_connection()
    raw = connection.connection
    # COPY takes no parameters: the two values are bound into the statement as literals.
    statement = sql.SQL(COPY_SQL).format(
        org=sql.Literal(org), today=sql.Literal(timezone.localdate())
    )
    query = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER)").format(statement)
    chunks = []
    with raw.cursor() as cursor:
        # PostgreSQL at its best: compiling this plan just in time costs more (about 3 s) than
        # it saves, so the baseline runs without JIT (the export's small queries never use it).
        cursor.execute("SET jit = off")
        try:
            started = time.perf_counter()
            with cursor.copy(query) as copy:
                for block in copy:
                    chunks.append(bytes(block))
            seconds = time.perf_counter() - started
        finally:
            cursor.execute("RESET jit")
    return seconds, b"".join(chunks)


# The columns compared as numbers (the average rating and the survey scores): the export
# writes Python's floats, COPY PostgreSQL's numerics ("3.0" and "3.00").
NUMBER_COLUMNS = frozenset({18, 19, 20, 21})


def _same_cell(index: int, mine: str, theirs: str) -> bool:
    if index not in NUMBER_COLUMNS or not (mine and theirs):
        return mine == theirs
    return abs(float(mine) - float(theirs)) < 0.006


def check_same_rows(ours: bytes, theirs: bytes) -> int:
    """The export and COPY agree row by row and column by column."""
    mine = list(csv.reader(io.StringIO(ours.decode("utf-8").lstrip("\ufeff"))))
    other = list(csv.reader(io.StringIO(theirs.decode("utf-8"))))
    if len(mine) != len(other):
        raise SystemExit(f"row counts differ: export {len(mine)}, COPY {len(other)}")
    for a, b in zip(mine[1:], other[1:], strict=True):
        if len(a) != len(b) or not all(
            _same_cell(index, x, y) for index, (x, y) in enumerate(zip(a, b, strict=True))
        ):
            raise SystemExit(f"the export and COPY disagree:\n{a}\n{b}")
    return len(mine) - 1


def xlsxwriter_alone(rows: list[list]) -> float:
    """xlsxwriter in constant-memory mode writing the header and the rows, nothing else."""
    import xlsxwriter

    from reports.exports.xlsx_writer import (
        HEADER_FORMAT,
        WIDTHS,
        WORKBOOK_OPTIONS,
        _sheet_with_header,
        write_rows,
    )
    from reports.progress import progress_headers

    with tempfile.TemporaryFile() as target:
        started = time.perf_counter()
        workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
        header = workbook.add_format(HEADER_FORMAT)
        sheet = _sheet_with_header(workbook, "Progress", progress_headers(), header, WIDTHS)
        write_rows(sheet, rows)
        workbook.close()
        target.seek(0)
        while target.read(1 << 20):
            pass
        return time.perf_counter() - started


def in_memory_rows() -> list[list]:
    from organizations.models import Membership, Organization
    from organizations.scope import organization_scope
    from reports.filters import parse_filters
    from reports.progress import progress_rows

    organization = Organization.objects.get(slug="bench")
    with organization_scope(organization):
        membership = Membership.objects.select_related("user", "organization").get()
    filters = parse_filters(membership, {})
    return [list(row) for row in progress_rows(organization, filters)]


def peak_memory(query: dict | None) -> tuple[float, int]:
    """(tracemalloc peak MB, bytes) of one CSV export."""
    import gc

    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    _, size = export("exports:progress_csv", query)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, size


def dashboard_queries() -> tuple[int | None, float | None]:
    try:
        from reports.metrics import dashboard
    except ImportError:
        return None, None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.models import Membership, Organization
    from organizations.scope import organization_scope
    from reports.filters import parse_filters

    organization = Organization.objects.get(slug="bench")
    with organization_scope(organization):
        membership = Membership.objects.select_related("user", "organization").get()
    filters = parse_filters(membership, {})
    with organization_scope(organization), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        dashboard(membership, filters)
        seconds = time.perf_counter() - started
    return len(queries), seconds


def settle_garbage_collector() -> None:
    """As the web server settles its processes (mentorship/asgi.py): what is loaded is frozen
    out of the collector's view and the young generation holds SERVER_GC_THRESHOLDS[0]
    objects. Every measurement below, the baselines included, runs so."""
    import gc

    from django.conf import settings

    gc.collect()
    gc.freeze()
    if settings.SERVER_GC_THRESHOLDS:
        gc.set_threshold(*settings.SERVER_GC_THRESHOLDS)


def measure(runs: int) -> dict:
    from programs.models import Cohort

    settle_garbage_collector()

    first_cohort = Cohort.all_organizations.order_by("pk").values_list("pk", flat=True).first()

    copy_seconds, copied = min(copy_export() for _ in range(runs))
    ours = export_bytes("exports:progress_csv")
    rows = check_same_rows(ours, copied)
    log(f"the export and COPY agree on {rows:,} rows; COPY {copy_seconds:.2f} s")
    del ours, copied

    csv_seconds = min(export("exports:progress_csv")[0] for _ in range(runs))
    log(f"CSV export {csv_seconds:.2f} s")

    xlsx_seconds = min(export("exports:progress_xlsx")[0] for _ in range(runs))
    log(f"XLSX export {xlsx_seconds:.2f} s")
    data = in_memory_rows()
    xlsxwriter_seconds = min(xlsxwriter_alone(data) for _ in range(runs))
    log(f"xlsxwriter alone {xlsxwriter_seconds:.2f} s")
    del data

    peak_10k, size_10k = peak_memory({"cohort": str(first_cohort)})
    peak_100k, size_100k = peak_memory(None)
    log(f"CSV peak {peak_10k:.2f} MB ({size_10k:,} bytes), {peak_100k:.2f} MB "
        f"({size_100k:,} bytes)")  # fmt: skip
    queries, dashboard_seconds = dashboard_queries()
    log(f"dashboard: {queries} queries" if queries is not None else "no reports.metrics yet")

    csv_vs_copy = copy_seconds / csv_seconds
    xlsx_vs_xlsxwriter = xlsxwriter_seconds / xlsx_seconds
    flat_memory = peak_100k <= peak_10k * 1.2
    return {
        "benchmark": "exports",
        "rows": rows,
        "csv_seconds": round(csv_seconds, 3),
        "copy_seconds": round(copy_seconds, 3),
        "csv_vs_copy": round(csv_vs_copy, 3),
        "xlsx_seconds": round(xlsx_seconds, 3),
        "xlsxwriter_seconds": round(xlsxwriter_seconds, 3),
        "xlsx_vs_xlsxwriter": round(xlsx_vs_xlsxwriter, 3),
        "csv_peak_mb_10k": round(peak_10k, 2),
        "csv_peak_mb_100k": round(peak_100k, 2),
        "csv_megabytes": round(size_100k / 1e6, 1),
        "dashboard_queries": queries,
        "dashboard_seconds": round(dashboard_seconds, 3) if dashboard_seconds else None,
        "runs": runs,
        "targets_met": csv_vs_copy >= 0.5
        and xlsx_vs_xlsxwriter >= 0.9
        and flat_memory
        and (queries is None or queries <= 20),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentorships", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--cohorts", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3, help="timings are the fastest run")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    if not database_url or not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("benchmarks/exports.py needs DATABASE_URL (a PostgreSQL server)")
    from psycopg import sql

    name = f"bench_exports_{os.getpid()}"
    maintenance(database_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with tempfile.TemporaryDirectory(prefix="bench-exports-") as var_dir:
            configure_django(with_path(database_url, f"/{name}"), var_dir)
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
            log("migrated")
            seed(args.mentorships, args.messages, args.cohorts)
            result = measure(args.runs)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        maintenance(
            database_url,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
