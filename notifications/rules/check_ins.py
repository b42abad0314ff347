"""Check-ins due: each person of an active pair, once per period of the program's cadence.

The check-in a person writes now is for the period after their last one, or for the current
period when they fell behind (goals.services.check_ins: writing late catches up). It is due
at that period's end; they hear of it LEAD_DAYS before, once per period. Programs whose
check-ins are off tell nobody.
"""

from __future__ import annotations

import datetime

from django.db.models import Max, Q

from goals.models import CheckIn, CheckInCadence, CheckInSettings
from goals.services.check_ins import current_period
from notifications.delivery import Draft
from notifications.program_settings import nudge_settings_for
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import (
    Pair,
    day_label,
    links,
    local_date,
    pairs_of,
    program_settings,
    running,
)
from notifications.timing import zone_of
from organizations.models import Organization
from organizations.scope import organization_scope

KEY = "check_ins"
KIND = "check_in_due"
LEAD_DAYS = 2
# A program that never saved its check-in settings has the defaults (goals'
# program_goal_settings creates them so the first time a pair opens its check-ins).
DEFAULT_ENABLED, DEFAULT_CADENCE = True, int(CheckInCadence.FORTNIGHTLY)


def occurrence(mentorship_id: int, period: int) -> str:
    return f"check_in:{mentorship_id}:{period}"


def check_in_cadences(organization: Organization, program_ids) -> dict[int, int | None]:
    """Program id -> its cadence in days, None when its check-ins are off."""
    with organization_scope(organization):
        rows = {
            program_id: (enabled, cadence)
            for program_id, enabled, cadence in CheckInSettings.objects.filter(
                program_id__in=list(program_ids)
            ).values_list("program_id", "enabled", "cadence_days")
        }
    found = {}
    for pk in program_ids:
        enabled, cadence = rows.get(pk, (DEFAULT_ENABLED, DEFAULT_CADENCE))
        found[pk] = cadence if enabled else None
    return found


def last_periods(organization: Organization, pairs: dict[int, Pair]) -> dict[tuple, int]:
    """(mentorship id, author id) -> the last period they checked in for."""
    with organization_scope(organization):
        return {
            (mentorship_id, author_id): last
            for mentorship_id, author_id, last in CheckIn.objects.filter(
                mentorship_id__in=list(pairs)
            )
            .order_by()
            .values_list("mentorship_id", "author_id")
            .annotate(last=Max("period"))
        }


def open_check_in(
    started_on: datetime.date, cadence: int, last: int | None, today: datetime.date
) -> tuple[int, datetime.date]:
    """(period, due date) of the check-in the person writes now."""
    period = max((last or 0) + 1, current_period(started_on, cadence, today))
    return period, started_on + datetime.timedelta(days=period * cadence)


def _due(pair: Pair, cadence: int, last: int | None, today: datetime.date):
    period, due_on = open_check_in(pair.started_on, cadence, last, today)
    if today >= due_on - datetime.timedelta(days=LEAD_DAYS):
        return period, due_on
    return None


def scan(organization: Organization, now: datetime.datetime):
    today = local_date(now)
    programs = running(program_settings(organization), KIND)
    if not programs:
        return
    cadences = check_in_cadences(organization, programs)
    on = [pk for pk, cadence in cadences.items() if cadence]
    pairs = pairs_of(organization, where=Q(cohort__program_id__in=on)) if on else {}
    if not pairs:
        return
    last = last_periods(organization, pairs)
    items: list[Item] = []
    for pair in pairs.values():
        for person in pair.reachable:
            due = _due(pair, cadences[pair.program_id], last.get((pair.id, person.user_id)), today)
            if due:
                items.append([pair.id, person.user_id, due[0]])
    yield from in_batches(items)


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    today = local_date(now)
    pairs = pairs_of(organization, {item[0] for item in items})
    if not pairs:
        return []
    program_ids = {p.program_id for p in pairs.values()}
    settings = nudge_settings_for(organization, program_ids)
    cadences = check_in_cadences(organization, program_ids)
    last = last_periods(organization, pairs)
    check_ins_url = links("goals:check_ins", organization, "mentorship_id")
    found = []
    for mentorship_id, user_id, period in items:
        pair = pairs.get(mentorship_id)
        person = pair.person(user_id) if pair else None
        if person is None or not settings[pair.program_id].runs(KIND):
            continue
        cadence = cadences[pair.program_id]
        due = _due(pair, cadence, last.get((pair.id, user_id)), today) if cadence else None
        if due is None or due[0] != period:  # written since, or check-ins switched off
            continue
        due_on = due[1]
        days = (due_on - now.astimezone(zone_of(person.zone)[0]).date()).days
        when = {0: "today", 1: "tomorrow"}.get(days, f"on {day_label(due_on)}")
        found.append(
            Draft(
                kind=KIND, occurrence=occurrence(pair.id, period), title="Time for your check-in",
                user_id=user_id,
                body=(
                    f"Your check-in on your mentorship with {pair.partners_of(user_id)} is due "
                    f"{when}. It takes five minutes: what moved forward, what is in the way, "
                    f"what comes next and how it is going between you."
                ),
                url=check_ins_url(pair.id),
                action="Write your check-in", mentorship_id=pair.id, program_id=pair.program_id,
            )
        )  # fmt: skip
    return found


RULE = register(Rule(KEY, 3600, scan, drafts))
