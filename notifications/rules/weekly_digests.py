"""Weekly digests, on Monday morning (08:00 to 09:59, so a missed hourly tick still sends it)
in each person's own time zone, once per ISO week:

- to everyone in an active mentorship: their next meeting, the milestones due this week (and
  any overdue), and their check-in when it is due this week;
- to each program manager: their programs' active pairs by health, listing those that need
  attention, with why.

Everything is read in bulk: a fixed number of queries per batch of people.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q

from goals.models import GoalStatus, Milestone
from meetings.models import Meeting, MeetingStatus
from notifications.delivery import Draft
from notifications.program_settings import nudge_settings_for
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.check_ins import check_in_cadences, last_periods, open_check_in
from notifications.rules.common import (
    MENTOR,
    Pair,
    Person,
    day_label,
    link,
    links,
    names,
    pairs_of,
    plural,
    program_settings,
    running,
    when_label,
)
from notifications.timing import zone_of
from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipMentee, MentorshipStatus, ProgramManager
from relationships.models import HealthStatus
from relationships.services import health_of

KEY = "weekly_digests"
KIND = "weekly_digest"
MANAGER_KIND = "manager_digest"
PARTICIPANT, MANAGER = "participant", "manager"
WEEKDAY, HOURS = 0, range(8, 10)  # Monday, 08:00 to 09:59
# Pairs a manager's digest lists by name (the pairs page has them all).
LISTED = 10
MANAGER_BATCH = 50
ORDER = {HealthStatus.AT_RISK: 0, HealthStatus.NEEDS_ATTENTION: 1, HealthStatus.ON_TRACK: 2}


def occurrence(week: str) -> str:
    return f"weekly:{week}"


def week_of(now: datetime.datetime, zone_name: str) -> str:
    year, week, _ = now.astimezone(zone_of(zone_name)[0]).isocalendar()
    return f"{year}-W{week:02d}"


def digest_time(now: datetime.datetime, zone_name: str) -> bool:
    """Whether it is Monday morning, digest time, on the person's clock."""
    local = now.astimezone(zone_of(zone_name)[0])
    return local.weekday() == WEEKDAY and local.hour in HOURS


def _week_days(now: datetime.datetime, zone_name: str) -> tuple[datetime.date, datetime.date]:
    """(today, Sunday) on the person's calendar."""
    today = now.astimezone(zone_of(zone_name)[0]).date()
    return today, today + datetime.timedelta(days=6 - today.weekday())


# The scan ---------------------------------------------------------------------------------------


def _participants_due(organization, now, programs: list[int]) -> list[int]:
    """Accounts of everyone in an active pair of these programs whose Monday morning it is:
    the time zones first (a handful), then only the people in the zones where it is time."""
    in_programs = Q(status=MentorshipStatus.ACTIVE, cohort__program_id__in=programs)
    with organization_scope(organization):
        mentors = Mentorship.objects.filter(in_programs, mentor__user__is_active=True)
        mentees = MentorshipMentee.objects.filter(
            mentorship__in=Mentorship.objects.filter(in_programs), mentee__user__is_active=True
        )
        zones = set(
            mentors.order_by().values_list("mentor__user__timezone", flat=True).distinct()
        ) | set(mentees.order_by().values_list("mentee__user__timezone", flat=True).distinct())
        due = [zone for zone in zones if digest_time(now, zone)]
        if not due:
            return []
        return sorted(
            set(
                mentors.filter(mentor__user__timezone__in=due).values_list(
                    "mentor__user_id", flat=True
                )
            )
            | set(
                mentees.filter(mentee__user__timezone__in=due).values_list(
                    "mentee__user_id", flat=True
                )
            )
        )


def _managers(organization, programs: list[int], user_ids=None) -> list[tuple[int, int, str]]:
    """(program id, user id, time zone) of the managers of these programs who still have the
    role and an active account."""
    with organization_scope(organization):
        rows = ProgramManager.objects.filter(
            program_id__in=programs,
            user_id__in=Membership.objects.filter(role=Role.PROGRAM_MANAGER).values("user_id"),
            user__is_active=True,
        )
        if user_ids is not None:
            rows = rows.filter(user_id__in=list(user_ids))
        return list(rows.order_by("user_id").values_list("program_id", "user_id", "user__timezone"))


def scan(organization: Organization, now: datetime.datetime):
    settings = program_settings(organization)
    participants = running(settings, KIND)
    if participants:
        items: list[Item] = []
        for user_id in _participants_due(organization, now, participants):
            items.append([PARTICIPANT, user_id])
        yield from in_batches(items)
    managed = running(settings, MANAGER_KIND)
    if managed:
        due = {
            user_id: zone
            for _, user_id, zone in _managers(organization, managed)
            if digest_time(now, zone)
        }
        yield from in_batches([[MANAGER, user_id] for user_id in sorted(due)], MANAGER_BATCH)


