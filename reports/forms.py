"""The dashboard's filter form, and the filters of a report in words (for the audit log).

The form only presents the filters: reports.filters.parse_filters reads and checks them, and its
field messages are shown under the fields here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django import forms
from django.forms import BoundField

from programs.models import Cohort, Enrolment, Program

FILTER_NAMES = ("program", "cohort", "since", "until", "department")
REPORT_LABELS = {
    "dashboard": "Program dashboard",
    "funnel": "Enrolment funnel",
    "health": "Relationship health",
    "audit": "Audit log",
    "progress": "Progress report",
    "participants": "Participants",
}


class DateInput(forms.DateInput):
    input_type = "date"


class DashboardFilterForm(forms.Form):
    program = forms.ChoiceField(label="Program", required=False)
    cohort = forms.ChoiceField(label="Cohort", required=False)
    since = forms.DateField(label="From", required=False, widget=DateInput)
    until = forms.DateField(label="To", required=False, widget=DateInput)
    department = forms.ChoiceField(label="Department", required=False)

    def __init__(
        self,
        *,
        params,
        programs: Sequence[Program],
        cohorts: Sequence[Cohort],
        departments: Sequence[str],
        errors: Mapping[str, Sequence[str]],
    ) -> None:
        values = {name: str(params.get(name) or "").strip() for name in FILTER_NAMES}
        super().__init__(initial=values)
        self.filter_errors = {name: list(errors.get(name, [])) for name in FILTER_NAMES}
        self.fields["program"].choices = [("", "All")] + [(str(p.pk), p.name) for p in programs]
        several = len({c.program_id for c in cohorts}) > 1
        self.fields["cohort"].choices = [("", "All")] + [
            (str(c.pk), f"{c.program.name} · {c.name}" if several else c.name) for c in cohorts
        ]
        known = list(departments)
        if values["department"] and values["department"].casefold() not in {
            d.casefold() for d in known
        }:
            known.append(values["department"])
        self.fields["department"].choices = [("", "All")] + [(d, d) for d in known]
        for name, messages in self.filter_errors.items():
            if messages:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )

    def rows(self) -> list[tuple[BoundField, list[str]]]:
        return [(self[name], self.filter_errors[name]) for name in FILTER_NAMES]


def known_departments(enrolments: Iterable[str]) -> list[str]:
    """Departments as people wrote them, each once whatever its case (capitals first), in
    alphabetical order."""
    found: dict[str, str] = {}
    for department in sorted(d.strip() for d in enrolments):
        if department:
            found.setdefault(department.casefold(), department)
    return sorted(found.values(), key=str.casefold)


def departments_of(programs: Sequence[Program]) -> list[str]:
    """The departments of the people enrolled in these programs (one query)."""
    return known_departments(
        Enrolment.objects.filter(cohort__program__in=list(programs))
        .exclude(department="")
        .order_by()
        .values_list("department", flat=True)
        .distinct()
    )


# The filters of a report in words.


def _day(value: str) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{day.day} {day:%b %Y}"


def report_label(report: str) -> str:
    return REPORT_LABELS.get(report, report.replace("_", " ").capitalize())


def names_for(entries: Iterable) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the programs and cohorts the entries' filters name (two queries at most;
    a program deleted since shows by its number)."""
    program_ids, cohort_ids = set(), set()
    for entry in entries:
        filters = entry.filters if isinstance(entry.filters, dict) else {}
        programs = filters.get("program") or []
        program_ids.update(
            p
            for p in (programs if isinstance(programs, list) else [programs])
            if isinstance(p, int)
        )
        if isinstance(filters.get("cohort"), int):
            cohort_ids.add(filters["cohort"])
    programs = (
        dict(Program.objects.filter(pk__in=program_ids).values_list("pk", "name"))
        if program_ids
        else {}
    )
    cohorts = (
        dict(Cohort.objects.filter(pk__in=cohort_ids).values_list("pk", "name"))
        if cohort_ids
        else {}
    )
    return programs, cohorts


def describe_filters(
    filters: Mapping, programs: Mapping[int, str], cohorts: Mapping[int, str]
) -> list[str]:
    """The filters as a person reads them: "Program: Leadership", "1 Jan 2026 to 31 Mar 2026"."""
    if not isinstance(filters, Mapping):
        return []
    words = []
    chosen = filters.get("program") or []
    chosen = chosen if isinstance(chosen, list) else [chosen]
    if chosen:
        names = [programs.get(p, f"program {p} (deleted)") for p in chosen]
        words.append(f"{'Programs' if len(names) > 1 else 'Program'}: {', '.join(names)}")
    else:
        words.append("All programs")
    cohort = filters.get("cohort")
    if cohort:
        words.append(f"Cohort: {cohorts.get(cohort, f'cohort {cohort} (deleted)')}")
    since, until = filters.get("since"), filters.get("until")
    if since and until:
        words.append(f"{_day(since)} to {_day(until)}")
    elif since:
        words.append(f"From {_day(since)}")
    elif until:
        words.append(f"Up to {_day(until)}")
    if filters.get("department"):
        words.append(f"Department: {filters['department']}")
    for key, value in filters.items():
        if key not in FILTER_NAMES and value not in (None, "", []):
            words.append(f"{str(key).replace('_', ' ').capitalize()}: {value}")
    return words
