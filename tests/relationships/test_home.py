"""The mentorship's home page: what the pair and the managers read, and its query count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals import services as goal_services

TODAY = timezone.localdate()


def _url(world, mentorship) -> str:
    return reverse(
        "relationships:mentorship",
        kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk},
    )


def _goals(mw, mentorship, count: int) -> None:
    for number in range(count):
        goal = goal_services.goal_create(
            actor=mw.members["mentee0"],
            mentorship=mentorship,
            text=goal_services.GoalText(
                title=f"Secret goal {number}",
                measure="Measured",
                why="",
                target_date=TODAY + datetime.timedelta(days=30),
            ),
        )
        for step in range(2):
            goal_services.milestone_create(
                actor=mw.members["mentee0"], goal=goal, title=f"Secret step {number}.{step}",
                due_on=TODAY + datetime.timedelta(days=step),
            )  # fmt: skip
        if number < 2:  # one check-in each
            goal_services.check_in_submit(
                actor=mw.members["mentee0" if number else "mentor0"],
                mentorship=mentorship,
                answers=goal_services.CheckInAnswers(progress="Private reflection", rating=4),
            )


def test_the_pair_sees_everything_in_one_place(client, world, pair):
    mw, mentorship = pair
    _goals(mw, mentorship, 1)
    client.force_login(mw.members["mentee0"].user)
    text = client.get(_url(world, mentorship)).content.decode()
    for expected in (
        "How it is going", "On track", "Next meeting", "No meeting planned.", "Secret goal 0",
        "Secret step 0.1", "Agreement confirmed by both of you", "Open the conversation",
        "Check-ins", "What we discuss stays between us",
    ):  # fmt: skip
        assert expected in text, expected


def test_managers_see_progress_and_health_not_words(client, world, pair):
    mw, mentorship = pair
    _goals(mw, mentorship, 1)
    client.force_login(world.alpha_owner)
    text = client.get(_url(world, mentorship)).content.decode()
    assert "On track" in text and "0%" in text
    assert "Secret goal" not in text and "Secret step" not in text
    assert "Open the conversation" not in text
    assert "A goal milestone" in text


@pytest.mark.parametrize("goals", [1, 5])
def test_the_home_page_reads_a_fixed_number_of_rows(
    client, world, pair, goals, django_assert_max_num_queries
):
    mw, mentorship = pair
    _goals(mw, mentorship, goals)
    client.force_login(mw.members["mentee0"].user)
    with django_assert_max_num_queries(33):  # +1: the bell's unread notifications
        assert client.get(_url(world, mentorship)).status_code == 200
