"""Every number of the program dashboard against the seeded world, counted by hand (see
tests/reports/test_metrics_world.py for the table the expectations come from)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from reports import metrics
from reports.filters import parse_filters
from reports.metrics import surveys as survey_hook
from tests.reports.test_metrics_world import (
    DAY,
    ReportWorld,
    build_report_world,
    days_ago,
    enrol,
    report_viewer,
    seed_pairs,
    start_pair,
    this_monday,
    today,
)


@pytest.fixture
def report_world(world) -> ReportWorld:
    return build_report_world(world)


def board_for(rw: ReportWorld, query: str = "", membership=None) -> metrics.Dashboard:
    membership = membership or rw.viewer_membership
    return metrics.dashboard(membership, parse_filters(membership, QueryDict(query)))


def counts(tallies) -> dict[str, int]:
    return {tally.key: tally.count for tally in tallies}


def test_the_funnel_counts_everyone_at_every_stage_they_passed(report_world):
    funnel = board_for(report_world).funnel
    assert [(s.key, s.people, s.mentees, s.mentors) for s in funnel.stages] == [
        ("invited", 14, 9, 5),
        ("registered", 12, 8, 4),
        ("profile_complete", 10, 6, 4),
        ("matched", 8, 4, 4),
        ("active", 6, 3, 3),  # A and B active, C completed (it was active on its way)
        ("completed", 2, 1, 1),
    ]
    assert funnel.withdrawn == 1


def test_match_rate_and_time_to_match(report_world):
    matching = board_for(report_world).funnel.matching
    assert matching.mentees_with_profile == 6
    assert matching.mentees_matched == 4
    assert matching.match_rate == 66.7
    # Waits: E1 10 days, E2 5, E3 20, E4 3.
    assert matching.days_to_match_measured == 4
    assert matching.days_to_match_median == 7.5
    assert matching.days_to_match_average == 9.5


def test_pairs_and_match_quality(report_world):
    board = board_for(report_world)
    assert (board.pairs.total, board.pairs.active, board.pairs.paused) == (4, 2, 0)
    assert (board.pairs.completed, board.pairs.ended_early) == (1, 1)
    assert counts(board.match_quality) == {
        "0-20": 0, "20-40": 0, "40-60": 1, "60-80": 1, "80-100": 1, "none": 1,
    }  # fmt: skip
    assert [t.label for t in board.match_quality][-1] == "No score"


def test_meetings_and_messages_per_pair(report_world):
    board = board_for(report_world)
    # Held: A 3 (not the planned or the cancelled one), B 1 (over, unrecorded), C 7, D 0.
    assert (board.meetings.total, board.meetings.average) == (11, 2.8)
    assert counts(board.meetings.buckets) == {"0": 1, "1": 1, "2-3": 1, "4-6": 0, "7+": 1}
    # Messages: A 12, B 0, C 30, D 1 (its deleted one does not count).
    assert (board.messages.total, board.messages.average) == (43, 10.8)
    assert counts(board.messages.buckets) == {"0": 1, "1-9": 1, "10-24": 1, "25-49": 1, "50+": 0}


def test_goals_milestones_and_check_ins(report_world):
    goals = board_for(report_world).goals
    assert (goals.goals_set, goals.goals_achieved) == (5, 2)
    assert (goals.goals_in_progress, goals.goals_dropped) == (2, 1)
    assert (goals.milestones, goals.milestones_done, goals.milestones_overdue) == (8, 4, 2)
    assert goals.check_ins == 7
    assert goals.rating_average == 3.29  # (5 + 4 + 2 + 3 + 4 + 4 + 1) / 7
    assert counts(goals.ratings) == {"1": 1, "2": 1, "3": 1, "4": 3, "5": 1}


def test_health_is_the_latest_snapshot_of_each_running_pair(report_world):
    health = board_for(report_world).health
    # A and B run today (C and D ended): A checked today, B last checked on Saturday.
    assert health.pairs_running == 2
    assert health.not_assessed == 0
    assert health.as_of == today()
    assert counts(health.distribution) == {"on_track": 0, "needs_attention": 1, "at_risk": 1}
    b, a = report_world.pairs["B"], report_world.pairs["A"]
    assert [(p.mentorship_id, p.status) for p in health.needing_attention] == [
        (b.pk, "at_risk"),
        (a.pk, "needs_attention"),
    ]
    first = health.needing_attention[0]
    assert first.mentor == "M2 Person" and first.mentees == ["E2 Person"]
    assert first.reasons[1] == "rated the relationship 2 of 5 in the latest check-in"
    assert health.needing_attention_total == 2


def test_the_health_trend_counts_each_weeks_last_snapshot_day(report_world):
    trend = board_for(report_world).health.trend
    monday = this_monday()
    # The 12 weeks to today, from the first with a snapshot (three weeks before this one).
    assert [week.week_of for week in trend] == [monday - 7 * n * DAY for n in (3, 2, 1, 0)]
    assert [(w.taken_on, w.on_track, w.needs_attention, w.at_risk) for w in trend] == [
        (monday - 16 * DAY, 3, 0, 0),
        (monday - 9 * DAY, 1, 1, 0),  # the week's last day with snapshots, not its first
        (monday - 2 * DAY, 1, 0, 1),
        (today(), 0, 1, 0),
    ]


def test_with_a_start_the_trend_shows_every_week_of_the_range(report_world):
    since = this_monday() - 35 * DAY
    trend = board_for(report_world, f"since={since.isoformat()}").health.trend
    assert [week.week_of for week in trend] == [since + 7 * n * DAY for n in range(6)]
    assert [week.taken_on is None for week in trend] == [True, True, False, False, False, False]


def test_a_pair_matched_since_the_last_check_is_not_assessed_yet(report_world):
    organization = report_world.organization
    mentor = enrol(organization, report_world.cohort, "New", "mentor", state="matched")
    mentee = enrol(organization, report_world.cohort, "Newer", "mentee", state="matched")
    start_pair(organization, mentor, mentee, status="active", started=0, score=50.0)
    health = board_for(report_world).health
    assert (health.pairs_running, health.not_assessed) == (3, 1)


def test_a_cohort_narrows_everything_and_an_empty_one_is_all_zeros(report_world):
    board = board_for(report_world, f"cohort={report_world.empty_cohort.pk}")
    assert board.cohort.name == "Autumn (empty)"
    assert [s.people for s in board.funnel.stages] == [0] * 6
    assert board.funnel.matching.match_rate is None
    assert board.funnel.matching.days_to_match_median is None
    assert board.pairs.total == 0
    assert board.meetings.average is None and board.messages.total == 0
    assert board.goals.goals_set == 0 and board.goals.rating_average is None
    assert board.health.pairs_running == 0 and board.health.as_of is None
    assert board.health.trend == []  # no week with a check
    same = board_for(report_world, f"cohort={report_world.cohort.pk}")
    assert same.funnel.stages[0].people == 14 and same.pairs.total == 4


def test_a_department_narrows_people_and_pairs(report_world):
    board = board_for(report_world, "department=FINANCE")
    assert board.department == "FINANCE"
    # E1 (Finance, mentee of A) and M2 (finance, mentor of B).
    assert [(s.mentees, s.mentors) for s in board.funnel.stages][:1] == [(1, 1)]
    assert board.pairs.total == 2
    assert board.meetings.total == 4  # A 3, B 1
    assert board.messages.total == 12


def test_the_date_range_takes_the_pairs_overlapping_it_and_what_happened_in_it(report_world):
    # From T-15: A and B (running), C (ended T-10); not D (ended T-20).
    board = board_for(report_world, f"since={days_ago(15).isoformat()}")
    assert (board.pairs.total, board.pairs.ended_early) == (3, 0)
    # Meetings from T-15: A at T-15 and T-5, B at T-10, C at T-15.
    assert board.meetings.total == 4
    assert counts(board.meetings.buckets) == {"0": 0, "1": 2, "2-3": 1, "4-6": 0, "7+": 0}
    first_monday = days_ago(15) - days_ago(15).weekday() * DAY
    assert board.health.trend[0].week_of == first_monday  # the weeks from T-15 to today
    assert board.health.trend[-1].week_of == this_monday()
    # Up to T-70: only C had started; the people enrolled by then are the pairs' eight.
    until = days_ago(70)
    board = board_for(report_world, f"until={until.isoformat()}")
    assert board.reference_day == until
    assert board.pairs.total == 1
    assert [s.people for s in board.funnel.stages] == [8, 8, 8, 8, 6, 2]
    assert board.messages.total == 0  # every message was sent today
    assert board.meetings.total == 1  # C's meeting at T-75
    assert board.goals.goals_set == 0  # set today, after the range
    assert board.health.pairs_running == 1 and board.health.not_assessed == 1


def test_a_range_in_the_future_is_zeros_not_an_error(report_world):
    since = (today() + 30 * DAY).isoformat()
    board = board_for(report_world, f"since={since}")
    assert board.health.trend == []
    assert board.meetings.total == 0


def test_survey_results_come_from_the_surveys_app_when_it_is_there(report_world, monkeypatch):
    def summary(organization, program_ids, cohort_ids=None, since=None, until=None):
        assert organization == report_world.organization
        assert list(program_ids) == [report_world.program.pk]
        assert cohort_ids == [report_world.cohort.pk]
        return [
            {"program_id": report_world.program.pk, "moment": "mid_point", "label": "How useful?",
             "kind": "scale", "hidden": False, "answers": 6, "average": 4.17,
             "distribution": [{"value": v, "count": n} for v, n in zip(range(1, 6), (0, 0, 1, 3, 2), strict=True)],
             "texts": [{"text": f"Secret {report_world.world.alpha.slug}"}]},
            {"program_id": report_world.program.pk, "moment": "closing", "label": "Recommend?",
             "kind": "nps", "hidden": False, "answers": 5, "nps": 20, "promoters": 2,
             "passives": 2, "detractors": 1},
            {"program_id": report_world.program.pk, "moment": "closing", "label": "Anything else?",
             "kind": "text", "hidden": True, "hidden_reason": "Fewer than 5 answers: hidden",
             "answers": None},
        ]  # fmt: skip

    monkeypatch.setattr(survey_hook, "survey_summary_function", lambda: summary)
    surveys = board_for(report_world, f"cohort={report_world.cohort.pk}").surveys
    assert [(q.survey, q.label, q.answers) for q in surveys] == [
        ("Mid-point survey", "How useful?", 6),
        ("Closing survey", "Recommend?", 5),
        ("Closing survey", "Anything else?", None),
    ]
    assert surveys[0].average == 4.17
    assert [(t.label, t.count) for t in surveys[0].counts] == [
        ("1 of 5", 0), ("2 of 5", 0), ("3 of 5", 1), ("4 of 5", 3), ("5 of 5", 2),
    ]  # fmt: skip
    assert (surveys[1].nps, surveys[1].promoters, surveys[1].detractors) == (20, 2, 1)
    assert surveys[2].hidden == "Fewer than 5 answers: hidden" and surveys[2].counts == []


def test_without_the_surveys_app_there_is_no_survey_section(report_world, monkeypatch):
    monkeypatch.setattr(survey_hook, "survey_summary_function", lambda: None)
    assert board_for(report_world).surveys is None


def _queries(membership) -> int:
    filters = parse_filters(membership, QueryDict(""))
    with CaptureQueriesContext(connection) as captured:
        metrics.dashboard(membership, filters)
    return len(captured.captured_queries)


def test_the_dashboard_costs_the_same_few_queries_for_3_or_30_pairs(world):
    viewer = report_viewer(world)
    seed_pairs(world, world.alpha_cohort, 3)
    few = _queries(viewer)
    seed_pairs(world, world.alpha_cohort, 27)
    board = metrics.dashboard(viewer, parse_filters(viewer, QueryDict("")))
    assert board.pairs.total == 30
    assert board.health.needing_attention_total == 20
    many = _queries(viewer)
    assert few == many
    assert many <= 20


def test_the_reference_day_is_until_or_today():
    from reports.filters import ReportFilters

    assert metrics.reference_day_of(ReportFilters(programs=())) == today()
    past = datetime.date(2020, 1, 31)
    assert metrics.reference_day_of(ReportFilters(programs=(), until=past)) == past
    future = today() + 10 * DAY
    assert metrics.reference_day_of(ReportFilters(programs=(), until=future)) == today()
