"""Reading the organisation's audit log: its filters, each entry in words, and its CSV.

The page, its CSV download and the API share these, so the three answer the same filters with
the same errors and describe an entry with the same sentence.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from organizations.audit import audit_events_for
from organizations.models import AuditAction, AuditEvent, Membership, Role

CSV_BLOCK_ROWS = 500
CSV_HEADERS = ("When", "Who", "Action", "What happened", "About", "Details")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Filters ----------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    """The log's filters, from the query string: all optional, every one checked."""

    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Every action"), *AuditAction.choices]
    )
    person = forms.TypedChoiceField(
        label="Person", required=False, coerce=int, empty_value=None, choices=[]
    )
    since = forms.DateField(label="From", required=False, widget=DateInput)
    until = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, data: Mapping | None, *, people: Iterable[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["person"].choices = [("", "Everyone"), *people]
        self.fields["person"].error_messages["invalid_choice"] = (
            "Choose someone from the list: nobody else has an entry in the log."
        )
        self.fields["action"].error_messages["invalid_choice"] = "Choose an action from the list."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The last day comes before the first day.")
        return cleaned


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    actor_id: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None

    def bounds(
        self, zone: datetime.tzinfo
    ) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The days as instants in the viewer's time zone: [first day 00:00, day after last)."""

        def start_of(day: datetime.date) -> datetime.datetime:
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)

        since = start_of(self.since) if self.since else None
        until = start_of(self.until + datetime.timedelta(days=1)) if self.until else None
        return since, until

    @property
    def given(self) -> dict[str, str]:
        """The filters in use, as query-string values (for the pages' links and the CSV)."""
        values = {
            "action": self.action or "",
            "person": "" if self.actor_id is None else str(self.actor_id),
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in values.items() if value}


def people_in_log(membership: Membership) -> list[tuple[int, str]]:
    """Everyone who has acted in the organisation's log, by name (one query). A person whose
    account is gone has no account to filter by; their entries keep their name."""
    rows = (
        AuditEvent.all_organizations.filter(
            organization_id=membership.organization_id, actor__isnull=False
        )
        .values_list("actor_id", "actor__full_name", "actor__email")
        .distinct()
        .order_by("actor__full_name", "actor__email", "actor_id")
    )
    return [(actor_id, f"{name} ({email})" if name else email) for actor_id, name, email in rows]


def audit_filter_form(membership: Membership, params: Mapping) -> AuditFilterForm:
    """The filter form bound to the query string, offering the people in the log."""
    return AuditFilterForm(params, people=people_in_log(membership))


def audit_filters_of(form: AuditFilterForm) -> AuditFilters:
    """The filters of a valid form."""
    data = form.cleaned_data
    return AuditFilters(
        action=data["action"] or None,
        actor_id=data["person"],
        since=data["since"],
        until=data["until"],
    )


