"""Requests about to expire: a mentee's request still waiting for the mentor's answer when
it expires within the program's request_expiry_hours. The mentor hears of it once per request;
the email is dropped if it would arrive after the request expired.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef

from matching.models import MentorshipRequest, MentorshipRequestStatus
from notifications.delivery import Draft
from notifications.program_settings import nudge_settings_for
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import link, program_settings, running, when_label
from organizations.models import Membership, Organization
from organizations.scope import organization_scope

KEY = "requests"
KIND = "request_expiring"


def occurrence(request_id: int) -> str:
    return f"request:{request_id}:expiring"


def _expiring(expires_at, now, hours: int) -> bool:
    return now < expires_at <= now + datetime.timedelta(hours=hours)


def scan(organization: Organization, now: datetime.datetime):
    settings = program_settings(organization)
    programs = running(settings, KIND)
    if not programs:
        return
    hours = max(settings[pk].request_expiry_hours for pk in programs)
    with organization_scope(organization):
        rows = list(
            MentorshipRequest.objects.filter(
                status=MentorshipRequestStatus.PENDING,
                cohort__program_id__in=programs,
                expires_at__gt=now,
                expires_at__lte=now + datetime.timedelta(hours=hours),
            )
            .order_by("expires_at", "pk")
            .values_list("pk", "expires_at", "cohort__program_id")
        )
    items: list[Item] = [
        [pk]
        for pk, expires_at, program_id in rows
        if _expiring(expires_at, now, settings[program_id].request_expiry_hours)
    ]
    yield from in_batches(items)


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    with organization_scope(organization):
        rows = list(
            MentorshipRequest.objects.filter(
                pk__in=[item[0] for item in items],
                status=MentorshipRequestStatus.PENDING,
                expires_at__gt=now,
                mentor__user__is_active=True,
            )
            .annotate(member=Exists(Membership.objects.filter(user_id=OuterRef("mentor__user_id"))))
            .filter(member=True)
            .values_list(
                "pk", "expires_at", "cohort__program_id", "cohort__program__name",
                "mentor__user_id", "mentor__user__timezone", "mentee__full_name",
                "mentee__email",
            )
        )  # fmt: skip
    settings = nudge_settings_for(organization, {row[2] for row in rows})
    requests_url = link("matching:requests", organization)
    found = []
    for pk, expires_at, program_id, program, user_id, zone, mentee, email in rows:
        nudges = settings[program_id]
        if not nudges.runs(KIND) or not _expiring(expires_at, now, nudges.request_expiry_hours):
            continue
        mentee = mentee or email
        found.append(
            Draft(
                kind=KIND, occurrence=occurrence(pk),
                title=f"{mentee} is waiting for your answer", user_id=user_id,
                body=(
                    f"{mentee} asked you to be their mentor in {program}. The request expires "
                    f"{when_label(expires_at, zone, now)}. Accept it, or decline it with a "
                    f"kind word, before then, so that {mentee} knows where they stand."
                ),
                url=requests_url, action="Answer the request",
                program_id=program_id, expires_at=expires_at,
            )
        )  # fmt: skip
    return found


RULE = register(Rule(KEY, 900, scan, drafts))