# The participants' digest -----------------------------------------------------------------------


def _next_meetings(organization, mentorship_ids, now) -> dict[int, Meeting]:
    """Mentorship id -> its next scheduled meeting not over yet, in one query."""
    found: dict[int, Meeting] = {}
    with organization_scope(organization):
        for meeting in (
            Meeting.objects.filter(
                mentorship_id__in=list(mentorship_ids), status=MeetingStatus.SCHEDULED,
                ends_at__gt=now,
            )
            .order_by("mentorship_id", "starts_at", "pk")
            .only("pk", "mentorship_id", "title", "starts_at")
        ):  # fmt: skip
            found.setdefault(meeting.mentorship_id, meeting)
    return found


def _open_milestones(organization, mentorship_ids, until: datetime.date) -> dict[int, list]:
    """Mentorship id -> its milestones not done that are due by `until`, overdue ones too."""
    found: dict[int, list] = defaultdict(list)
    with organization_scope(organization):
        for row in (
            Milestone.objects.filter(
                goal__mentorship_id__in=list(mentorship_ids), goal__status=GoalStatus.ACTIVE,
                done_on__isnull=True, due_on__lte=until,
            )
            .order_by("due_on", "pk")
            .values("title", "due_on", "goal__mentee_id", "goal__mentorship_id")
        ):  # fmt: skip
            found[row["goal__mentorship_id"]].append(row)
    return found


def _section(pair: Pair, person: Person, facts: dict, now: datetime.datetime) -> str:
    """What one mentorship has in store for the person this week, a few lines."""
    today, sunday = _week_days(now, person.zone)
    if person.role == MENTOR:
        heading = f"With {pair.partners_of(person.user_id)} (you are the mentor):"
    else:
        heading = f"With {pair.mentor.name}, your mentor:"
    lines = [heading]
    meeting = facts["meetings"].get(pair.id)
    if meeting:
        lines.append(
            f"- Next meeting: {meeting.title}, {when_label(meeting.starts_at, person.zone, now)}."
        )
    else:
        lines.append("- No meeting planned yet: propose a few times that suit you.")
    milestones = [
        m
        for m in facts["milestones"].get(pair.id, [])
        if person.role == MENTOR or m["goal__mentee_id"] == person.enrolment_id
    ]
    this_week = [m for m in milestones if today <= m["due_on"] <= sunday]
    overdue = [m for m in milestones if m["due_on"] < today]
    if this_week:
        lines.append(
            "- Milestones due this week: "
            + names(f"“{m['title']}” ({m['due_on']:%A})" for m in this_week)
            + "."
        )
    if overdue:
        lines.append(f"- {plural(len(overdue), 'milestone')} overdue: mark done what is done.")
    cadence = facts["cadences"].get(pair.program_id)
    if cadence:
        _, due_on = open_check_in(
            pair.started_on, cadence, facts["periods"].get((pair.id, person.user_id)), today
        )
        if due_on <= sunday:
            lines.append(f"- Your check-in is due on {day_label(due_on)}.")
    return "\n".join(lines)


def _participant_drafts(organization, user_ids: list[int], now) -> list[Draft]:
    with organization_scope(organization):
        ids = set(
            Mentorship.objects.filter(
                status=MentorshipStatus.ACTIVE, mentor__user_id__in=user_ids
            ).values_list("pk", flat=True)
        ) | set(
            MentorshipMentee.objects.filter(
                mentorship__status=MentorshipStatus.ACTIVE, mentee__user_id__in=user_ids
            ).values_list("mentorship_id", flat=True)
        )
    pairs = pairs_of(organization, ids)
    if not pairs:
        return []
    settings = nudge_settings_for(organization, {p.program_id for p in pairs.values()})
    pairs = {pk: pair for pk, pair in pairs.items() if settings[pair.program_id].runs(KIND)}
    facts = {
        "meetings": _next_meetings(organization, pairs, now),
        "milestones": _open_milestones(
            organization, pairs, now.date() + datetime.timedelta(days=8)
        ),
        "cadences": check_in_cadences(organization, {p.program_id for p in pairs.values()}),
        "periods": last_periods(organization, pairs),
    }
    theirs: dict[int, list[tuple[Pair, Person]]] = defaultdict(list)
    for pair in pairs.values():
        for person in pair.reachable:
            theirs[person.user_id].append((pair, person))
    mentorship_url = links("relationships:mentorship", organization, "mentorship_id")
    all_url = link("relationships:my_mentorships", organization)
    found = []
    for user_id in user_ids:
        mine = theirs.get(user_id)
        if not mine:  # no longer in an active pair
            continue
        person = mine[0][1]
        if not digest_time(now, person.zone):
            continue
        sections = [_section(pair, me, facts, now) for pair, me in mine]
        single = mine[0][0] if len(mine) == 1 else None
        found.append(
            Draft(
                kind=KIND, occurrence=occurrence(week_of(now, person.zone)),
                title="Your week in mentoring", user_id=user_id,
                body="Here is what this week holds for you.\n\n" + "\n\n".join(sections),
                url=mentorship_url(single.id) if single else all_url,
                action="Open your mentorship" if single else "Open your mentorships",
                mentorship_id=single.id if single else None,
                program_id=single.program_id if single else None,
            )
        )  # fmt: skip
    return found