def zone_of(user: Any) -> datetime.tzinfo:
    """The person's time zone (UTC when they have none, or an unknown one)."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def filtered_events(
    membership: Membership, filters: AuditFilters, zone: datetime.tzinfo | None = None
) -> QuerySet[AuditEvent]:
    """The entries the filters keep; days are read in `zone` (by default the viewer's)."""
    since, until = filters.bounds(zone or timezone.get_current_timezone())
    return audit_events_for(
        membership, action=filters.action, actor_id=filters.actor_id, since=since, until=until
    )


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def describe_audit_filters(filters: AuditFilters, people: Mapping[int, str]) -> str:
    """The filters in words, for the CSV download's own entry: "Role changed; Ada; from 1 Nov"."""
    words = []
    if filters.action:
        words.append(AuditAction(filters.action).label)
    if filters.actor_id is not None:
        words.append(f"by {people.get(filters.actor_id, 'person ' + str(filters.actor_id))}")
    if filters.since:
        words.append(f"from {_day(filters.since)}")
    if filters.until:
        words.append(f"to {_day(filters.until)}")
    return "; ".join(words) or "the whole log"


# Entries in words -------------------------------------------------------------------------------


def name_of(label: str) -> str:
    """The name in "Ada Lovelace <ada@example.org>", or the address when there is no name."""
    name, separator, email = label.partition(" <")
    if not separator:
        return label
    return name.strip() or email.rstrip(">")


def _role(value: Any) -> str:
    return Role(value).label.lower() if value in Role.values else str(value)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def audit_sentence(event: AuditEvent) -> str:
    """The entry as a sentence: "Ada Lovelace changed Bob Smith's role from mentee to program
    manager". Written from the labels kept at the time, so renames and erasures never change it."""
    actor = name_of(event.actor_label) or "Someone"
    details = event.details if isinstance(event.details, dict) else {}
    target = event.target_label
    match event.action:
        case AuditAction.MEMBER_ROLE_CHANGED if "person" in details:
            return (
                f"{actor} changed {_possessive(name_of(details['person']))} role from "
                f"{_role(details.get('from'))} to {_role(details.get('to'))}"
            )
        case AuditAction.MEMBER_REMOVED if details.get("left"):
            return f"{actor} left the organisation (was {_role(details.get('role'))})"
        case AuditAction.MEMBER_REMOVED if "person" in details:
            return (
                f"{actor} removed {name_of(details['person'])} "
                f"({_role(details.get('role'))}) from the organisation"
            )
        case AuditAction.INVITATION_CREATED if "email" in details:
            return f"{actor} invited {details['email']} as {_role(details.get('role'))}"
        case AuditAction.INVITATION_REVOKED if "email" in details:
            return (
                f"{actor} withdrew the invitation of {details['email']} "
                f"({_role(details.get('role'))})"
            )
        case AuditAction.MATCHES_PUBLISHED:
            return f"{actor} published the matches: {target}"
        case AuditAction.REPORT_EXPORTED:
            return f"{actor} exported the {target[:1].lower()}{target[1:]}"
        case AuditAction.AUDIT_EXPORTED:
            return f"{actor} downloaded the audit log as CSV ({target})"
        case AuditAction.ORGANIZATION_EXPORTED:
            return f"{actor} exported the whole organisation" + (f" ({target})" if target else "")
        case AuditAction.ORGANIZATION_SETTINGS_CHANGED if details.get("field") == "name":
            return (
                f"{actor} renamed the organisation from “{details.get('from')}” "
                f"to “{details.get('to')}”"
            )
        case AuditAction.ORGANIZATION_MFA_CHANGED if "to" in details:
            state = "on" if details["to"] else "off"
            return (
                f"{actor} turned {state} two-factor authentication for owners, admins and "
                "report viewers"
            )
        case AuditAction.PROGRAM_ARCHIVED:
            return f"{actor} archived the program {target}"
        case AuditAction.PROGRAM_DELETED:
            return f"{actor} deleted the program {target}"
        case AuditAction.ACCOUNT_ERASED if target:
            return f"{actor} erased the account of {name_of(target)}"
        case AuditAction.ACCOUNT_ERASED:
            return f"{actor} erased their account"
    label = AuditAction(event.action).label if event.action in AuditAction.values else event.action
    return f"{actor}: {label.lower()}" + (f" — {target}" if target else "")


# CSV --------------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula gets an apostrophe: a name is never a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_row(event: AuditEvent, zone: datetime.tzinfo) -> tuple[str, ...]:
    return (
        event.created_at.astimezone(zone).isoformat(timespec="seconds"),
        _cell(event.actor_label),
        event.action,
        _cell(audit_sentence(event)),
        _cell(event.target_label),
        _cell(json.dumps(event.details, ensure_ascii=False, sort_keys=True)),
    )


def audit_csv_blocks(events: QuerySet[AuditEvent], zone: datetime.tzinfo) -> Iterator[bytes]:
    """The events as CSV, in blocks of a few hundred rows; memory holds one block. The first
    block starts with a byte order mark, so spreadsheets read accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADERS)
    for count, event in enumerate(events.iterator(chunk_size=CSV_BLOCK_ROWS), start=1):
        writer.writerow(_csv_row(event, zone))
        if count % CSV_BLOCK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
