"""Reads of the library: who sees which resources, and search.

Search uses PostgreSQL's full-text search (English stemming, title and tags weighted above the
description, ranked) when the database is PostgreSQL, and on SQLite a plain fallback: every
word of the query appears somewhere in the title, description, tags or skills.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from goals.access import pair_enrolment
from goals.models import Goal, GoalStatus, Milestone
from organizations.models import Membership, Role
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.access import can_manage_program
from programs.models import (
    OPEN_MENTORSHIP_STATES,
    Enrolment,
    EnrolmentState,
    Mentorship,
    ProfileAnswer,
    Program,
)
from resources.models import Audience, Resource, SharedItem
from resources.recommend import Candidate, Reader, recommend

# Enrolments that make someone a reader of the program's library.
READING_STATES = (
    EnrolmentState.APPROVED,
    EnrolmentState.PROFILE_COMPLETE,
    EnrolmentState.MATCHED,
)


def reader_sides(membership: Membership, program: Program) -> set[str] | None:
    """The audiences whose resources the member reads in this program: every one (None) for its
    managers and the organisation's report viewers, their roles ("mentor", "mentee") for its
    participants, nothing otherwise."""
    if membership.role == Role.REPORT_VIEWER or can_manage_program(membership, program):
        return None
    with organization_scope(membership.organization):
        return set(
            Enrolment.objects.filter(
                cohort__program=program, user_id=membership.user_id, state__in=READING_STATES
            ).values_list("role", flat=True)
        )


def _visible(program: Program, sides: set[str] | None) -> QuerySet[Resource]:
    resources = Resource.objects.filter(program=program)
    if sides is None:
        return resources
    return resources.filter(Q(audience=Audience.BOTH) | Q(audience__in=sides))


def search(resources: QuerySet[Resource], query: str) -> QuerySet[Resource]:
    """Resources matching the query, best first (PostgreSQL), or by title (the fallback)."""
    query = " ".join(query.split())[:200]
    if not query:
        return resources
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector(Cast("tags", TextField()), weight="A", config="english")
            + SearchVector(Cast("skills", TextField()), weight="A", config="english")
            + SearchVector("description", weight="B", config="english")
        )
        wanted = SearchQuery(query, search_type="websearch", config="english")
        return (
            resources.annotate(document=vector, rank=SearchRank(vector, wanted))
            .filter(document=wanted)
            .order_by("-rank", "title", "pk")
        )
    resources = resources.annotate(
        tags_text=Cast("tags", TextField()), skills_text=Cast("skills", TextField())
    )
    for word in query.split():
        resources = resources.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(tags_text__icontains=word)
            | Q(skills_text__icontains=word)
        )
    return resources


def get_library_program(membership: Membership, program_id: int) -> tuple[Program, set | None]:
    """A program whose library the member reads, with the sides they read (see reader_sides);
    404 for a program of another organisation, or one they neither follow nor take part in."""
    with organization_scope(membership.organization):
        program = (
            Program.objects.filter(pk=program_id).first() if str(program_id).isdigit() else None
        )
    if program is None:
        raise Http404("No such program.")
    program.organization = membership.organization
    sides = reader_sides(membership, program)
    if sides is not None and not sides:
        raise Http404("No such program.")
    return program, sides


_UNKNOWN = object()


def library_of(
    membership: Membership, program: Program, *, query: str = "", kind: str = "",
    sides=_UNKNOWN,
) -> list[Resource]:  # fmt: skip
    """The program's resources the member may read, optionally searched and of one kind;
    404 for someone who neither runs nor takes part in the program. `sides`: the reader's,
    when get_library_program already found them."""
    if sides is _UNKNOWN:
        sides = reader_sides(membership, program)
    if sides is not None and not sides:
        raise Http404("No such program.")
    with organization_scope(membership.organization):
        resources = _visible(program, sides)
        if kind:
            resources = resources.filter(kind=kind)
        return list(search(resources, query))


def get_resource_for(membership: Membership, resource_id: int) -> Resource:
    """A resource the member may read (its program's managers, or participants it is meant
    for); 404 for anyone else, as for one that does not exist."""
    with organization_scope(membership.organization):
        resource = (
            Resource.objects.select_related("program").filter(pk=resource_id).first()
            if str(resource_id).isdigit()
            else None
        )
    if resource is None:
        raise Http404("No such resource.")
    sides = reader_sides(membership, resource.program)
    if sides is None:  # its program's managers
        return resource
    if sides and (resource.audience == Audience.BOTH or resource.audience in sides):
        return resource
    raise Http404("No such resource.")


SKILL_QUESTIONS = {"mentor": "skills_offered", "mentee": "skills_wanted"}


def recommended_for(membership: Membership, program: Program, limit: int = 10) -> list:
    """Library resources that fit the member in this program, each with its reasons: from the
    skills in their profile (wanted by a mentee, offered by a mentor), their mentorship's goals
    (a mentee's own; a mentor's mentees') and how far into the mentorship they are."""
    with organization_scope(membership.organization):
        enrolment = (
            Enrolment.objects.filter(
                cohort__program=program, user_id=membership.user_id, state__in=READING_STATES
            )
            .select_related("cohort")
            .order_by("-cohort__starts_on", "-pk")
            .first()
        )
        if enrolment is None:
            return []
        side = enrolment.role
        skills = (
            ProfileAnswer.objects.filter(
                enrolment=enrolment, question_key=SKILL_QUESTIONS.get(side, "")
            )
            .values_list("value", flat=True)
            .first()
        ) or []
        mentorship = (
            Mentorship.objects.filter(
                Q(mentor=enrolment) | Q(members__mentee=enrolment),
                status__in=OPEN_MENTORSHIP_STATES,
            )
            .order_by("-started_on")
            .first()
        )
        goals = Goal.objects.filter(mentorship=mentorship) if mentorship else Goal.objects.none()
        if side != "mentor":  # a mentee's own goals; a mentor reads for their mentees
            goals = goals.filter(mentee=enrolment)
        goal_titles = list(goals.values_list("title", flat=True))
        resources = {r.pk: r for r in _visible(program, {side})}
    candidates = [
        Candidate(
            id=r.pk, title=r.title, skills=tuple(r.skills), tags=tuple(r.tags),
            audience=r.audience, stage=r.stage,
        )
        for r in resources.values()
    ]  # fmt: skip
    today = timezone.localdate()
    reader = Reader(
        side=side,
        skills=tuple(s for s in skills if isinstance(s, str)),
        goals=tuple(goal_titles),
        days_in=(today - mentorship.started_on).days if mentorship else None,
        length_days=(mentorship.ends_on - mentorship.started_on).days if mentorship else None,
    )
    return [
        (resources[found.candidate.id], found.reasons)
        for found in recommend(candidates, reader, limit=limit)
    ]


def shared_items_of(mentorship: Mentorship) -> list[SharedItem]:
    """What the pair shared, newest first, with the resource, goal, milestone and sharer
    (callers check that the reader is in the pair)."""
    with organization_scope(mentorship.organization):
        return list(
            SharedItem.objects.filter(mentorship=mentorship).select_related(
                "resource", "goal", "milestone", "shared_by"
            )
        )


def get_shared_item_for(membership: Membership, item_id: int) -> SharedItem:
    """Something shared in a mentorship the member is in (mentor or mentee); 404 for anyone
    else, the program's managers included: only the pair reads what it shares."""
    with organization_scope(membership.organization):
        item = (
            SharedItem.objects.select_related(
                "mentorship__mentor__user", "mentorship__cohort__program", "resource", "goal"
            )
            .prefetch_related("mentorship__members__mentee__user")
            .filter(pk=item_id)
            .first()
            if str(item_id).isdigit()
            else None
        )
    if item is None or pair_enrolment(membership, item.mentorship) is None:
        raise Http404("No such shared item.")
    item.organization = item.mentorship.organization = membership.organization
    return item


def share_targets(membership: Membership, program: Program) -> list[Mentorship]:
    """The member's open mentorships in the program, where they can share, with everyone in
    them, each with `open_goals` (its open goals, each with its `open_milestones`)."""
    with organization_scope(membership.organization):
        mentorships = [
            m
            for m in program_selectors.mentorships_of_member(membership)
            if m.status in OPEN_MENTORSHIP_STATES and m.cohort.program_id == program.pk
        ]
        goals = (
            Goal.objects.filter(mentorship__in=mentorships, status=GoalStatus.ACTIVE)
            .prefetch_related(
                Prefetch(
                    "milestones",
                    queryset=Milestone.objects.filter(done_on__isnull=True),
                    to_attr="open_milestones",
                )
            )
            .order_by("target_date", "pk")
            if mentorships
            else []
        )
        by_mentorship: dict[int, list[Goal]] = {}
        for goal in goals:
            by_mentorship.setdefault(goal.mentorship_id, []).append(goal)
    for mentorship in mentorships:
        mentorship.organization = membership.organization
        mentorship.open_goals = by_mentorship.get(mentorship.pk, [])
    return mentorships
