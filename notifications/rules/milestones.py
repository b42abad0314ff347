"""Milestones due and overdue.

A goal milestone not done yet: a few days before its due date (the program's
milestone_due_days) its owner's side hears it is due soon (the goal's mentee, or the mentor);
once the date has passed, both hear it once. A program's relationship milestone (agreement,
first meeting...) that is overdue: everyone in the pair hears it once. The occurrence carries
the due date, so a milestone moved to a new date is reminded of again.
"""

from __future__ import annotations

import datetime

from goals.models import GoalStatus, Milestone, PairSide, RelationshipMilestone
from notifications.delivery import Draft
from notifications.program_settings import nudge_settings_for
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import (
    LOOKBACK_DAYS,
    Pair,
    Person,
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
from programs.models import MentorshipStatus

KEY = "milestones"
KIND = "milestone_due"
GOAL, PAIR = "goal", "pair"
SOON, OVERDUE = "soon", "overdue"
DAY = datetime.timedelta(days=1)


def occurrence(source: str, milestone_id: int, due_on: datetime.date, stage: str) -> str:
    prefix = "milestone" if source == GOAL else "pair-milestone"
    return f"{prefix}:{milestone_id}:{due_on.isoformat()}:{stage}"


def _stage(due_on: datetime.date, today: datetime.date, soon_days: int) -> str | None:
    if due_on < today:
        return OVERDUE if due_on >= today - datetime.timedelta(days=LOOKBACK_DAYS) else None
    return SOON if due_on <= today + datetime.timedelta(days=soon_days) else None


def scan(organization: Organization, now: datetime.datetime):
    today = local_date(now)
    settings = program_settings(organization)
    programs = running(settings, KIND)
    if not programs:
        return
    horizon = max(settings[pk].milestone_due_days for pk in programs)
    with organization_scope(organization):
        goal_rows = list(
            Milestone.objects.filter(
                done_on__isnull=True,
                goal__status=GoalStatus.ACTIVE,
                goal__mentorship__status=MentorshipStatus.ACTIVE,
                goal__mentorship__cohort__program_id__in=programs,
                due_on__gte=today - datetime.timedelta(days=LOOKBACK_DAYS),
                due_on__lte=today + datetime.timedelta(days=horizon),
            )
            .order_by("due_on", "pk")
            .values_list("pk", "due_on", "goal__mentorship__cohort__program_id")
        )
        pair_rows = list(
            RelationshipMilestone.objects.filter(
                done_on__isnull=True,
                mentorship__status=MentorshipStatus.ACTIVE,
                mentorship__cohort__program_id__in=programs,
                due_on__gte=today - datetime.timedelta(days=LOOKBACK_DAYS),
                due_on__lt=today,
            )
            .order_by("due_on", "pk")
            .values_list("pk", "due_on", "mentorship__cohort__program_id")
        )
    items: list[Item] = []
    for source, rows in ((GOAL, goal_rows), (PAIR, pair_rows)):
        for pk, due_on, program_id in rows:
            stage = _stage(due_on, today, settings[program_id].milestone_due_days)
            if stage:
                items.append([source, pk, due_on.isoformat(), stage])
    yield from in_batches(items)


def _due_words(due_on: datetime.date, person: Person, now: datetime.datetime) -> str:
    """The due date in words by the reader's own calendar: "today", "tomorrow" or "on Friday
    14 March"."""
    days = (due_on - now.astimezone(zone_of(person.zone)[0]).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, f"on {day_label(due_on)}")


def _goal_drafts(organization, items, now, today) -> list[Draft]:
    with organization_scope(organization):
        milestones = {
            row["pk"]: row
            for row in Milestone.objects.filter(
                pk__in=[item[1] for item in items],
                done_on__isnull=True,
                goal__status=GoalStatus.ACTIVE,
            ).values(
                "pk",
                "title",
                "due_on",
                "owner",
                "goal_id",
                "goal__title",
                "goal__mentee_id",
                "goal__mentorship_id",
            )
        }
    pairs = pairs_of(organization, {m["goal__mentorship_id"] for m in milestones.values()})
    settings = nudge_settings_for(organization, {p.program_id for p in pairs.values()})
    goal_url = links("goals:goal", organization, "goal_id")
    found = []
    for _, pk, due, stage in items:
        milestone = milestones.get(pk)
        if milestone is None or milestone["due_on"].isoformat() != due:
            continue
        pair = pairs.get(milestone["goal__mentorship_id"])
        if pair is None or not settings[pair.program_id].runs(KIND):
            continue
        if (
            _stage(milestone["due_on"], today, settings[pair.program_id].milestone_due_days)
            != stage
        ):
            continue
        mentee = next(
            (p for p in pair.mentees if p.enrolment_id == milestone["goal__mentee_id"]), None
        )
        if mentee is None:  # the goal's mentee left the pair
            continue
        owner = pair.mentor if milestone["owner"] == PairSide.MENTOR else mentee
        other = mentee if owner is pair.mentor else pair.mentor
        recipients = [owner] if stage == SOON else [owner, other]
        url = goal_url(milestone["goal_id"])
        for person in recipients:
            if not person.reachable:
                continue
            found.append(_goal_draft(milestone, stage, person, owner, other, pair, url, now))
    return found


def _goal_draft(milestone, stage, person, owner, other, pair: Pair, url, now) -> Draft:
    title, goal = milestone["title"], milestone["goal__title"]
    if stage == SOON:
        when = _due_words(milestone["due_on"], person, now)
        subject = f"Due {when}: {title}"
        body = (
            f"Your milestone “{title}” for the goal “{goal}” is due {when}. Once it is done, "
            f"mark it done on the goal's page. If the date no longer fits, agree a new one "
            f"with {other.name}."
        )
    elif person is owner:
        subject = f"Overdue: {title}"
        body = (
            f"Your milestone “{title}” for the goal “{goal}” was due on "
            f"{day_label(milestone['due_on'])}. Mark it done if it is, or agree a new date "
            f"with {other.name}."
        )
    else:
        subject = f"Overdue: {title}"
        body = (
            f"{owner.name}'s milestone “{title}” for the goal “{goal}” was due on "
            f"{day_label(milestone['due_on'])}. A word from you may help get it done, or you "
            f"can agree a new date together."
        )
    return Draft(
        kind=KIND, occurrence=occurrence(GOAL, milestone["pk"], milestone["due_on"], stage),
        title=subject, user_id=person.user_id, body=body, url=url, action="Open the goal",
        mentorship_id=pair.id, program_id=pair.program_id,
    )  # fmt: skip


def _pair_drafts(organization, items, now, today) -> list[Draft]:
    with organization_scope(organization):
        milestones = {
            row["pk"]: row
            for row in RelationshipMilestone.objects.filter(
                pk__in=[item[1] for item in items], done_on__isnull=True
            ).values("pk", "title", "due_on", "mentorship_id")
        }
    pairs = pairs_of(organization, {m["mentorship_id"] for m in milestones.values()})
    settings = nudge_settings_for(organization, {p.program_id for p in pairs.values()})
    mentorship_url = links("relationships:mentorship", organization, "mentorship_id")
    found = []
    for _, pk, due, stage in items:
        milestone = milestones.get(pk)
        if milestone is None or milestone["due_on"].isoformat() != due:
            continue
        pair = pairs.get(milestone["mentorship_id"])
        if pair is None or not settings[pair.program_id].runs(KIND):
            continue
        if _stage(milestone["due_on"], today, 0) != stage:
            continue
        url = mentorship_url(pair.id)
        for person in pair.reachable:
            found.append(
                Draft(
                    kind=KIND, occurrence=occurrence(PAIR, pk, milestone["due_on"], stage),
                    title=f"Overdue: {milestone['title']}", user_id=person.user_id,
                    body=(
                        f"“{milestone['title']}”, a step your program asks of every pair, was "
                        f"due on {day_label(milestone['due_on'])}. Once you and "
                        f"{pair.partners_of(person.user_id)} have done it, tick it off on your "
                        f"mentorship's page."
                    ),
                    url=url, action="Open your mentorship", mentorship_id=pair.id,
                    program_id=pair.program_id,
                )
            )  # fmt: skip
    return found


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    today = local_date(now)
    goal_items = [item for item in items if item[0] == GOAL]
    pair_items = [item for item in items if item[0] == PAIR]
    found = []
    if goal_items:
        found += _goal_drafts(organization, goal_items, now, today)
    if pair_items:
        found += _pair_drafts(organization, pair_items, now, today)
    return found


RULE = register(Rule(KEY, 3600, scan, drafts))
