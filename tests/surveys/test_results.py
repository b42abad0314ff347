"""Survey results for the program's managers and the report viewers: the numbers against hand
computed values, anonymity (groups under 5 hidden, texts never attributed), names only for
managers, the cohort filter, per-mentorship scores, and a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import Mentorship
from programs.services import CohortSettings
from surveys import aggregate, services
from surveys.models import SurveyQuestion
from tests.conftest import logged_in_client
from tests.surveys import support as s

SCALES = [5, 4, 4, 3, 2]  # average 3.6
NPS = [10, 9, 9, 7, 3]  # 3 promoters, 1 passive, 1 detractor: NPS (3 - 1) / 5 = +40
TEXTS = ["Zest for the work", "clear goals", "Feedback", "The agreement", "A safe space"]


def _people(world, count: int) -> list[tuple]:
    """`count` people of pairs at their mid-point: [(built, user)], mentor then mentee."""
    found = []
    while len(found) < count:
        built = s.pair_at_mid_point(world)
        found += [(built, built.mentor), (built, built.mentee)]
    return found[:count]


@pytest.fixture
def answered(world):
    """Five answers to the mid-point survey; the anonymous text is answered by the first
    `texts` of them (4 by default: hidden)."""
    surveys = s.suggested(world)
    people = _people(world, 5)
    for (built, user), scale, nps, text in zip(people, SCALES, NPS, [*TEXTS[:4], ""], strict=True):
        s.answer(world, built, user, surveys["mid_point"], scale=scale, nps=nps, text=text)
    return surveys, people


def _summary(world, survey, **kwargs) -> dict[str, aggregate.QuestionSummary]:
    found = aggregate.survey_summary(
        world.alpha, [world.alpha_program.pk], survey_ids=[survey.pk], **kwargs
    )
    return {q.kind: q for q in found}


def test_the_numbers_are_the_hand_computed_ones(world, answered):
    surveys, _ = answered
    found = _summary(world, surveys["mid_point"])
    scale, nps = found["scale"], found["nps"]
    assert (scale.answers, scale.average) == (5, 3.6)
    assert [(b.value, b.count, b.percent) for b in scale.distribution] == [
        (1, 0, 0), (2, 1, 20), (3, 1, 20), (4, 2, 40), (5, 1, 20),
    ]  # fmt: skip
    assert (nps.answers, nps.average) == (5, 7.6)
    assert (nps.promoters, nps.passives, nps.detractors, nps.nps) == (3, 1, 1, 40)
    assert [b.count for b in nps.distribution] == [0, 0, 0, 1, 0, 0, 0, 1, 0, 2, 1]


def test_an_nps_of_only_detractors_is_minus_100(world):
    surveys = s.suggested(world)
    for built, user in _people(world, 2):
        s.answer(world, built, user, surveys["mid_point"], scale=1, nps=6)
    assert _summary(world, surveys["mid_point"])["nps"].nps == -100


def test_single_choice_counts_each_option(world):
    surveys = s.suggested(world)
    closing = surveys["closing"]
    for (built, user), choice in zip(_people(world, 3), ["Yes", "Partly", "Yes"], strict=True):
        with organization_scope(world.alpha):
            Mentorship.objects.filter(pk=built.mentorship.pk).update(ends_on=s.TODAY + 5 * s.DAY)
        s.answer(world, built, user, closing, scale=4, nps=8, single_choice=choice)
    options = _summary(world, closing)["single_choice"].options
    assert [(b.value, b.count, b.percent) for b in options] == [
        ("Yes", 2, 67), ("Partly", 1, 33), ("No", 0, 0),
    ]  # fmt: skip


def test_an_anonymous_question_answered_by_4_is_hidden_by_5_shown(world, answered):
    surveys, _ = answered
    text = _summary(world, surveys["mid_point"])["text"]
    assert text.hidden and text.answers is None and text.texts == ()
    page = logged_in_client(world.alpha_owner).get(s.results_url(world, surveys["mid_point"].pk))
    body = page.content.decode()
    assert "Fewer than 5 answers: hidden to keep them anonymous" in body
    assert not any(t in body for t in TEXTS)
    # The fifth person of another pair answers: now it shows, unattributed.
    built = s.pair_at_mid_point(world)
    s.answer(world, built, built.mentor, surveys["mid_point"], scale=3, nps=8, text=TEXTS[4])
    text = _summary(world, surveys["mid_point"], with_names=True)["text"]
    assert not text.hidden and text.answers == 5
    # Alphabetical, whoever wrote them, and without a role or a name even for managers.
    assert [t.text for t in text.texts] == sorted(TEXTS, key=str.casefold)
    assert all(t.role == "" and t.name == "" for t in text.texts)


@pytest.mark.parametrize("reader", ["manager", "report_viewer"])
def test_no_reader_sees_who_wrote_an_anonymous_text(world, answered, reader):
    surveys, people = answered
    built = s.pair_at_mid_point(world)
    s.answer(world, built, built.mentee, surveys["mid_point"], scale=3, nps=8, text=TEXTS[4])
    user = world.alpha_manager if reader == "manager" else s.report_viewer(world)
    page = logged_in_client(user).get(s.results_url(world, surveys["mid_point"].pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert all(t in body for t in TEXTS)
    for _, person in [*people, (built, built.mentee)]:
        assert person.full_name not in body and person.email not in body
    assert "mentee" not in body.split("What has been most useful so far?")[1].split("</section>")[0]


def test_names_for_managers_roles_for_report_viewers_on_other_questions(world):
    surveys = s.suggested(world)
    open_question = services.question_create(
        actor=world.alpha_owner_membership, program=world.alpha_program, moment="mid_point",
        values=services.QuestionSettings(label="Anything to tell the program team?", kind="text"),
    )  # fmt: skip
    built = s.pair_at_mid_point(world)
    member = s.membership(world, built.mentor)
    answers = {q.pk: v for q, v in zip(
        [s.questions(surveys["mid_point"])["scale"], s.questions(surveys["mid_point"])["nps"],
         open_question], [4, 9, "More meeting rooms, please"], strict=True)}  # fmt: skip
    services.survey_respond(
        actor=member, mentorship=s.mentorship_for(member, built.mentorship.pk),
        survey=surveys["mid_point"], answers=answers,
    )  # fmt: skip
    url = s.results_url(world, surveys["mid_point"].pk)
    manager_page = logged_in_client(world.alpha_manager).get(url).content.decode()
    assert "More meeting rooms, please" in manager_page
    assert f"{built.mentor.full_name}, mentor" in manager_page
    viewer_page = logged_in_client(s.report_viewer(world)).get(url).content.decode()
    assert "More meeting rooms, please" in viewer_page and "mentor" in viewer_page
    assert built.mentor.full_name not in viewer_page and built.mentor.email not in viewer_page


def test_members_may_not_read_results(world, answered):
    surveys, people = answered
    url = s.results_url(world, surveys["mid_point"].pk)
    assert logged_in_client(world.alpha_member).get(url).status_code == 404  # program not visible
    assert logged_in_client(people[0][1]).get(url).status_code == 404


def test_the_cohort_filter_keeps_one_cohorts_answers(world, answered):
    surveys, _ = answered
    other = program_services.cohort_create(
        actor_membership=world.alpha_owner_membership, program=world.alpha_program,
        values=CohortSettings(
            name="Autumn", enrolment_opens_on=datetime.date(2027, 8, 1),
            enrolment_closes_on=datetime.date(2027, 8, 31), starts_on=datetime.date(2027, 9, 1),
            ends_on=datetime.date(2028, 2, 28),
        ),
    )  # fmt: skip
    built = s.pair_at_mid_point(world)
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=built.mentorship.pk).update(cohort=other)
    s.answer(world, built, built.mentor, surveys["mid_point"], scale=1, nps=0)
    assert _summary(world, surveys["mid_point"])["scale"].answers == 6
    only = _summary(world, surveys["mid_point"], cohort_ids=[other.pk])
    assert (only["scale"].answers, only["scale"].average, only["nps"].nps) == (1, 1.0, -100)
    page = logged_in_client(world.alpha_owner).get(
        s.results_url(world, surveys["mid_point"].pk), {"cohort": other.pk}
    )
    assert "1 person answered in this cohort" in page.content.decode()
    # Filtered down, an anonymous question of fewer than 5 answers hides again.
    assert _summary(world, surveys["mid_point"], cohort_ids=[other.pk])["text"].hidden


def test_the_filters_by_date(world, answered):
    surveys, _ = answered
    tomorrow = s.TODAY + s.DAY
    assert _summary(world, surveys["mid_point"], since=tomorrow)["scale"].answers == 0
    assert _summary(world, surveys["mid_point"], until=s.TODAY)["scale"].answers == 5


def test_scores_per_mentorship_never_use_anonymous_questions(world):
    surveys = s.suggested(world)
    scale = s.questions(surveys["mid_point"])["scale"]
    secret = services.question_create(
        actor=world.alpha_owner_membership, program=world.alpha_program, moment="mid_point",
        values=services.QuestionSettings(label="Rate your mentor", kind="scale", anonymous=True),
    )  # fmt: skip
    built = s.pair_at_mid_point(world)
    nps = s.questions(surveys["mid_point"])["nps"]
    for user, mine, secret_value, score in ((built.mentor, 4, 1, 10), (built.mentee, 2, 1, 7)):
        member = s.membership(world, user)
        services.survey_respond(
            actor=member, mentorship=s.mentorship_for(member, built.mentorship.pk),
            survey=surveys["mid_point"], answers={scale.pk: mine, nps.pk: score, secret.pk: secret_value},
        )  # fmt: skip
    other = s.pair_at_mid_point(world)
    scores = aggregate.mentorship_scores(world.alpha, [built.mentorship.pk, other.mentorship.pk])
    assert scores == {
        built.mentorship.pk: {"mid_point": 3.0, "closing": None, "nps": 8.5},
        other.mentorship.pk: {"mid_point": None, "closing": None, "nps": None},
    }
    with organization_scope(world.alpha):
        SurveyQuestion.objects.filter(pk=scale.pk).update(anonymous=True)
    assert (
        aggregate.mentorship_scores(world.alpha, [built.mentorship.pk])[built.mentorship.pk][
            "mid_point"
        ]
        is None
    )


def test_the_aggregates_cost_a_fixed_number_of_queries(world, django_assert_num_queries):
    surveys = s.suggested(world)
    people = _people(world, 10)
    s.answer(world, *people[0], surveys["mid_point"], scale=3, nps=8, text="One")
    with CaptureQueriesContext(connection) as one:
        aggregate.survey_summary(world.alpha, [world.alpha_program.pk])
        aggregate.mentorship_scores(world.alpha, [b.mentorship.pk for b, _ in people])
    for built, user in people[1:]:
        s.answer(world, built, user, surveys["mid_point"], scale=3, nps=8, text=user.email)
    with django_assert_num_queries(len(one)):
        aggregate.survey_summary(world.alpha, [world.alpha_program.pk])
        aggregate.mentorship_scores(world.alpha, [b.mentorship.pk for b, _ in people])


def test_the_results_page_reads_a_fixed_number_of_rows(world, django_assert_max_num_queries):
    surveys = s.suggested(world)
    people = _people(world, 10)
    url = s.results_url(world, surveys["mid_point"].pk)
    client = logged_in_client(world.alpha_manager)
    s.answer(world, *people[0], surveys["mid_point"], scale=3, nps=8, text="One")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for built, user in people[1:]:
        s.answer(world, built, user, surveys["mid_point"], scale=4, nps=9, text=user.email)
    with django_assert_max_num_queries(len(one)):
        page = client.get(url)
    assert "10 people answered" in page.content.decode()
