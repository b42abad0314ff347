"""The page where a mentor or mentee answers: who reaches it (the pair), when (the survey's
moment came), once (then a thank-you), what bad input does (400, nothing saved), and the card
on the mentorship's page that leads there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus
from surveys.models import SurveyAnswer, SurveyResponse
from tests.conftest import logged_in_client
from tests.surveys import support as s

ANONYMOUS_NOTE = "Anonymous: shown only in totals of at least 5 people"


@pytest.fixture
def due(world):
    surveys = s.suggested(world)
    built = s.pair_at_mid_point(world)
    return surveys, built, s.respond_url(world, built.mentorship.pk, surveys["mid_point"].pk)


def _post(client, url, survey, **by_kind):
    data = {f"q{q.pk}": by_kind[kind] for kind, q in s.questions(survey).items() if kind in by_kind}
    return client.post(url, data)


def test_the_mentee_answers_and_is_thanked(world, due):
    surveys, built, url = due
    client = logged_in_client(built.mentee)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert surveys["mid_point"].title in text
    assert "How is your mentorship going?" in text and "0 is not at all likely" in text
    assert text.count(ANONYMOUS_NOTE) == 1  # next to the one anonymous question
    response = _post(client, url, surveys["mid_point"], scale="4", nps="9", text="The agreement")
    assert response.status_code == 302 and response.url == url
    with organization_scope(world.alpha):
        saved = SurveyResponse.objects.get()
        assert (saved.respondent_id, saved.role) == (built.mentee.pk, "mentee")
        assert sorted(SurveyAnswer.objects.values_list("value", flat=True), key=str) == [
            4, 9, "The agreement",
        ]  # fmt: skip
    thanks = client.get(url)
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert "Send my answers" not in thanks.content.decode()
    # A second post (another tab) changes nothing.
    again = _post(client, url, surveys["mid_point"], scale="1", nps="0")
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    with organization_scope(world.alpha):
        assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ({"nps": "9"}, "Please answer this question."),
        ({"scale": "6", "nps": "9"}, "Choose one of the options."),
        ({"scale": "3", "nps": "11"}, "Choose one of the options."),
        ({"scale": "3", "nps": "-1"}, "Choose one of the options."),
    ],
)
def test_bad_input_is_400_with_the_error_and_saves_nothing(world, due, answers, error):
    surveys, built, url = due
    page = _post(logged_in_client(built.mentor), url, surveys["mid_point"], text="Kept", **answers)
    assert page.status_code == 400
    text = page.content.decode()
    assert error in text and "Nothing was saved" in text
    assert "Kept" in text  # what was typed stays
    with organization_scope(world.alpha):
        assert not SurveyResponse.objects.exists()


def test_an_unknown_option_is_400(world):
    surveys = s.suggested(world)
    built = s.h.make_pair(world, started_on=s.TODAY - 170 * s.DAY)
    url = s.respond_url(world, built.mentorship.pk, surveys["closing"].pk)
    page = _post(
        logged_in_client(built.mentee), url, surveys["closing"], scale="3", nps="5",
        single_choice="Maybe",
    )  # fmt: skip
    assert page.status_code == 400 and "Choose one of the options." in page.content.decode()
    with organization_scope(world.alpha):
        assert not SurveyResponse.objects.exists()


def test_only_the_pair_reaches_it(world, due):
    _, built, url = due
    other = s.pair_at_mid_point(world)
    for user in (world.alpha_owner, world.alpha_manager, world.alpha_member, other.mentor,
                 world.bravo_owner):  # fmt: skip
        assert logged_in_client(user).get(url).status_code == 404, user
        assert logged_in_client(user).post(url, {}).status_code == 404, user
    assert logged_in_client(built.mentor).get(url).status_code == 200


def test_only_once_its_moment_came(world):
    surveys = s.suggested(world)
    early = s.pair_at_mid_point(world, days_past=-1)
    mid = s.respond_url(world, early.mentorship.pk, surveys["mid_point"].pk)
    closing = s.respond_url(world, early.mentorship.pk, surveys["closing"].pk)
    client = logged_in_client(early.mentee)
    assert client.get(mid).status_code == 404
    assert client.get(closing).status_code == 404
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=early.mentorship.pk).update(
            started_on=s.TODAY - 90 * s.DAY, ends_on=s.TODAY + 90 * s.DAY
        )
    assert client.get(mid).status_code == 200  # the day at the middle
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=early.mentorship.pk).update(ends_on=s.TODAY + 14 * s.DAY)
    assert client.get(closing).status_code == 200  # 14 days before the end


def test_a_completed_mentorship_answers_its_closing_survey_at_once(world):
    surveys = s.suggested(world)
    built = s.h.make_pair(world, started_on=s.TODAY - 30 * s.DAY)
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=built.mentorship.pk).update(
            status=MentorshipStatus.COMPLETED, ended_on=s.TODAY
        )
    client = logged_in_client(built.mentor)
    assert (
        client.get(s.respond_url(world, built.mentorship.pk, surveys["closing"].pk)).status_code
        == 200
    )
    assert (
        client.get(s.respond_url(world, built.mentorship.pk, surveys["mid_point"].pk)).status_code
        == 404
    )


def test_a_survey_switched_off_or_of_another_program_is_404(world, due):
    _, built, url = due
    s.suggested(world, active=False)
    assert logged_in_client(built.mentee).get(url).status_code == 404
    assert (
        logged_in_client(built.mentee)
        .get(s.respond_url(world, built.mentorship.pk, 987654321))
        .status_code
        == 404
    )


def test_the_mentorship_page_leads_to_an_open_survey_until_it_is_answered(world, due):
    surveys, built, url = due
    home = reverse(
        "relationships:mentorship",
        kwargs={"org_slug": world.alpha.slug, "mentorship_id": built.mentorship.pk},
    )
    client = logged_in_client(built.mentee)
    text = client.get(home).content.decode()
    assert "A survey from your program" in text and f'href="{url}"' in text
    assert "Answer the survey" in text
    s.answer(world, built, built.mentee, surveys["mid_point"], scale=4, nps=9)
    assert "Answer the survey" not in client.get(home).content.decode()
    # The managers do not get the card.
    assert "Answer the survey" not in logged_in_client(world.alpha_owner).get(home).content.decode()


def test_the_card_costs_no_query_before_a_moment_and_one_after(world, django_assert_num_queries):
    from surveys.selectors import open_surveys_for

    s.suggested(world)
    early = s.pair_at_mid_point(world, days_past=-5)
    due = s.pair_at_mid_point(world)
    for built, queries, found in ((early, 0, 0), (due, 1, 1)):
        member = s.membership(world, built.mentee)
        mentorship = s.mentorship_for(member, built.mentorship.pk)
        with django_assert_num_queries(queries):
            assert len(open_surveys_for(member, mentorship)) == found
