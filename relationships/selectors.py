"""Reads of the relationships app: mentorships with their health, for a cohort's managers and
for the people in them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from goals import selectors as goal_selectors
from meetings.models import Meeting
from meetings.selectors import next_meeting_for, next_scheduled_by_mentorship
from messaging.selectors import conversation_id_of_mentorship
from organizations.models import Membership
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.models import Cohort, Mentorship, MentorshipStatus
from relationships.health import Health, Signals, assess
from relationships.models import HealthStatus
from relationships.services import health_of, signals_of


@dataclass(frozen=True)
class PairRow:
    mentorship: Mentorship
    health: Health | None
    signals: Signals | None
    next_meeting: Meeting | None


def _rows(membership: Membership, mentorships: list[Mentorship]) -> list[PairRow]:
    organization = membership.organization
    today = timezone.localdate()
    active = [m for m in mentorships if m.status == MentorshipStatus.ACTIVE]
    signals = signals_of(organization, active, today)
    upcoming = next_scheduled_by_mentorship(organization, [m.pk for m in mentorships])
    return [
        PairRow(
            mentorship=m,
            signals=signals.get(m.pk),
            health=assess(signals[m.pk]) if m.pk in signals else None,
            next_meeting=upcoming.get(m.pk),
        )
        for m in mentorships
    ]


def cohort_pairs(membership: Membership, cohort: Cohort, *, health: str = "") -> list[PairRow]:
    """Every pair of the cohort with its health (worst first), optionally only those in one
    health state."""
    with organization_scope(membership.organization):
        mentorships = list(
            Mentorship.objects.filter(cohort=cohort)
            .select_related("agreement", "mentor", "cohort__program")
            .prefetch_related("members__mentee")
            .order_by("pk")
        )
    rows = _rows(membership, mentorships)
    if health in HealthStatus.values:
        rows = [row for row in rows if row.health and row.health.status == health]
    order = {HealthStatus.AT_RISK: 0, HealthStatus.NEEDS_ATTENTION: 1, HealthStatus.ON_TRACK: 2}
    return sorted(rows, key=lambda row: order.get(row.health.status, 3) if row.health else 4)


def member_pairs(membership: Membership) -> list[PairRow]:
    """The member's own mentorships (as mentor or mentee) with their health."""
    return _rows(membership, program_selectors.mentorships_of_member(membership))


RECENT_CHECK_INS = 3


def home_sections(membership: Membership, mentorship: Mentorship, *, in_pair: bool) -> dict:
    """What the mentorship's home page shows beside the agreement: health, the next meeting,
    goals with progress, the milestone timeline, recent check-ins and the conversation. The
    pair reads the words; managers read numbers (see goals.access)."""
    organization = membership.organization
    # Read within the member's organisation: every read below scopes to it without loading it.
    mentorship.organization = organization
    today = timezone.localdate()
    goals = goal_selectors.count_milestones(goal_selectors.goals_of(mentorship), in_pair=in_pair)
    timeline = [
        {"on": m.due_on, "title": m.title, "done_on": m.done_on, "kind": "program"}
        for m in goal_selectors.relationship_milestones_of(mentorship)
    ]
    for goal in goals:
        for m in goal.milestones.all():
            timeline.append(
                {"on": m.due_on, "title": m.title if goal.words_visible else "A goal milestone",
                 "done_on": m.done_on, "kind": "goal"}
            )  # fmt: skip
    timeline.sort(key=lambda item: (item["on"], item["kind"]))
    check_ins = goal_selectors.check_ins_of(mentorship)
    return {
        "health": health_of(organization, [mentorship], today)[mentorship.pk],
        "next_meeting": next_meeting_for(membership, mentorship),
        "goals": goals,
        "timeline": timeline,
        "today": today,
        "recent_check_ins": check_ins[:RECENT_CHECK_INS],
        "check_in_schedule": goal_selectors.check_in_schedule(mentorship, check_ins),
        "conversation_id": conversation_id_of_mentorship(organization, mentorship.pk)
        if in_pair
        else None,
    }
