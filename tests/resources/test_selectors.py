"""Who reads which resources, and search on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404

from resources import selectors, services
from tests.conftest import require_service


def _add(world, program, title, **details):
    values = {"kind": "link", "title": title, "url": f"https://example.com/{len(title)}"}
    return services.resource_create(
        actor=world.alpha_owner_membership,
        program=program,
        details=services.ResourceDetails(**{**values, **details}),
    )


@pytest.fixture
def library(world, program):
    return {
        "story": _add(world, program, "Storytelling for presentations",
                      skills=("Public speaking",), tags=("talks",)),
        "guide": _add(world, program, "How to run a first meeting", audience="mentor",
                      description="An agenda for the first hour together."),
        "feedback": _add(world, program, "Asking for feedback", audience="mentee",
                         description="Questions that get useful answers from your manager."),
    }  # fmt: skip


def _titles(resources) -> list[str]:
    return [r.title for r in resources]


def test_managers_read_everything_and_outsiders_nothing(world, program, library):
    assert len(selectors.library_of(world.alpha_owner_membership, program)) == 3
    with pytest.raises(Http404):
        selectors.library_of(world.alpha_member_membership, program)
    with pytest.raises(Http404):
        selectors.get_resource_for(world.alpha_member_membership, library["story"].pk)


def test_participants_read_what_is_meant_for_them(world, program, library):
    from programs import services as program_services

    program_services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership, cohort=world.alpha_cohort,
        member=world.alpha_member_membership, role="mentee",
    )  # fmt: skip
    mentee = world.alpha_member_membership
    assert _titles(selectors.library_of(mentee, program)) == [
        "Asking for feedback", "Storytelling for presentations",
    ]  # fmt: skip
    assert selectors.get_resource_for(mentee, library["feedback"].pk) == library["feedback"]
    with pytest.raises(Http404):
        selectors.get_resource_for(mentee, library["guide"].pk)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("storytelling", ["Storytelling for presentations"]),
        ("talks", ["Storytelling for presentations"]),  # a tag
        ("public speaking", ["Storytelling for presentations"]),  # a skill
        ("agenda first", ["How to run a first meeting"]),  # the description, every word
        ("agenda feedback", []),
    ],
)
def test_search_on_either_database(world, program, library, query, found):
    owner = world.alpha_owner_membership
    assert _titles(selectors.library_of(owner, program, query=query)) == found


def test_an_empty_search_lists_everything(world, program, library):
    assert len(selectors.library_of(world.alpha_owner_membership, program, query="  ")) == 3


def test_postgresql_search_stems_and_ranks(world, program, library):
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    owner = world.alpha_owner_membership
    # "meetings" finds "meeting", "questioning" finds "Questions".
    assert _titles(selectors.library_of(owner, program, query="meetings")) == [
        "How to run a first meeting"
    ]
    assert _titles(selectors.library_of(owner, program, query="questioning")) == [
        "Asking for feedback"
    ]
    _add(world, program, "Feedback, feedback, feedback", tags=("feedback",))
    ranked = _titles(selectors.library_of(owner, program, query="feedback"))
    assert ranked[0] == "Feedback, feedback, feedback"
