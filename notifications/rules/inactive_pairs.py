"""Pairs out of contact: an active pair that has not written or met for the program's
inactive_days (7, 14, 21 by default) hears of it at each of them; at the last one the
program's managers hear of it too (the organisation's owners and admins when the program has
no manager), so someone can help.

Contact is what relationship health counts (relationships.services.signals_of): the last
message of the pair's conversation and the last meeting that took place (scheduled, started,
and marked held or over without attendance recorded); with neither, the day the mentorship
started. The occurrence carries the last contact's date, so a pair that talks again and falls
silent again is nudged again.

The scan is the hot path (every active mentorship of every organisation, hourly): one
aggregate query returning (id, program, started on, last message, last meeting) for the pairs
whose last contact falls in the window any threshold can fire in; everything else is
arithmetic.
"""

from __future__ import annotations

import datetime

from django.db.models import DateField, F, FilteredRelation, Max, Q
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from meetings.models import Attendance, MeetingStatus
from notifications.delivery import Draft
from notifications.program_settings import NudgeSettings, nudge_settings_for
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import (
    LOOKBACK_DAYS,
    day_label,
    links,
    local_date,
    managers_of_programs,
    pairs_of,
    plural,
    program_settings,
    running,
)
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus

KEY = "inactive_pairs"
KIND = "pair_inactive"
ESCALATION = "pair_escalation"


def occurrence(mentorship_id: int, days: int, last_contact: datetime.date) -> str:
    return f"inactive:{mentorship_id}:{days}:{last_contact.isoformat()}"


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of the day in the zone dates are counted in (local_date's)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _contacts(
    organization: Organization, now: datetime.datetime, where: Q
) -> list[tuple[int, int, datetime.date]]:
    """(mentorship id, program id, last contact) of the active mentorships matching `where`,
    in one query. The last contact is the latest day of: the start, becoming active again
    (after a pause: a pair back from one starts counting again), the last message, the last
    meeting held; days as the platform counts them (its time zone), worked out in SQL."""
    # Only the meetings that took place join (the condition is in the join), one row each.
    held = FilteredRelation(
        "meetings",
        condition=Q(meetings__status=MeetingStatus.SCHEDULED, meetings__starts_at__lte=now)
        & (
            Q(meetings__attendance=Attendance.HELD)
            | Q(meetings__attendance="", meetings__ends_at__lte=now)
        ),
    )
    zone = timezone.get_current_timezone()

    def day(field: str):
        return Coalesce(TruncDate(field, tzinfo=zone), F("started_on"))

    with organization_scope(organization):
        return list(
            Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
            .annotate(held=held)
            .values(
                "pk", "cohort__program_id", "started_on", "status_changed_at",
                "conversation__last_message_at",
            )
            .annotate(last_meeting=Max("held__starts_at"))
            .filter(where)
            .annotate(
                contact=Greatest(
                    F("started_on"), day("status_changed_at"),
                    day("conversation__last_message_at"), day("last_meeting"),
                    output_field=DateField(),
                )
            )
            .order_by()
            .values_list("pk", "cohort__program_id", "contact")
        )  # fmt: skip


def threshold(silent_days: int, thresholds: tuple[int, ...]) -> int | None:
    """The threshold a pair silent this long is at: the largest one reached, unless it was
    reached more than LOOKBACK_DAYS ago (told then)."""
    reached = [t for t in thresholds if silent_days >= t]
    if not reached or silent_days - reached[-1] > LOOKBACK_DAYS:
        return None
    return reached[-1]


