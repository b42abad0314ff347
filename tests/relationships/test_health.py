"""Health rules, each on its own: the status, and the reason in words."""

from __future__ import annotations

import datetime

import pytest

from relationships.health import Signals, assess
from relationships.models import HealthStatus

TODAY = datetime.date(2026, 11, 25)


def _signals(**overrides) -> Signals:
    """A pair matched 40 days ago, fortnightly meetings, who met 5 days ago and wrote 2 days ago,
    with one goal at 30%: on track."""
    values = {
        "today": TODAY,
        "started_on": TODAY - datetime.timedelta(days=40),
        "ends_on": TODAY + datetime.timedelta(days=140),
        "meeting_every_days": 14,
        "last_message_on": TODAY - datetime.timedelta(days=2),
        "last_meeting_on": TODAY - datetime.timedelta(days=5),
        "goals": 1,
        "average_progress": 30.0,
    }
    return Signals(**{**values, **overrides})


def _ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def test_a_pair_that_meets_and_talks_is_on_track_and_hears_what_goes_well():
    health = assess(_signals())
    assert health.status == HealthStatus.ON_TRACK
    assert health.reasons == ()
    assert health.good == ("met 5 days ago", "talking on the platform", "goals at 30%")


@pytest.mark.parametrize(
    ("overrides", "status", "reason"),
    [
        # Meetings, against the agreed rhythm (every 14 days here).
        ({"last_meeting_on": _ago(24)}, HealthStatus.NEEDS_ATTENTION, "no meeting for 24 days"),
        ({"last_meeting_on": _ago(43)}, HealthStatus.AT_RISK, "no meeting for 43 days"),
        (
            {"last_meeting_on": _ago(43), "next_meeting_on": TODAY + datetime.timedelta(days=2)},
            HealthStatus.NEEDS_ATTENTION,
            "no meeting for 43 days (the next one is on 27 Nov)",
        ),
        (
            {"last_meeting_on": None},
            HealthStatus.AT_RISK,
            "no meeting yet, 40 days after the match",
        ),
        (
            {"last_meeting_on": None, "started_on": _ago(20), "goals": 1},
            HealthStatus.NEEDS_ATTENTION,
            "no meeting yet, 20 days after the match",
        ),
        # Messages.
        ({"last_message_on": _ago(15)}, HealthStatus.NEEDS_ATTENTION, "no message for 15 days"),
        ({"last_message_on": _ago(29)}, HealthStatus.AT_RISK, "no message for 29 days"),
        (
            {"last_message_on": None},
            HealthStatus.AT_RISK,
            "no message yet, 40 days after the match",
        ),
        # Milestones and check-ins.
        ({"overdue_milestones": 1}, HealthStatus.NEEDS_ATTENTION, "1 goal milestone overdue"),
        ({"overdue_milestones": 4}, HealthStatus.AT_RISK, "4 goal milestones overdue"),
        (
            {"overdue_relationship_milestones": ("First meeting held",)},
            HealthStatus.NEEDS_ATTENTION,
            "“First meeting held” overdue",
        ),
        (
            {"check_in_overdue_days": 3},
            HealthStatus.NEEDS_ATTENTION,
            "a check-in overdue by 3 days",
        ),
        ({"check_in_overdue_days": 22}, HealthStatus.AT_RISK, "a check-in overdue by 22 days"),
        # Goals.
        ({"goals": 0, "average_progress": None}, HealthStatus.NEEDS_ATTENTION,
         "no goals set, 40 days after the match"),
        (
            {"started_on": _ago(120), "ends_on": TODAY + datetime.timedelta(days=60),
             "average_progress": 10.0},
            HealthStatus.NEEDS_ATTENTION,
            "goals at 10% with 67% of the time gone",
        ),
        # Ratings.
        ({"latest_ratings": (2, 5)}, HealthStatus.AT_RISK,
         "rated the relationship 2 of 5 in the latest check-in"),
        ({"latest_ratings": (3, 4)}, HealthStatus.NEEDS_ATTENTION,
         "rated the relationship 3 of 5 in the latest check-in"),
    ],
)  # fmt: skip
def test_each_rule_says_why(overrides, status, reason):
    health = assess(_signals(**overrides))
    assert health.status == status
    assert reason in health.reasons


def test_new_pairs_have_time_for_their_first_meeting_and_goal():
    health = assess(
        _signals(started_on=_ago(10), last_meeting_on=None, goals=0, average_progress=None)
    )
    assert health.status == HealthStatus.ON_TRACK


def test_the_worst_reason_comes_first():
    health = assess(_signals(overdue_milestones=1, last_message_on=_ago(30)))
    assert health.status == HealthStatus.AT_RISK
    assert health.reasons == ("no message for 30 days", "1 goal milestone overdue")


def test_goals_on_pace_with_the_time_gone_are_fine():
    health = assess(
        _signals(started_on=_ago(90), ends_on=TODAY + datetime.timedelta(days=90),
                 average_progress=20.0)
    )  # fmt: skip
    assert health.status == HealthStatus.ON_TRACK  # 20% done, 50% of the time: within 40 points
