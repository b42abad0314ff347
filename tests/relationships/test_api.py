"""The health API: a mentorship's health for the pair and its managers; a cohort's pairs for
managers; numbers and reasons, never words the pair wrote."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals import services as goal_services
from tests.conftest import logged_in_api_client
from tests.relationships.test_pairs import _age


def _health_url(world, mentorship) -> str:
    return reverse(
        "api_mentorship_health",
        kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk},
    )


def _pairs_url(world, mw) -> str:
    return reverse(
        "api_cohort_pairs",
        kwargs={"org_slug": world.alpha.slug, "program_id": mw.cohort.program_id,
                "cohort_id": mw.cohort.pk},
    )  # fmt: skip


def test_the_pair_and_managers_read_a_mentorships_health(world, pair):
    mw, mentorship = pair
    _age(world, mentorship, 30)
    goal_services.check_in_submit(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        answers=goal_services.CheckInAnswers(progress="A private reflection", rating=2),
    )
    for reader in (mw.members["mentee0"].user, world.alpha_owner):
        response = logged_in_api_client(reader).get(_health_url(world, mentorship))
        assert response.status_code == 200
        body = response.json()
        assert body["health"]["status"] == "at_risk"
        assert "rated the relationship 2 of 5 in the latest check-in" in body["health"]["reasons"]
        assert body["signals"]["latest_ratings"] == [2]
        assert "A private reflection" not in response.content.decode()
    outsider = logged_in_api_client(mw.members["mentee1"].user)
    assert outsider.get(_health_url(world, mentorship)).status_code == 404


def test_managers_list_a_cohorts_pairs_by_health(world, pair):
    mw, mentorship = pair
    _age(world, mentorship, 60)
    manager = logged_in_api_client(world.alpha_owner)
    rows = manager.get(_pairs_url(world, mw)).json()
    assert [row["mentorship"] for row in rows] == [mentorship.pk]
    assert rows[0]["health"]["status"] == "at_risk"
    assert rows[0]["signals"]["last_meeting_on"] is None
    assert manager.get(_pairs_url(world, mw) + "?health=on_track").json() == []
    bad = manager.get(_pairs_url(world, mw) + "?health=great")
    assert bad.status_code == 400 and "health" in bad.json()["fields"]
    participant = logged_in_api_client(mw.members["mentee0"].user)
    assert participant.get(_pairs_url(world, mw)).status_code in (403, 404)


@pytest.mark.parametrize("extra_goals", [0, 4])
def test_the_health_api_reads_a_fixed_number_of_rows(
    world, pair, extra_goals, django_assert_max_num_queries
):
    mw, mentorship = pair
    for number in range(extra_goals):
        goal_services.goal_create(
            actor=mw.members["mentee0"],
            mentorship=mentorship,
            text=goal_services.GoalText(
                title=f"Goal {number}", measure="m", why="",
                target_date=timezone.localdate() + datetime.timedelta(days=9),
            ),
        )  # fmt: skip
    client = logged_in_api_client(world.alpha_owner)
    with django_assert_max_num_queries(22):
        assert client.get(_pairs_url(world, mw)).status_code == 200
