"""Relationship health for many mentorships at once, and its daily snapshot."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from goals.health_signals import goal_signals_by_mentorship
from goals.models import RelationshipStep
from goals.services import relationship_milestones_mark_done
from meetings.selectors import last_held_at_by_mentorship, next_scheduled_by_mentorship
from messaging.selectors import last_message_at_by_mentorship
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import MeetingCadence, Mentorship, MentorshipStatus
from relationships.health import Health, Signals, assess
from relationships.models import HealthSnapshot

CADENCE_DAYS = {
    MeetingCadence.WEEKLY: 7,
    MeetingCadence.FORTNIGHTLY: 14,
    MeetingCadence.MONTHLY: 28,
}
SNAPSHOT_BATCH = 500


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def signals_of(
    organization: Organization, mentorships: Sequence[Mentorship], today: datetime.date
) -> dict[int, Signals]:
    """Each mentorship's signals, in a fixed number of queries. The mentorships come with their
    agreement, mentor, members (with mentees) and cohort's program loaded."""
    ids = [m.pk for m in mentorships]
    messages = last_message_at_by_mentorship(organization, ids)
    held = last_held_at_by_mentorship(organization, ids)
    upcoming = next_scheduled_by_mentorship(organization, ids)
    goals = goal_signals_by_mentorship(organization, mentorships, today)
    signals = {}
    for mentorship in mentorships:
        agreement = getattr(mentorship, "agreement", None)
        cadence = (
            agreement.meeting_cadence if agreement else mentorship.cohort.program.meeting_cadence
        )
        found = goals[mentorship.pk]
        next_meeting = upcoming.get(mentorship.pk)
        signals[mentorship.pk] = Signals(
            today=today,
            started_on=mentorship.started_on,
            ends_on=mentorship.ends_on,
            meeting_every_days=CADENCE_DAYS.get(cadence, 14),
            last_message_on=_local_date(messages.get(mentorship.pk)),
            last_meeting_on=_local_date(held.get(mentorship.pk)),
            next_meeting_on=_local_date(next_meeting.starts_at) if next_meeting else None,
            goals=found.goals,
            average_progress=found.average_progress,
            overdue_milestones=found.overdue_milestones,
            overdue_relationship_milestones=tuple(found.overdue_relationship_milestones),
            check_in_overdue_days=found.check_in_overdue_days,
            latest_ratings=tuple(found.latest_ratings),
        )
    return signals


def health_of(
    organization: Organization,
    mentorships: Sequence[Mentorship],
    today: datetime.date | None = None,
) -> dict[int, Health | None]:
    """Health of each mentorship; None for one that is paused or over (nothing to judge)."""
    today = today or timezone.localdate()
    active = [m for m in mentorships if m.status == MentorshipStatus.ACTIVE]
    assessed = {pk: assess(s) for pk, s in signals_of(organization, active, today).items()}
    return {m.pk: assessed.get(m.pk) for m in mentorships}


def _with_everything(mentorships):
    return mentorships.select_related("agreement", "mentor", "cohort__program").prefetch_related(
        "members__mentee"
    )


def health_snapshots_take(*, organization: Organization, today: datetime.date | None = None) -> int:
    """Keep today's health of every active mentorship of the organisation (again the same day:
    today's row is brought up to date). Batches of 500; returns how many were kept."""
    today = today or timezone.localdate()
    kept = 0
    with organization_scope(organization):
        ids = list(
            Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), SNAPSHOT_BATCH):
            batch = list(
                _with_everything(
                    Mentorship.objects.filter(pk__in=ids[start : start + SNAPSHOT_BATCH])
                )
            )
            signals = signals_of(organization, batch, today)
            rows = []
            for mentorship in batch:
                health = assess(signals[mentorship.pk])
                rows.append(
                    HealthSnapshot(
                        organization=organization,
                        mentorship=mentorship,
                        taken_on=today,
                        status=health.status,
                        reasons=list(health.reasons),
                        signals=_signals_json(signals[mentorship.pk]),
                    )
                )
            with transaction.atomic():
                HealthSnapshot.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["mentorship", "taken_on"],
                    update_fields=["status", "reasons", "signals"],
                )
            kept += len(rows)
    return kept


def _signals_json(signals: Signals) -> dict:
    """The numbers behind a snapshot (never words the pair wrote)."""

    def days_since(day: datetime.date | None) -> int | None:
        return (signals.today - day).days if day else None

    return {
        "days_since_message": days_since(signals.last_message_on),
        "days_since_meeting": days_since(signals.last_meeting_on),
        "meeting_planned": signals.next_meeting_on is not None,
        "goals": signals.goals,
        "average_progress": signals.average_progress,
        "overdue_milestones": signals.overdue_milestones,
        "overdue_relationship_milestones": len(signals.overdue_relationship_milestones),
        "check_in_overdue_days": signals.check_in_overdue_days,
        "latest_ratings": list(signals.latest_ratings),
    }


# The platform ticks what it sees happen (programs' and meetings' events, after commit).


def agreement_step_done(organization_id: int, mentorship_id: int, on: datetime.date) -> None:
    """Everyone confirmed the agreement: its relationship milestone is done."""
    relationship_milestones_mark_done(
        organization=Organization.objects.get(pk=organization_id),
        mentorship_id=mentorship_id,
        step=RelationshipStep.AGREEMENT,
        on=on,
    )


def first_meeting_step_done(organization_id: int, mentorship_id: int, on: datetime.date) -> None:
    """A meeting was held: the first-meeting milestone is done (a later one changes nothing)."""
    relationship_milestones_mark_done(
        organization=Organization.objects.get(pk=organization_id),
        mentorship_id=mentorship_id,
        step=RelationshipStep.FIRST_MEETING,
        on=on,
    )
