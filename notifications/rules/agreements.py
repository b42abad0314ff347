"""Agreements not confirmed: once a mentorship has been active for the program's
agreement_after_days, each person who has not confirmed its current version hears of it, once
per mentorship.

Only mentorships that reached that age within the last LOOKBACK_DAYS are scanned: older ones
were told already (the dedupe key is per person and mentorship), so the scan stays small.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q

from notifications.delivery import Draft
from notifications.program_settings import nudge_settings_for
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import (
    LOOKBACK_DAYS,
    day_label,
    links,
    local_date,
    names,
    pairs_of,
    program_settings,
    running,
)
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Agreement, AgreementConfirmation

KEY = "agreements"
KIND = "agreement_pending"


def occurrence(mentorship_id: int) -> str:
    return f"agreement:{mentorship_id}"


def _confirmed(organization: Organization, mentorship_ids) -> dict[int, set[int]]:
    """Mentorship id -> who confirmed its agreement as it stands (as agreement_confirmed_by
    reads it), for mentorships that have an agreement, in two queries."""
    with organization_scope(organization):
        found: dict[int, set[int]] = {
            mentorship_id: set()
            for mentorship_id in Agreement.objects.filter(
                mentorship_id__in=list(mentorship_ids)
            ).values_list("mentorship_id", flat=True)
        }
        for mentorship_id, user_id in AgreementConfirmation.objects.filter(
            agreement__mentorship_id__in=list(found), version=F("agreement__version")
        ).values_list("agreement__mentorship_id", "user_id"):
            found[mentorship_id].add(user_id)
    return found


def _old_enough(started_on: datetime.date, after_days: int, today: datetime.date) -> bool:
    return started_on <= today - datetime.timedelta(days=after_days)


def scan(organization: Organization, now: datetime.datetime):
    today = local_date(now)
    settings = program_settings(organization)
    programs = running(settings, KIND)
    if not programs:
        return
    days = [settings[pk].agreement_after_days for pk in programs]
    pairs = pairs_of(
        organization,
        where=Q(
            cohort__program_id__in=programs,
            started_on__lte=today - datetime.timedelta(days=min(days)),
            started_on__gte=today - datetime.timedelta(days=max(days) + LOOKBACK_DAYS),
        ),
    )
    confirmed = _confirmed(organization, pairs)
    items: list[Item] = [
        [pair.id, person.user_id]
        for pair in pairs.values()
        if pair.id in confirmed
        and _old_enough(pair.started_on, settings[pair.program_id].agreement_after_days, today)
        for person in pair.reachable
        if person.user_id not in confirmed[pair.id]
    ]
    yield from in_batches(items)


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    today = local_date(now)
    pairs = pairs_of(organization, {item[0] for item in items})
    settings = nudge_settings_for(organization, {p.program_id for p in pairs.values()})
    confirmed = _confirmed(organization, pairs)
    mentorship_url = links("relationships:mentorship", organization, "mentorship_id")
    found = []
    for mentorship_id, user_id in items:
        pair = pairs.get(mentorship_id)
        person = pair.person(user_id) if pair else None
        if person is None or pair.id not in confirmed or user_id in confirmed[pair.id]:
            continue
        nudges = settings[pair.program_id]
        if not nudges.runs(KIND) or not _old_enough(
            pair.started_on, nudges.agreement_after_days, today
        ):
            continue
        already = names(
            p.name for p in pair.people if p.user_id in confirmed[pair.id] and p is not person
        )
        body = (
            f"You and {pair.partners_of(user_id)} started on {day_label(pair.started_on)}. "
            f"Your agreement says how often you meet, how quickly you answer and what stays "
            f"between you. "
        )
        if already:
            body += f"{already} confirmed it already. "
        body += "Read it and confirm it, or change it together if something does not fit."
        found.append(
            Draft(
                kind=KIND, occurrence=occurrence(pair.id),
                title="Please confirm your mentoring agreement", user_id=user_id, body=body,
                url=mentorship_url(pair.id) + "#agreement-heading",
                action="Read the agreement", mentorship_id=pair.id, program_id=pair.program_id,
            )
        )  # fmt: skip
    return found


RULE = register(Rule(KEY, 3600, scan, drafts))
