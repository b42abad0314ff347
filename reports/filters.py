"""The filters every report takes: programs, a cohort, a date range, a department. Parsed
from a query string, checked against what the member may read: a bad range or another
organisation's program is a clear error (a 400 with the field), never a 500 and never another
organisation's data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError

from organizations.models import Membership, Role
from organizations.scope import organization_scope
from programs.models import Cohort, Program
from programs.selectors import programs_visible_to

MAX_RANGE_DAYS = 3 * 366


@dataclass(frozen=True)
class ReportFilters:
    programs: tuple[Program, ...]
    cohort: Cohort | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    department: str = ""
    # The filters as given, for the audit log and the export's file name.
    given: dict = field(default_factory=dict)

    @property
    def program_ids(self) -> list[int]:
        return [p.pk for p in self.programs]


def can_read_reports(membership: Membership) -> bool:
    return membership.role in (Role.OWNER, Role.ADMIN, Role.REPORT_VIEWER, Role.PROGRAM_MANAGER)


def _date(value: str, name: str, errors: dict) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors[name] = f"Give the date as YYYY-MM-DD (got “{value[:20]}”)."
        return None


def parse_filters(membership: Membership, params) -> ReportFilters:
    """The filters of a request's query string, for this member: `program` (repeatable; the
    programs the member may read when absent), `cohort`, `since`, `until`, `department`."""
    if not can_read_reports(membership):
        raise PermissionDenied(
            "Only owners, admins, program managers and report viewers read reports."
        )
    errors: dict[str, str] = {}
    with organization_scope(membership.organization):
        visible = {p.pk: p for p in programs_visible_to(membership).order_by("name", "pk")}
    wanted = (
        [v for v in params.getlist("program") if str(v).strip()]
        if hasattr(params, "getlist")
        else ([params["program"]] if params.get("program") else [])
    )
    if wanted:
        chosen = []
        for value in wanted:
            program = visible.get(int(value)) if str(value).isdigit() else None
            if program is None:
                errors["program"] = "No such program among the ones you can report on."
                break
            chosen.append(program)
    else:
        chosen = list(visible.values())
    cohort = None
    cohort_value = str(params.get("cohort") or "").strip()
    if cohort_value:
        with organization_scope(membership.organization):
            cohort = (
                Cohort.objects.filter(pk=cohort_value, program__in=chosen)
                .select_related("program")
                .first()
                if cohort_value.isdigit()
                else None
            )
        if cohort is None:
            errors["cohort"] = "No such cohort in the programs of this report."
    since = _date(params.get("since", ""), "since", errors)
    until = _date(params.get("until", ""), "until", errors)
    if since and until:
        if until < since:
            errors["until"] = (
                "The range ends before it starts: the end date must be on or after the start."
            )
        elif (until - since).days > MAX_RANGE_DAYS:
            errors["until"] = "Choose a range of at most three years."
    department = str(params.get("department") or "").strip()[:120]
    if errors:
        raise ValidationError(errors)
    given = {
        key: value
        for key, value in {
            "program": [p.pk for p in chosen] if wanted else [],
            "cohort": cohort.pk if cohort else None,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "department": department,
        }.items()
        if value
    }
    return ReportFilters(
        programs=tuple(chosen),
        cohort=cohort,
        since=since,
        until=until,
        department=department,
        given=given,
    )
