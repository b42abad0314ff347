"""The surveys API: a program's surveys, their results (with the page's anonymity rules), and a
pair's answers (201, or 400 with the question's error and nothing stored)."""

from __future__ import annotations

import pytest

from organizations.scope import organization_scope
from surveys.models import SurveyResponse
from tests.conftest import logged_in_api_client
from tests.surveys import support as s

ORG = "/api/v1/orgs/alpha/"


def _surveys_url(world) -> str:
    return f"{ORG}programs/{world.alpha_program.pk}/surveys/"


def _respond_url(built, survey) -> str:
    return f"{ORG}mentorships/{built.mentorship.pk}/surveys/{survey.pk}/responses/"


def _body(survey, **by_kind) -> dict:
    questions = s.questions(survey)
    return {"answers": [{"question_id": questions[k].pk, "value": v} for k, v in by_kind.items()]}


@pytest.fixture
def due(world):
    return s.suggested(world), s.pair_at_mid_point(world)


def test_managers_and_report_viewers_read_the_definitions(world, due):
    data = logged_in_api_client(world.alpha_manager).get(_surveys_url(world)).json()
    assert data["count"] == 2
    mid, closing = data["results"]
    assert (mid["moment"], closing["moment"]) == ("mid_point", "closing")
    assert mid["is_active"] and mid["response_count"] == 0
    assert [(q["kind"], q["anonymous"]) for q in mid["questions"]] == [
        ("scale", False), ("nps", False), ("text", True),
    ]  # fmt: skip
    assert closing["questions"][2]["choices"] == ["Yes", "Partly", "No"]
    viewer = logged_in_api_client(s.report_viewer(world))
    assert viewer.get(_surveys_url(world)).status_code == 200
    assert logged_in_api_client(world.alpha_member).get(_surveys_url(world)).status_code == 404


def test_the_pair_answers_once(world, due):
    surveys, built = due
    client = logged_in_api_client(built.mentee)
    url = _respond_url(built, surveys["mid_point"])
    response = client.post(url, _body(surveys["mid_point"], scale=4, nps=9, text="Honest talk"),
                           format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "mentee"
    again = client.post(url, _body(surveys["mid_point"], scale=1, nps=1), format="json")
    assert again.status_code == 400
    assert "answered this survey already" in again.json()["detail"]


@pytest.mark.parametrize(
    ("answers", "kind", "message"),
    [
        ({"nps": 9}, "scale", "Please answer this question."),
        ({"scale": 9, "nps": 9}, "scale", "Choose a number from 1 to 5."),
        ({"scale": 3, "nps": -1}, "nps", "Choose a number from 0 to 10."),
        ({"scale": 3, "nps": 9, "text": 12}, "text", "Write your answer as text."),
    ],
)
def test_bad_answers_are_400_and_store_nothing(world, due, answers, kind, message):
    surveys, built = due
    response = logged_in_api_client(built.mentor).post(
        _respond_url(built, surveys["mid_point"]), _body(surveys["mid_point"], **answers),
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    question = s.questions(surveys["mid_point"])[kind]
    assert response.json()["fields"][f"q{question.pk}"] == [message]
    with organization_scope(world.alpha):
        assert not SurveyResponse.objects.exists()


def test_only_the_pair_answers_and_only_once_it_is_open(world, due):
    surveys, built = due
    url = _respond_url(built, surveys["mid_point"])
    body = _body(surveys["mid_point"], scale=4, nps=9)
    for user in (world.alpha_owner, world.alpha_manager, world.alpha_member, world.bravo_owner):
        assert logged_in_api_client(user).post(url, body, format="json").status_code == 404
    early = s.pair_at_mid_point(world, days_past=-2)
    refused = logged_in_api_client(early.mentor).post(
        _respond_url(early, surveys["mid_point"]), body, format="json"
    )
    assert refused.status_code == 400 and "This survey opens on" in refused.json()["detail"]


def test_results_keep_anonymous_answers_anonymous(world, due):
    surveys, built = due
    people = [(built, built.mentor), (built, built.mentee)]
    while len(people) < 5:
        other = s.pair_at_mid_point(world)
        people += [(other, other.mentor), (other, other.mentee)]
    for number, (pair, user) in enumerate(people[:5]):
        text = f"Useful thing {number}" if number < 4 else ""
        s.answer(world, pair, user, surveys["mid_point"], scale=number % 5 + 1, nps=10, text=text)
    url = f"{_surveys_url(world)}{surveys['mid_point'].pk}/results/"
    for user in (world.alpha_manager, s.report_viewer(world)):
        data = logged_in_api_client(user).get(url).json()
        assert data["responses"] == 5
        scale, nps, text = data["questions"]
        assert (scale["answers"], scale["average"]) == (5, 3.0)
        assert (nps["nps"], nps["promoters"]) == (100, 5)
        assert text["hidden"] and text["answers"] is None and text["texts"] == []
        assert text["hidden_reason"] == "Fewer than 5 answers: hidden to keep them anonymous"
        body = str(data)
        assert not any(person.email in body or person.full_name in body for _, person in people)
    assert logged_in_api_client(world.alpha_member).get(url).status_code == 404


def test_results_filter_by_a_cohort_of_the_program(world, due):
    surveys, built = due
    s.answer(world, built, built.mentor, surveys["mid_point"], scale=5, nps=10)
    url = f"{_surveys_url(world)}{surveys['mid_point'].pk}/results/"
    client = logged_in_api_client(world.alpha_owner)
    assert client.get(url, {"cohort": world.alpha_cohort.pk}).json()["responses"] == 1
    refused = client.get(url, {"cohort": 987654321})
    assert refused.status_code == 400 and "cohort" in refused.json()["fields"]
    assert client.get(f"{_surveys_url(world)}987654321/results/").status_code == 404