# The managers' digest ---------------------------------------------------------------------------


def _pair_line(mentorship: Mentorship, health) -> str:
    mentees = [m.mentee.full_name or m.mentee.email for m in mentorship.members.all()]
    mentor = mentorship.mentor.full_name or mentorship.mentor.email
    who = f"{mentor} with {names(mentees)}" if mentees else mentor
    why = "; ".join(health.reasons[:2])
    return f"- {who} ({mentorship.cohort.name}): {health.label.lower()}, {why}."


def _manager_drafts(organization, user_ids: list[int], now) -> list[Draft]:
    settings = program_settings(organization)
    managed = running(settings, MANAGER_KIND)
    rows = _managers(organization, managed, user_ids) if managed else []
    programs_of: dict[int, set[int]] = defaultdict(set)
    zones = {}
    for program_id, user_id, zone in rows:
        programs_of[user_id].add(program_id)
        zones[user_id] = zone
    with organization_scope(organization):
        mentorships = list(
            Mentorship.objects.filter(
                status=MentorshipStatus.ACTIVE,
                cohort__program_id__in={pk for pks in programs_of.values() for pk in pks},
            )
            .select_related("agreement", "mentor", "cohort__program")
            .prefetch_related("members__mentee")
            .order_by("pk")
        )
    health = health_of(organization, mentorships, now.date()) if mentorships else {}
    found = []
    for user_id in user_ids:
        if user_id not in programs_of or not digest_time(now, zones[user_id]):
            continue
        mine = [
            (m, health[m.pk])
            for m in mentorships
            if m.cohort.program_id in programs_of[user_id] and health.get(m.pk)
        ]
        if not mine:
            continue
        counts = dict.fromkeys(ORDER, 0)
        for _, found_health in mine:
            counts[found_health.status] += 1
        attention = sorted(
            (item for item in mine if item[1].status != HealthStatus.ON_TRACK),
            key=lambda item: (ORDER[item[1].status], item[0].pk),
        )
        whose = "Your program has" if len(programs_of[user_id]) == 1 else "Your programs have"
        body = (
            f"{whose} {plural(len(mine), 'active pair')}: "
            f"{counts[HealthStatus.ON_TRACK]} on track, "
            f"{counts[HealthStatus.NEEDS_ATTENTION]} needing attention and "
            f"{counts[HealthStatus.AT_RISK]} at risk."
        )
        if attention:
            body += "\n\nPairs that need attention:\n" + "\n".join(
                _pair_line(m, h) for m, h in attention[:LISTED]
            )
            if len(attention) > LISTED:
                body += f"\n…and {len(attention) - LISTED} more on the pairs page."
            verb = "needs" if len(attention) == 1 else "need"
            title = f"Your pairs this week: {plural(len(attention), 'pair')} {verb} attention"
        else:
            title = "Your pairs this week: all on track"
        # The cohort with the most pairs needing attention (else the first one).
        by_cohort: dict[tuple[int, int], int] = defaultdict(int)
        for m, h in mine:
            by_cohort[(m.cohort.program_id, m.cohort_id)] += h.status != HealthStatus.ON_TRACK
        program_id, cohort_id = max(by_cohort, key=lambda key: (by_cohort[key], -key[1]))
        found.append(
            Draft(
                kind=MANAGER_KIND, occurrence=occurrence(week_of(now, zones[user_id])),
                title=title, user_id=user_id, body=body,
                url=link("relationships:cohort_pairs", organization, program_id=program_id,
                         cohort_id=cohort_id),
                action="See the pairs",
                program_id=program_id if len(programs_of[user_id]) == 1 else None,
            )
        )  # fmt: skip
    return found


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    participants = [item[1] for item in items if item[0] == PARTICIPANT]
    managers = [item[1] for item in items if item[0] == MANAGER]
    found = []
    if participants:
        found += _participant_drafts(organization, participants, now)
    if managers:
        found += _manager_drafts(organization, managers, now)
    return found


RULE = register(Rule(KEY, 3600, scan, drafts))
