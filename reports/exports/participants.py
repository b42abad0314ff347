"""The participants export: one row per enrolment of the report's programs, never a profile
answer or anything a person wrote.

Filters: the programs and cohort; the department is the enrolment's own (compared without
case); a date range keeps the cohorts that run at some time in it (starting on or before
`until`, ending on or after `since`). Matched means in an open (active or paused) mentorship;
the mentorship status is that of the person's latest mentorship (by start), blank when they
never had one. Constant memory and a fixed number of queries per chunk, as the progress
report.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import NamedTuple

from django.db.models import Q

from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import (
    OPEN_MENTORSHIP_STATES,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    Mentorship,
    MentorshipMentee,
)
from reports.filters import ReportFilters
from reports.progress import CHUNK_SIZE, STATUS_LABELS

PARTICIPANT_HEADERS: tuple[str, ...] = (
    "Name",
    "Email",
    "Role",
    "Program",
    "Cohort",
    "State",
    "Department",
    "Matched",
    "Mentorship status",
    "Mentorships",
)

ROLE_LABELS = dict(EnrolmentRole.choices)
STATE_LABELS = dict(EnrolmentState.choices)
_OPEN = {str(status) for status in OPEN_MENTORSHIP_STATES}


class ParticipantRow(NamedTuple):
    name: str
    email: str
    role: str
    program: str
    cohort: str
    state: str
    department: str
    matched: str
    mentorship_status: str
    mentorships: int


def enrolment_filter(filters: ReportFilters) -> Q:
    condition = Q(cohort__program_id__in=filters.program_ids)
    if filters.cohort is not None:
        condition &= Q(cohort_id=filters.cohort.pk)
    if filters.until is not None:
        condition &= Q(cohort__starts_on__lte=filters.until)
    if filters.since is not None:
        condition &= Q(cohort__ends_on__gte=filters.since)
    if filters.department:
        condition &= Q(department__iexact=filters.department)
    return condition


def participant_chunks(
    organization: Organization, filters: ReportFilters, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[ParticipantRow]]:
    """The participants in enrolment id order, chunk by chunk, three queries per chunk: the
    chunk's enrolments, then their mentorships as mentor and as mentee (read by the chunk's id
    range and a semi-join on the same filter, so no list of ids is sent)."""
    if not filters.program_ids:
        return
    after = 0
    while True:
        with organization_scope(organization):
            condition = enrolment_filter(filters)
            base = list(
                Enrolment.objects.filter(condition, pk__gt=after)
                .order_by("pk")
                .values_list(
                    "pk", "full_name", "email", "role", "cohort__program__name", "cohort__name",
                    "state", "department",
                )[:chunk_size]
            )  # fmt: skip
            if not base:
                return
            last = base[-1][0]
            members = Enrolment.objects.filter(condition, pk__gt=after, pk__lte=last).values("pk")
            # (enrolment id, status, started on, mentorship id) of each of their mentorships.
            found = list(
                Mentorship.objects.filter(
                    mentor_id__gt=after, mentor_id__lte=last, mentor_id__in=members
                )
                .order_by()
                .values_list("mentor_id", "status", "started_on", "pk")
            )
            found += MentorshipMentee.objects.filter(
                mentee_id__gt=after, mentee_id__lte=last, mentee_id__in=members
            ).values_list(
                "mentee_id", "mentorship__status", "mentorship__started_on", "mentorship_id"
            )
        yield _participants(base, found)
        after = last
        if len(base) < chunk_size:
            return


def _participants(base: list[tuple], found: list[tuple]) -> list[ParticipantRow]:
    latest: dict[int, tuple[datetime.date, int, str]] = {}
    total: dict[int, int] = {}
    is_open: set[int] = set()
    for enrolment_id, status, started_on, mentorship_id in found:
        total[enrolment_id] = total.get(enrolment_id, 0) + 1
        if status in _OPEN:
            is_open.add(enrolment_id)
        if latest.get(enrolment_id, (datetime.date.min, 0, ""))[:2] < (started_on, mentorship_id):
            latest[enrolment_id] = (started_on, mentorship_id, status)
    rows = []
    for pk, name, email, role, program, cohort, state, department in base:
        status = latest[pk][2] if pk in latest else ""
        rows.append(
            ParticipantRow(
                name or email,
                email,
                ROLE_LABELS.get(role, role),
                program,
                cohort,
                STATE_LABELS.get(state, state),
                department,
                "yes" if pk in is_open else "no",
                STATUS_LABELS.get(status, status),
                total.get(pk, 0),
            )
        )
    return rows
