"""The program's surveys page: the suggested questions, the question builder (add, edit,
reorder, remove), sending a survey, and who may do what."""

from __future__ import annotations

from django.urls import reverse

from organizations.scope import organization_scope
from surveys.models import Survey, SurveyQuestion
from tests.conftest import logged_in_client
from tests.surveys import support as s


def _url(world, name: str, **kwargs) -> str:
    return reverse(
        f"surveys:{name}",
        kwargs={"org_slug": world.alpha.slug, "program_id": world.alpha_program.pk, **kwargs},
    )


def _questions(world, moment: str) -> list[tuple]:
    with organization_scope(world.alpha):
        return list(
            SurveyQuestion.objects.filter(survey__moment=moment).values_list(
                "label", "kind", "choices", "anonymous", "required"
            )
        )


def test_a_manager_starts_from_the_suggested_questions(world):
    client = logged_in_client(world.alpha_manager)
    page = client.get(s.surveys_url(world))
    assert page.status_code == 200
    assert "Start from the suggested questions" in page.content.decode()
    response = client.post(_url(world, "suggested"), follow=True)
    text = response.content.decode()
    assert "7 suggested questions added" in text
    assert "How likely are you to recommend this program to a colleague?" in text
    assert "Start from the suggested questions" not in text
    assert text.count("Off: not sent") == 2


def test_a_manager_adds_a_single_choice_question(world):
    client = logged_in_client(world.alpha_manager)
    url = _url(world, "question_create", moment="closing")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"label": "Would you mentor next year?", "kind": "single_choice",
                                "choices": "Yes\n"})  # fmt: skip
    assert refused.status_code == 400
    assert "Give at least two options" in refused.content.decode()
    assert "Would you mentor next year?" in refused.content.decode()
    saved = client.post(url, {"label": "Would you mentor next year?", "kind": "single_choice",
                              "choices": "Yes\nMaybe\nNo", "anonymous": "on"})  # fmt: skip
    assert saved.status_code == 302
    assert _questions(world, "closing") == [
        ("Would you mentor next year?", "single_choice", ["Yes", "Maybe", "No"], True, False)
    ]


def test_a_label_too_long_is_refused(world):
    page = logged_in_client(world.alpha_owner).post(
        _url(world, "question_create", moment="mid_point"), {"label": "x" * 256, "kind": "scale"}
    )
    assert page.status_code == 400
    assert _questions(world, "mid_point") == []


def test_edit_reorder_and_remove(world):
    s.suggested(world, active=False)
    client = logged_in_client(world.alpha_owner)
    with organization_scope(world.alpha):
        scale, nps, text = SurveyQuestion.objects.filter(survey__moment="mid_point")
    edit = _url(world, "question_edit", question_id=nps.pk)
    assert "0 is not at all likely" in client.get(edit).content.decode()
    client.post(edit, {"label": "Would you recommend us?", "kind": "nps", "required": "on"})
    client.post(_url(world, "question_move", question_id=text.pk), {"direction": "up"})
    client.post(_url(world, "question_delete", question_id=scale.pk))
    assert [row[0] for row in _questions(world, "mid_point")] == [
        "What has been most useful so far?", "Would you recommend us?",
    ]  # fmt: skip


def test_a_survey_is_switched_on_only_with_questions(world):
    client = logged_in_client(world.alpha_owner)
    refused = client.post(
        _url(world, "survey_settings", moment="mid_point"),
        {"mid_point-title": "Halfway", "mid_point-is_active": "on"},
    )
    assert refused.status_code == 400
    assert "Add a question before sending the survey." in refused.content.decode()
    s.suggested(world, active=False)
    saved = client.post(
        _url(world, "survey_settings", moment="mid_point"),
        {"mid_point-title": "Halfway", "mid_point-is_active": "on"},
        follow=True,
    )
    assert "“Halfway” saved: it is sent to the pairs." in saved.content.decode()
    with organization_scope(world.alpha):
        assert Survey.objects.get(moment="mid_point").is_active


def test_report_viewers_read_the_surveys_members_do_not(world):
    s.suggested(world)
    viewer = logged_in_client(s.report_viewer(world))
    page = viewer.get(s.surveys_url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert "See the results" in text and "Add a question" not in text
    assert viewer.post(_url(world, "suggested")).status_code == 403
    assert logged_in_client(world.alpha_member).get(s.surveys_url(world)).status_code == 404


def test_the_program_page_links_to_the_surveys(world):
    url = reverse(
        "programs:detail",
        kwargs={"org_slug": world.alpha.slug, "program_id": world.alpha_program.pk},
    )
    for user in (world.alpha_manager, s.report_viewer(world)):
        text = logged_in_client(user).get(url).content.decode()
        assert "Surveys at the mid-point and the end" in text and s.surveys_url(world) in text