def _window(settings: dict[int, NudgeSettings], programs: list[int], today: datetime.date) -> Q:
    """Pairs whose last contact was between the longest threshold (plus the lookback) and the
    shortest one ago: no contact since the later day, some contact on or after the earlier."""
    thresholds = [t for pk in programs for t in settings[pk].inactive_days]
    quiet_since = today - datetime.timedelta(days=min(thresholds))
    heard_from = today - datetime.timedelta(days=max(thresholds) + LOOKBACK_DAYS)
    after_quiet = _start_of(quiet_since + datetime.timedelta(days=1))
    return (
        Q(cohort__program_id__in=programs, started_on__lte=quiet_since,
          status_changed_at__lt=after_quiet)
        & (Q(conversation__last_message_at__isnull=True)
           | Q(conversation__last_message_at__lt=after_quiet))
        & (Q(last_meeting__isnull=True) | Q(last_meeting__lt=after_quiet))
        & (Q(started_on__gte=heard_from)
           | Q(status_changed_at__gte=_start_of(heard_from))
           | Q(conversation__last_message_at__gte=_start_of(heard_from))
           | Q(last_meeting__gte=_start_of(heard_from)))
    )  # fmt: skip


def scan(organization: Organization, now: datetime.datetime):
    today = local_date(now)
    settings = program_settings(organization)
    programs = [pk for pk in running(settings, KIND, ESCALATION) if settings[pk].inactive_days]
    if not programs:
        return
    items: list[Item] = []
    for pk, program_id, contact in _contacts(organization, now, _window(settings, programs, today)):
        days = threshold((today - contact).days, settings[program_id].inactive_days)
        if days:
            items.append([pk, days, contact.isoformat()])
    yield from in_batches(items)


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    today = local_date(now)
    ids = {item[0] for item in items}
    contacts = {pk: contact for pk, _, contact in _contacts(organization, now, Q(pk__in=list(ids)))}
    pairs = pairs_of(organization, contacts)
    settings = nudge_settings_for(organization, {p.program_id for p in pairs.values()})
    escalated = set()
    for mentorship_id, days, _ in items:
        pair = pairs.get(mentorship_id)
        if pair and days == max(settings[pair.program_id].inactive_days, default=None):
            escalated.add(pair.program_id)
    managers = managers_of_programs(organization, escalated)
    mentorship_url = links("relationships:mentorship", organization, "mentorship_id")
    found = []
    for mentorship_id, days, contact in items:
        pair = pairs.get(mentorship_id)
        if pair is None or contacts.get(mentorship_id) is None:
            continue
        nudges = settings[pair.program_id]
        silent = (today - contacts[mentorship_id]).days
        # In touch since, or the program's thresholds changed.
        if (
            contacts[mentorship_id].isoformat() != contact
            or threshold(silent, nudges.inactive_days) != days
        ):
            continue
        last = days == nudges.inactive_days[-1]
        reminded = "They have been reminded. " if nudges.runs(KIND) else ""
        key = occurrence(pair.id, days, contacts[mentorship_id])
        url = mentorship_url(pair.id)
        since = day_label(contacts[mentorship_id])
        if nudges.runs(KIND):
            for person in pair.reachable:
                partners = pair.partners_of(person.user_id)
                body = (
                    f"You and {partners} have not written or met here since {since}. A short "
                    f"message is enough to pick things up again, or plan your next meeting."
                )
                if last and nudges.runs(ESCALATION):
                    body += " Your program's managers hear of it too, in case they can help."
                found.append(
                    Draft(
                        kind=KIND, occurrence=key,
                        title=f"It has been {plural(silent, 'day')} since you were in touch "
                        f"with {partners}",
                        user_id=person.user_id, body=body, url=url,
                        action="Open your mentorship", mentorship_id=pair.id,
                        program_id=pair.program_id,
                    )
                )  # fmt: skip
        if last and nudges.runs(ESCALATION):
            for manager in managers.get(pair.program_id, []):
                found.append(
                    Draft(
                        kind=ESCALATION, occurrence=key,
                        title=f"No contact for {plural(silent, 'day')}: {pair.names}",
                        user_id=manager.user_id,
                        body=(
                            f"{pair.names} ({pair.program_name}, {pair.cohort_name}) have not "
                            f"written or met on the platform since {since}, "
                            f"{plural(silent, 'day')} ago. {reminded}A short note from you "
                            f"may help them pick up again, or show what is in the way."
                        ),
                        url=url, action="See the pair", mentorship_id=pair.id,
                        program_id=pair.program_id,
                    )
                )  # fmt: skip
    return found


RULE = register(Rule(KEY, 3600, scan, drafts))
