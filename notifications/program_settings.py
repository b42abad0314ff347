"""A program's nudge settings as the scans read them: its saved row, or the defaults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from notifications.models import ProgramNudgeSettings
from organizations.models import Organization
from organizations.scope import organization_scope

DEFAULT_INACTIVE_DAYS = (7, 14, 21)
# The kinds a program can switch off for its people (the others are not nudges).
PROGRAM_KINDS = (
    "meeting_reminder",
    "milestone_due",
    "check_in_due",
    "agreement_pending",
    "request_expiring",
    "pair_inactive",
    "pair_escalation",
    "weekly_digest",
    "manager_digest",
)


@dataclass(frozen=True)
class NudgeSettings:
    disabled: frozenset[str] = frozenset()
    inactive_days: tuple[int, ...] = DEFAULT_INACTIVE_DAYS
    milestone_due_days: int = 3
    agreement_after_days: int = 7
    request_expiry_hours: int = 24

    def runs(self, kind: str) -> bool:
        return kind not in self.disabled


def _of(row: ProgramNudgeSettings | None) -> NudgeSettings:
    if row is None:
        return NudgeSettings()
    return NudgeSettings(
        disabled=frozenset(row.disabled or ()),
        inactive_days=tuple(sorted(row.inactive_days)) if row.inactive_days else (),
        milestone_due_days=row.milestone_due_days,
        agreement_after_days=row.agreement_after_days,
        request_expiry_hours=row.request_expiry_hours,
    )


def nudge_settings_for(
    organization: Organization, program_ids: Iterable[int]
) -> dict[int, NudgeSettings]:
    """Each program's settings in one query (defaults for a program that never saved any)."""
    ids = set(program_ids)
    with organization_scope(organization):
        rows = {r.program_id: r for r in ProgramNudgeSettings.objects.filter(program_id__in=ids)}
    return {pk: _of(rows.get(pk)) for pk in ids}
