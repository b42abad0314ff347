"""The progress report: one row per mentorship of the filtered programs, with counts only.

Which mentorships: those of the report's programs (and cohort), whose mentor or one of whose
mentees works in the department (when one is given, compared without case), and that were
active at some time in the date range: started on or before `until`, and not ended before
`since` (a mentorship still running has no end). That is what HR asks of a period: everyone
who was in a mentorship then, whenever it started.

What each row holds, never words anyone wrote (no message bodies, goal titles or notes):
names, departments, dates and status; the health of the latest daily snapshot (numbers only,
taken of active mentorships; blank for a paused or ended one, as `relationships.services`
judges no health for those); meetings held (as `meetings.selectors.last_held_at_by_mentorship`
defines it: marked held, or scheduled, over and not marked); messages sent in the pair's
conversation and not deleted; goals set (any status) and achieved; goal milestones done and
overdue (not done, due before today, of a goal in progress: as health counts them); check-ins
and their average rating.

Cost: constant memory and a fixed number of queries per chunk, whatever the number of
mentorships. One query first finds the id ending each chunk (a window function: a list of
n / CHUNK_SIZE ids, never a list of every id); then each chunk (RAMP's sizes first, then
CHUNK_SIZE mentorships each) costs two statements: its mentees, and its rows, where the
mentorships are left-joined with one GROUP BY per kind of count and each joined provider's
query (named subqueries, each reading the chunk's id range and a semi-join on the filter: no
list of ids is sent), so every number arrives in its row. Both are compiled once per export
(only the range changes), their rows read as the driver gives them, never model instances, and
the report's rows built a column at a time. On PostgreSQL the connection runs in psycopg's
pipeline mode: the next chunk's statements are sent before this chunk's rows are handed over,
so the server computes them while Python formats, planned without parallel workers (see
_pipelined). benchmarks/README.md has the figures against PostgreSQL's own COPY and against
xlsxwriter alone.

Extra columns (the surveys app's "mid-point score", "closing score", "NPS"): an app adds them
without touching this file by defining `PROGRESS_COLUMNS` (a list of column providers) in a
module `<app>/report_columns.py`; they are found once, appended to `COLUMN_PROVIDERS`, and
every export then carries them. A provider has `headers` and either `chunk_query` (joined to
the chunk's statement: no query of its own) or `values(organization, mentorship_ids) ->
{mentorship_id: values}`, called once per chunk (its own fixed number of queries per chunk);
a mentorship it leaves out gets blanks. Callers may also pass `extra_columns` to choose them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import import_module
from itertools import accumulate, repeat
from operator import itemgetter
from typing import Any, Protocol

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Mod, NullIf, Round, RowNumber
from django.utils import timezone

from goals.models import CheckIn, Goal, GoalStatus, Milestone
from meetings.models import Attendance, Meeting, MeetingStatus
from messaging.models import Message
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipMentee, MentorshipStatus
from relationships.models import HealthSnapshot, HealthStatus
from reports.filters import ReportFilters

CHUNK_SIZE = 5000
# The sizes of the first chunks (see _chunk_ends): the first rows go out at once.
RAMP = (500, 2000)

try:
    from psycopg import Pipeline
    from psycopg.pq import PipelineStatus

    _PIPELINE_SUPPORTED = Pipeline.is_supported()
except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite needs none of it
    _PIPELINE_SUPPORTED = False

PROGRESS_HEADERS: tuple[str, ...] = (
    "Mentorship ID",
    "Program",
    "Cohort",
    "Mentor",
    "Mentees",
    "Departments",
    "Started on",
    "Ends on",
    "Ended on",
    "Status",
    "Health",
    "Meetings held",
    "Messages",
    "Goals set",
    "Goals achieved",
    "Milestones done",
    "Milestones overdue",
    "Check-ins",
    "Average check-in rating",
)

_first = itemgetter(0)
STATUS_LABELS: dict[str, str] = dict(MentorshipStatus.choices)
HEALTH_LABELS: dict[str, str] = dict(HealthStatus.choices)


PROGRESS_FIELDS: tuple[str, ...] = (
    "mentorship_id",
    "program",
    "cohort",
    "mentor",
    "mentees",
    "departments",
    "started_on",
    "ends_on",
    "ended_on",
    "status",
    "health",
    "meetings_held",
    "messages",
    "goals_set",
    "goals_achieved",
    "milestones_done",
    "milestones_overdue",
    "check_ins",
    "average_rating",
)


class ProgressRow(tuple):
    """One row: the values of PROGRESS_HEADERS in order, then those of the extra columns. A
    plain tuple (built at C speed, written as it is), with the columns readable by name."""

    __slots__ = ()

    mentorship_id = property(itemgetter(0))
    program = property(itemgetter(1))
    cohort = property(itemgetter(2))
    mentor = property(itemgetter(3))
    mentees = property(itemgetter(4))
    departments = property(itemgetter(5))
    started_on = property(itemgetter(6))
    ends_on = property(itemgetter(7))
    ended_on = property(itemgetter(8))
    status = property(itemgetter(9))
    health = property(itemgetter(10))
    meetings_held = property(itemgetter(11))
    messages = property(itemgetter(12))
    goals_set = property(itemgetter(13))
    goals_achieved = property(itemgetter(14))
    milestones_done = property(itemgetter(15))
    milestones_overdue = property(itemgetter(16))
    check_ins = property(itemgetter(17))
    average_rating = property(itemgetter(18))

    @property
    def extra(self) -> tuple:
        return self[len(PROGRESS_FIELDS) :]

    @classmethod
    def of(cls, *, extra: tuple = (), **values: Any) -> ProgressRow:
        """A row from its values by name (every field of PROGRESS_FIELDS)."""
        return cls((*(values[name] for name in PROGRESS_FIELDS), *extra))


class ColumnProvider(Protocol):
    """Columns another app adds to the progress report (see the module's docstring). A
    provider may also offer `chunk_query(*, after, last, members)`: a queryset of rows
    (mentorship id, then its values in the order of `headers`), at most one per mentorship, for
    the ids in (after, last] among `members`. The report then joins it to its own statement
    (one statement per chunk, sent ahead of time) instead of calling `values`."""

    headers: Sequence[str]

    def values(
        self, organization: Organization, mentorship_ids: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]: ...


def _joined_provider(provider: ColumnProvider) -> bool:
    return hasattr(provider, "chunk_query")


@dataclass(frozen=True)
class Columns:
    """A column provider from a function: `Columns(("NPS",), nps_by_mentorship)`."""

    headers: tuple[str, ...]
    function: Any

    def values(
        self, organization: Organization, mentorship_ids: Sequence[int]
    ) -> Mapping[int, Sequence[Any]]:
        return self.function(organization, mentorship_ids)


COLUMN_PROVIDERS: list[ColumnProvider] = []
_discovered = False


def column_providers() -> list[ColumnProvider]:
    """The registered providers, with each installed app's `report_columns.PROGRESS_COLUMNS`
    (looked up once)."""
    global _discovered
    if not _discovered:
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.report_columns")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.report_columns":
                    raise
                continue
            COLUMN_PROVIDERS.extend(getattr(module, "PROGRESS_COLUMNS", ()))
        _discovered = True
    return COLUMN_PROVIDERS


def progress_headers(extra_columns: Sequence[ColumnProvider] | None = None) -> tuple[str, ...]:
    providers = column_providers() if extra_columns is None else extra_columns
    return PROGRESS_HEADERS + tuple(h for provider in providers for h in provider.headers)


def mentorship_filter(filters: ReportFilters) -> Q:
    """The report's mentorships, as a condition on Mentorship (build querysets with it inside
    the organisation's scope)."""
    condition = Q(cohort__program_id__in=filters.program_ids)
    if filters.cohort is not None:
        condition &= Q(cohort_id=filters.cohort.pk)
    if filters.until is not None:
        condition &= Q(started_on__lte=filters.until)
    if filters.since is not None:
        condition &= Q(ended_on__isnull=True) | Q(ended_on__gte=filters.since)
    if filters.department:
        in_department = MentorshipMentee.objects.filter(
            mentee__department__iexact=filters.department
        ).values("mentorship_id")
        condition &= Q(mentor__department__iexact=filters.department) | Q(pk__in=in_department)
    return condition


def _held() -> Q:
    """A meeting that took place (meetings.selectors.last_held_at_by_mentorship's rule)."""
    return Q(status=MeetingStatus.SCHEDULED, attendance=Attendance.HELD) | Q(
        status=MeetingStatus.SCHEDULED, attendance="", ends_at__lte=timezone.now()
    )


_BASE_FIELDS = (
    "pk",
    "cohort__program__name",
    "cohort__name",
    "mentor_shown",
    "mentor__department",
    "started_on",
    "ends_on",
    "ended_on",
    "status",
    "latest_health",
)


def _shown_name(path: str) -> Coalesce:
    """A person as the report names them: their full name, or their email when they have none."""
    return Coalesce(
        NullIf(F(f"{path}__full_name"), Value("")), F(f"{path}__email"), output_field=CharField()
    )


def _take(cursor) -> list[tuple]:
    """The rows as the database driver returns them: no per-value converters or row copies of
    Django's, which cost more than the queries on a large export."""
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


@contextmanager
def _pipelined(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """On PostgreSQL, psycopg's pipeline mode: the next chunk's queries are sent before this
    chunk's rows are formatted, so the server computes them meanwhile, on the same connection
    (and in the same transaction). Elsewhere, one query after the other.

    Meanwhile the chunks' statements are planned without parallel workers: a chunk is small,
    and in a parallel plan every worker builds each joined count again (three processes doing
    the work of one), taking the cores the export is writing on."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or not _PIPELINE_SUPPORTED:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw.pgconn.pipeline_status != PipelineStatus.OFF:
        yield  # already in a pipeline: its owner settles it
        return
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        with raw.pipeline():
            yield
    finally:
        # After a failure the setting goes with the transaction or the connection.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")


def _chunk_ends(condition: Q, size: int) -> list[int]:
    """The id ending each full chunk, in one query (a window function): every chunk is then an
    id range known in advance, so its queries can be sent early. The first chunks are smaller
    (RAMP), so the first rows go out without waiting for a whole chunk."""
    positions = list(accumulate(min(step, size) for step in RAMP))
    steady_from = positions[-1]
    return list(
        Mentorship.objects.filter(condition)
        .alias(position=Window(RowNumber(), order_by=F("pk").asc()))
        .alias(rest=Mod(F("position") - steady_from, size))
        .filter(Q(position__in=positions) | Q(rest=0, position__gt=steady_from))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _chunk_queries(
    condition: Q,
    after: int,
    last: int | None,
    today: datetime.date,
    providers: Sequence[ColumnProvider] = (),
) -> dict[str, QuerySet]:
    """A chunk's queries: its mentorships (ids in (after, last]) with the latest health, then
    a fixed set of GROUP BY counts. Each count reads the chunk's id range (an index range
    scan) and keeps the chunk's own mentorships (a semi-join on the same condition), so no list
    of ids is sent and a sparse filter never counts rows it will not show."""
    in_range = {"pk__gt": after} | ({"pk__lte": last} if last is not None else {})
    members = Mentorship.objects.filter(condition, **in_range).values("pk")

    def of_chunk(path: str) -> dict:
        bounds = {f"{path}__gt": after, f"{path}__in": members}
        return bounds | ({f"{path}__lte": last} if last is not None else {})

    latest_health = (
        HealthSnapshot.objects.filter(mentorship_id=OuterRef("pk"))
        .order_by("-taken_on")
        .values("status")[:1]
    )
    queries = {
        # The health of active mentorships only (relationships.services judges no other).
        "base": Mentorship.objects.filter(condition, **in_range)
        .annotate(
            mentor_shown=_shown_name("mentor"),
            latest_health=Case(
                When(status=MentorshipStatus.ACTIVE, then=Subquery(latest_health)),
                default=None,
            ),
        )
        .order_by()
        .values_list(*_BASE_FIELDS),
        "mentees": MentorshipMentee.objects.filter(**of_chunk("mentorship_id"))
        .annotate(mentee_shown=_shown_name("mentee"))
        .order_by("mentorship_id", "mentee__full_name", "pk")
        .values_list("mentorship_id", "mentee_shown", "mentee__department"),
        "meetings": Meeting.objects.filter(_held(), **of_chunk("mentorship_id"))
        .order_by()
        .values_list("mentorship_id")
        .annotate(count=Count("pk")),
        "messages": Message.objects.filter(
            deleted_at__isnull=True, **of_chunk("conversation__mentorship_id")
        )
        .order_by()
        .values_list("conversation__mentorship_id")
        .annotate(count=Count("pk")),
        "goals": Goal.objects.filter(**of_chunk("mentorship_id"))
        .order_by()
        .values_list("mentorship_id")
        .annotate(total=Count("pk"), achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED))),
        "milestones": Milestone.objects.filter(**of_chunk("goal__mentorship_id"))
        .order_by()
        .values_list("goal__mentorship_id")
        .annotate(
            done=Count("pk", filter=Q(done_on__isnull=False)),
            overdue=Count(
                "pk",
                filter=Q(done_on__isnull=True, due_on__lt=today, goal__status=GoalStatus.ACTIVE),
            ),
        ),
        "check_ins": CheckIn.objects.filter(**of_chunk("mentorship_id"))
        .order_by()
        .values_list("mentorship_id")
        .annotate(
            total=Count("pk"), average=Cast(Round(Avg("rating"), 2), output_field=FloatField())
        ),
    }
    for number, provider in enumerate(providers):
        if _joined_provider(provider):
            queries[f"extra_{number}"] = provider.chunk_query(
                after=after, last=last, members=members
            )
    return queries


# The counts joined to a chunk's mentorships, in the row's order: (query, its values and what
# each is when the query has no row for the mentorship: SQL, or None for NULL).
_JOINED_COUNTS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("meetings", ("0",)),
    ("messages", ("0",)),
    ("goals", ("0", "0")),
    ("milestones", ("0", "0")),
    ("check_ins", ("0", None)),
)


_JOINED_COUNT_COLUMNS = sum(len(blanks) for _, blanks in _JOINED_COUNTS)


def _joined_statement(queries: dict[str, QuerySet], providers: Sequence[ColumnProvider]):
    """One statement for a chunk's rows: its mentorships, each count query and each joined
    provider's query as a named subquery (WITH, with its columns named), left-joined on the
    mentorship id, in id order. The database does the joins; Python reads one row per
    mentorship with every number in place. Returns (sql, params)."""
    parts: list[tuple[str, QuerySet, tuple[str | None, ...]]] = [
        (name, queries[name], blanks) for name, blanks in _JOINED_COUNTS
    ]
    for number, provider in enumerate(providers):
        if _joined_provider(provider):
            parts.append(
                (f"extra_{number}", queries[f"extra_{number}"], (None,) * len(provider.headers))
            )
    base_columns = [f"c{n}" for n in range(len(_BASE_FIELDS))]
    sql, params = queries["base"].query.sql_with_params()
    named = [f"base ({', '.join(base_columns)}) AS ({sql})"]
    all_params = list(params)
    selected = [f"base.{column}" for column in base_columns]
    joins = []
    for name, queryset, blanks in parts:
        sql, params = queryset.query.sql_with_params()
        values = [f"v{n}" for n in range(len(blanks))]
        named.append(f"{name} (id, {', '.join(values)}) AS ({sql})")
        all_params.extend(params)
        selected += [
            f"{name}.{value}" if blank is None else f"COALESCE({name}.{value}, {blank})"
            for value, blank in zip(values, blanks, strict=True)
        ]
        joins.append(f"LEFT JOIN {name} ON {name}.id = base.c0")
    # Names and SQL from this module and Django's compiler; every value is a bound parameter.
    statement = (
        f"WITH {', '.join(named)} SELECT {', '.join(selected)} FROM base "  # noqa: S608
        f"{' '.join(joins)} ORDER BY base.c0"
    )
    return statement, all_params


# Stand-ins for a chunk's bounds while its statements are compiled (ids are positive).
_AFTER, _LAST = -(2**62) - 1, -(2**62) - 2


class _Statements:
    """A chunk's two statements (its rows, joined with every count, and its mentees), compiled
    once per export (Django builds and compiles the querysets in about 10 ms: 0.5 s over
    100,000 rows); each chunk binds its own bounds."""

    def __init__(
        self, condition: Q, today: datetime.date, providers: Sequence[ColumnProvider] = ()
    ) -> None:
        self.condition, self.today, self.providers = condition, today, providers
        self.compiled: dict[bool, dict[str, tuple[str, str, list]]] = {}

    def _compile(self, is_open: bool) -> dict[str, tuple[str, str, list]]:
        """Compile inside the organisation's scope."""
        if is_open not in self.compiled:
            queries = _chunk_queries(
                self.condition, _AFTER, None if is_open else _LAST, self.today, self.providers
            )
            mentees = queries["mentees"]
            statements = {
                "rows": (queries["base"].db, *_joined_statement(queries, self.providers)),
                "mentees": (mentees.db, *mentees.query.sql_with_params()),
            }
            compiled = {}
            for name, (alias, sql, params) in statements.items():
                if _AFTER not in params:
                    raise RuntimeError(f"The {name} query lost its chunk bounds.")
                compiled[name] = (alias, sql, list(params))
            self.compiled[is_open] = compiled
        return self.compiled[is_open]

    def send(self, after: int, last: int | None) -> dict:
        sent = {}
        for name, (alias, sql, params) in self._compile(last is None).items():
            bound = [
                after if type(p) is int and p == _AFTER else last if type(p) is int and p == _LAST
                else p
                for p in params
            ]  # fmt: skip
            cursor = connections[alias].cursor()
            cursor.execute(sql, bound)
            sent[name] = cursor
        return sent


def _take_chunk(sent: dict) -> dict[str, list[tuple]]:
    return {name: _take(cursor) for name, cursor in sent.items()}


def _close_chunk(sent: dict | None) -> None:
    for cursor in (sent or {}).values():
        cursor.close()


def progress_chunks(
    organization: Organization,
    filters: ReportFilters,
    extra_columns: Sequence[ColumnProvider] | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list[ProgressRow]]:
    """The progress report's rows, chunk by chunk (lists of at most about `chunk_size` rows, in
    mentorship id order; see the module's docstring), so a consumer can treat a chunk at once.
    The organisation's scope is entered around each chunk's queries only, so the generator may
    be consumed anywhere (a streamed response, a task); the consumer must not query the same
    database while the chunks flow (on PostgreSQL the connection is in pipeline mode)."""
    providers = column_providers() if extra_columns is None else list(extra_columns)
    if not filters.program_ids:
        return
    today = timezone.localdate()
    with organization_scope(organization):
        condition = mentorship_filter(filters)
        ends = _chunk_ends(condition, chunk_size)
    # (after, last) of each chunk; the last one is open (fewer than chunk_size, maybe none).
    ranges = list(zip([0, *ends], [*ends, None], strict=True))
    statements = _Statements(condition, today, providers)
    with _pipelined():
        sent = None
        try:
            with organization_scope(organization):
                sent = statements.send(*ranges[0])
            for number in range(len(ranges)):
                with organization_scope(organization):
                    found = _take_chunk(sent)
                    sent = None
                    ids = list(map(_first, found["rows"]))
                    # Providers without a query of their own to join are asked now.
                    asked = {
                        number: provider.values(organization, ids)
                        for number, provider in enumerate(providers)
                        if not _joined_provider(provider)
                    } if ids else {}  # fmt: skip
                    # The next chunk's queries go to the server now, after this chunk's results
                    # are read (reading results in a pipeline waits for all those queued): it
                    # computes them while this chunk is handed over.
                    if number + 1 < len(ranges):
                        sent = statements.send(*ranges[number + 1])
                if ids:
                    chunk = _rows(found, providers, asked)
                    # Only one chunk alive at a time: its query results go before it is handed
                    # over, and the chunk itself before the next one is read.
                    found = asked = ids = None
                    yield chunk
                    del chunk
        finally:
            _close_chunk(sent)


def progress_rows(
    organization: Organization,
    filters: ReportFilters,
    extra_columns: Sequence[ColumnProvider] | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ProgressRow]:
    """The progress report's rows one by one (see progress_chunks)."""
    for chunk in progress_chunks(organization, filters, extra_columns, chunk_size=chunk_size):
        yield from chunk


_second, _third = itemgetter(1), itemgetter(2)


def _pair_departments(mentor: str, mentee: str) -> str:
    """The departments of a mentor and their one mentee: the mentor's first, no repeat."""
    if not mentee or mentee == mentor:
        return mentor
    if not mentor:
        return mentee
    return mentor + "; " + mentee


def _group_departments(mentor: str, theirs: list[str]) -> str:
    """The departments of a mentor and their mentees: the mentor's first, no repeats."""
    if not theirs:
        return mentor
    if not mentor:
        return "; ".join(theirs)
    return "; ".join([mentor, *(d for d in theirs if d != mentor)])


def _people(
    mentees: list[tuple], ids: Sequence[int], mentor_departments: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Each row's mentees (names joined, in name order) and departments (the mentor's, then
    the mentees' not already named)."""
    mentorship_ids = list(map(_first, mentees))
    if len(set(mentorship_ids)) == len(mentorship_ids):
        # One mentee per mentorship (most programs): column at a time, at C speed.
        names = dict(zip(mentorship_ids, map(_second, mentees), strict=True))
        departments = dict(zip(mentorship_ids, map(_third, mentees), strict=True))
        return (
            list(map(names.get, ids, repeat(""))),
            list(map(_pair_departments, mentor_departments, map(departments.get, ids, repeat("")))),
        )
    named: dict[int, list[str]] = {}
    grouped: dict[int, list[str]] = {}
    for mentorship_id, name, department in mentees:
        named.setdefault(mentorship_id, []).append(name)
        theirs = grouped.setdefault(mentorship_id, [])
        if department and department not in theirs:
            theirs.append(department)
    return (
        ["; ".join(named.get(pk, ())) for pk in ids],
        list(map(_group_departments, mentor_departments, map(grouped.get, ids, repeat(())))),
    )


def _rows(
    found: dict[str, list[tuple]],
    providers: Sequence[ColumnProvider],
    asked: dict[int, Mapping[int, Sequence[Any]]],
) -> list[ProgressRow]:
    """The chunk's rows, from its statements' results, built a column at a time at C speed
    (zips and maps over the rows, no Python statement per row). `asked`: the values of the
    providers that were asked (by their position), the others' columns are in the rows."""
    columns = list(zip(*found["rows"], strict=True))
    ids, mentor_departments = columns[0], columns[4]
    statuses, healths = columns[8], columns[9]
    names, departments = _people(found["mentees"], ids, mentor_departments)
    joined = iter(columns[len(_BASE_FIELDS) + _JOINED_COUNT_COLUMNS :])
    extra = []
    for number, provider in enumerate(providers):
        width = len(provider.headers)
        if number in asked:
            blank = (None,) * width
            if width:
                extra += zip(*map(asked[number].get, ids, repeat(blank)), strict=True)
        else:
            extra += [next(joined) for _ in range(width)]
    return list(
        map(
            ProgressRow,
            zip(
                *columns[:4], names, departments, *columns[5:8],
                map(STATUS_LABELS.get, statuses, statuses),
                map(HEALTH_LABELS.get, healths, repeat("")),
                *columns[len(_BASE_FIELDS) : len(_BASE_FIELDS) + _JOINED_COUNT_COLUMNS],
                *extra,
                strict=True,
            ),
        )
    )  # fmt: skip
