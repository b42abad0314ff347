"""The surveys scan (notifications/rules/surveys.py): at a mentorship's mid-point and in its last
two weeks (or once completed), each person of the pair who has not answered the program's
survey hears of it, once."""

from __future__ import annotations

import datetime
from unittest import mock

from notifications.models import Notification
from notifications.rules import RULES
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus
from surveys.models import SurveyQuestion
from tests.notifications import test_rules_helpers as h
from tests.surveys import support as s

KEY, KIND = "surveys", "survey_due"
NOW = h.NOON  # Wednesday 10 March 2027, 12:00 UTC
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)


def _today(day: datetime.date):
    """Answer as if on `day`: the rule's tests run at a fixed moment in 2027."""
    return mock.patch("surveys.services.responses.timezone.localdate", return_value=day)


def _at_mid_point(world, days_past: int = 2) -> h.Built:
    """A 180-day mentorship whose mid-point was `days_past` days before NOW."""
    return h.make_pair(world, started_on=TODAY - (90 + days_past) * DAY)


def scenario(world) -> h.Scenario:
    surveys = s.suggested(world)
    built = _at_mid_point(world)
    return h.Scenario(
        KEY, KIND, world.alpha, NOW, built.mentee, world.alpha_program,
        extra={"built": built, "surveys": surveys},
    )  # fmt: skip


def test_due_at_the_mid_point_tells_both(world):
    sc = scenario(world)
    row = h.check_due(sc)
    built, survey = sc.extra["built"], sc.extra["surveys"]["mid_point"]
    assert row.title == "Halfway there: how is your mentorship going?"
    assert row.url == f"/o/alpha/mentorships/{built.mentorship.pk}/surveys/{survey.pk}/"
    assert row.action == "Answer the survey"
    assert row.dedupe_key.endswith(f"survey:{survey.pk}:{built.mentorship.pk}:u{built.mentee.pk}")
    assert f"with {built.mentor.full_name} is halfway through" in row.body
    assert len(h.rows(KIND, built.mentor)) == 1


def test_not_yet_due(world):
    s.suggested(world)
    h.make_pair(world, started_on=TODAY - 80 * DAY)  # mid-point in ten days
    assert h.run(KEY, world.alpha, NOW) == []


def test_long_past_moments_are_not_scanned(world):
    s.suggested(world)
    _at_mid_point(world, days_past=30)
    assert list(RULES[KEY].scan(world.alpha, NOW)) == []


def test_those_who_answered_hear_nothing(world):
    sc = scenario(world)
    built = sc.extra["built"]
    with _today(TODAY):
        s.answer(world, built, built.mentor, sc.extra["surveys"]["mid_point"], scale=4, nps=9)
    h.run(KEY, world.alpha, NOW)
    assert h.rows(KIND, built.mentor) == []
    assert len(h.rows(KIND, built.mentee)) == 1


def test_answered_since_the_scan_tells_nobody(world):
    sc = scenario(world)
    built = sc.extra["built"]
    (items,) = list(RULES[KEY].scan(world.alpha, NOW))
    with _today(TODAY):
        s.answer(world, built, built.mentee, sc.extra["surveys"]["mid_point"], scale=4, nps=9)
    assert [d.user_id for d in RULES[KEY].drafts(world.alpha, items, NOW)] == [built.mentor.pk]


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_once_per_person_survey_and_mentorship(world):
    sc = scenario(world)
    for days in (0, 1, 5):
        h.run(KEY, world.alpha, NOW + days * DAY)
    assert len(h.rows(KIND, sc.user)) == 1


def test_a_survey_switched_off_or_without_questions_tells_nobody(world):
    s.suggested(world, active=False)
    _at_mid_point(world)
    assert h.run(KEY, world.alpha, NOW) == []


def test_the_closing_survey_two_weeks_before_the_end(world):
    surveys = s.suggested(world)
    built = h.make_pair(world, started_on=TODAY - 170 * DAY)  # ends in ten days
    drafts = h.run(KEY, world.alpha, NOW)
    closing = [d for d in drafts if d.occurrence.startswith(f"survey:{surveys['closing'].pk}:")]
    assert {d.user_id for d in closing} == {built.mentor.pk, built.mentee.pk}
    assert closing[0].title == "Your mentorship ends soon: how did it go?"
    assert "ends on Saturday 20 March" in closing[0].body


def test_a_mentorship_completed_lately_is_asked_for_its_closing_survey(world):
    surveys = s.suggested(world)
    built = h.make_pair(world, started_on=TODAY - 40 * DAY)
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=built.mentorship.pk).update(
            status=MentorshipStatus.COMPLETED, ended_on=TODAY - 3 * DAY
        )
    drafts = h.run(KEY, world.alpha, NOW)
    assert {d.occurrence for d in drafts} == {
        f"survey:{surveys['closing'].pk}:{built.mentorship.pk}"
    }
    assert "has come to its end" in drafts[0].body
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=built.mentorship.pk).update(ended_on=TODAY - 20 * DAY)
    Notification.all_organizations.all().delete()
    assert h.run(KEY, world.alpha, NOW) == []


def test_an_ended_early_or_paused_mentorship_is_not_asked(world):
    s.suggested(world)
    for status in (MentorshipStatus.ENDED_EARLY, MentorshipStatus.PAUSED):
        built = _at_mid_point(world)
        with organization_scope(world.alpha):
            Mentorship.objects.filter(pk=built.mentorship.pk).update(status=status)
    assert h.run(KEY, world.alpha, NOW) == []


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_a_scan_costs_the_same_queries_for_one_pair_and_for_twenty(
    world, django_assert_max_num_queries
):
    sc = scenario(world)

    def more():
        for number in range(19):
            built = _at_mid_point(world, days_past=number % 5)
            if number % 4 == 0:
                with _today(TODAY):
                    s.answer(world, built, built.mentor, sc.extra["surveys"]["mid_point"],
                             scale=3, nps=7)  # fmt: skip
        h.make_pair(world, started_on=TODAY - 170 * DAY)  # due its closing survey

    h.check_fixed_queries(KEY, world.alpha, NOW, more, django_assert_max_num_queries, at_least=30)


def test_a_survey_that_is_on_without_questions_tells_nobody(world):
    surveys = s.suggested(world)
    _at_mid_point(world)
    with organization_scope(world.alpha):
        for survey in surveys.values():
            SurveyQuestion.objects.filter(survey=survey).delete()
    assert h.run(KEY, world.alpha, NOW) == []
