"""Recommendations from a person's real profile and goals, with their reasons."""

from __future__ import annotations

import datetime

from django.utils import timezone

from goals import services as goal_services
from organizations.scope import organization_scope
from programs.models import ProfileAnswer, Program
from resources import selectors, services
from tests.goals.conftest import pair  # noqa: F401 - the fixture


def _library(world, program):
    with organization_scope(world.alpha):
        Program.objects.filter(pk=program.pk).update(skills=["Public speaking", "Negotiation"])
    program.skills = ["Public speaking", "Negotiation"]
    for title, details in (
        ("Storytelling for presentations", {"skills": ("Public speaking",)}),
        ("Negotiation basics", {"skills": ("Negotiation",)}),
        ("Running your first mentoring meeting", {"audience": "mentor", "stage": "first_month"}),
        ("Quarterly review checklist", {"tags": ("review",)}),
    ):
        services.resource_create(
            actor=world.alpha_owner_membership, program=program,
            details=services.ResourceDetails(
                kind="link", title=title, url="https://example.com/r", **details
            ),
        )  # fmt: skip


def _wants(world, mw, handle: str, key: str, skills: list[str]) -> None:
    enrolment = mw.mentees.get(handle) or mw.mentors[handle]
    with organization_scope(world.alpha):
        ProfileAnswer.objects.filter(enrolment=enrolment, question_key=key).update(value=skills)


def _titles_and_reasons(found) -> dict[str, tuple[str, ...]]:
    return {resource.title: reasons for resource, reasons in found}


def test_a_mentee_is_recommended_what_fits_their_skills_and_goals(world, pair):  # noqa: F811
    mw, mentorship = pair
    program = mentorship.cohort.program
    _library(world, program)
    _wants(world, mw, "mentee0", "skills_wanted", ["Public speaking"])
    goal_services.goal_create(
        actor=mw.members["mentee0"], mentorship=mentorship,
        text=goal_services.GoalText(
            title="Lead the quarterly review", measure="m", why="",
            target_date=timezone.localdate() + datetime.timedelta(days=20),
        ),
    )  # fmt: skip
    found = _titles_and_reasons(selectors.recommended_for(mw.members["mentee0"], program))
    assert found == {
        "Quarterly review checklist": ("matches your goal: Lead the quarterly review",),
        "Storytelling for presentations": ("you want to grow: Public speaking",),
    }


def test_a_mentor_gets_the_guide_in_their_first_month(world, pair):  # noqa: F811
    mw, mentorship = pair
    program = mentorship.cohort.program
    _library(world, program)
    _wants(world, mw, "mentor0", "skills_offered", ["Negotiation"])
    found = _titles_and_reasons(selectors.recommended_for(mw.members["mentor0"], program))
    assert found["Running your first mentoring meeting"] == ("suggested for your first month",)
    assert found["Negotiation basics"] == ("you help others grow: Negotiation",)


def test_someone_outside_the_program_gets_nothing(world, pair):  # noqa: F811
    _, mentorship = pair
    _library(world, mentorship.cohort.program)
    assert selectors.recommended_for(world.alpha_member_membership, mentorship.cohort.program) == []
