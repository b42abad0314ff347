from django.urls import reverse

from organizations.scope import organization_scope
from programs.models import ProfileQuestion
from tests.conftest import logged_in_client


def _url(world, name, **kwargs):
    return reverse(
        name, kwargs={"org_slug": "alpha", "program_id": world.alpha_program.pk, **kwargs}
    )


def test_question_builder_lists_questions_with_bounded_queries(
    world, django_assert_max_num_queries
):
    client = logged_in_client(world.alpha_owner)
    with django_assert_max_num_queries(9):  # +1: the bell's unread notifications
        response = client.get(_url(world, "programs:questions"))
    body = response.content.decode()
    assert "15 questions" in body
    assert "Matching: overlap (share items) with “Which skills can you help others grow?”" in body
    assert "Public speaking" in body  # the skill list


def test_add_a_paired_question_in_the_browser(world):
    client = logged_in_client(world.alpha_owner)
    with organization_scope(world.alpha):
        mentor_question = ProfileQuestion.objects.get(
            program=world.alpha_program, key="mentoring_style"
        )
    response = client.post(
        _url(world, "programs:question_create"),
        {
            "label": "Preferred meeting format",
            "help_text": "",
            "audience": "mentee",
            "kind": "single_choice",
            "choices": "Video call\nIn person\nVideo call\n",
            "required": "on",
            "comparison": "same",
            "partner_id": str(mentor_question.pk),
        },
    )
    assert response.status_code == 302
    with organization_scope(world.alpha):
        created = ProfileQuestion.objects.get(
            program=world.alpha_program, key="preferred-meeting-format"
        )
    assert created.choices == ["Video call", "In person"]


def test_invalid_question_shows_errors_and_saves_nothing(world):
    client = logged_in_client(world.alpha_owner)
    response = client.post(
        _url(world, "programs:question_create"),
        {
            "label": "",
            "audience": "mentee",
            "kind": "single_choice",
            "choices": "Only one",
            "comparison": "overlap",
        },
    )
    assert response.status_code == 400
    assert "label" in response.context["form"].errors
    response = client.post(
        _url(world, "programs:question_create"),
        {"label": "Pick", "audience": "mentee", "kind": "single_choice", "choices": "Only one"},
    )
    assert "Give at least two options" in response.content.decode()
    with organization_scope(world.alpha):
        assert ProfileQuestion.objects.filter(program=world.alpha_program).count() == 15


def test_edit_move_and_delete(world):
    client = logged_in_client(world.alpha_owner)
    with organization_scope(world.alpha):
        question = ProfileQuestion.objects.get(program=world.alpha_program, key="values")
    edit = _url(world, "programs:question_edit", question_id=question.pk)
    form = client.get(edit).context["form"]
    assert form.initial["choices"].startswith("Autonomy\nBalance")
    data = {**form.initial, "label": "What matters most to you?", "required": "on"}
    data["partner_id"] = ""
    assert client.post(edit, data).status_code == 302
    client.post(_url(world, "programs:question_move", question_id=question.pk), {"direction": "up"})
    client.post(_url(world, "programs:question_delete", question_id=question.pk))
    with organization_scope(world.alpha):
        assert not ProfileQuestion.objects.filter(pk=question.pk).exists()


def test_skill_list_form(world):
    client = logged_in_client(world.alpha_owner)
    response = client.post(
        _url(world, "programs:skills"), {"skills": "Rust\nrust\n\nGo"}, follow=True
    )
    assert "Skill list saved: 2 skills." in response.content.decode()
    response = client.post(_url(world, "programs:skills"), {"skills": "x" * 70})
    assert response.status_code == 400


def test_report_viewers_and_participants(world):
    from organizations.services import membership_change_role

    assert (
        logged_in_client(world.alpha_member).get(_url(world, "programs:questions")).status_code
        == 404
    )
    membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.alpha_member_membership,
        role="report_viewer",
    )
    viewer = logged_in_client(world.alpha_member)
    page = viewer.get(_url(world, "programs:questions")).content.decode()
    assert "Add a question" not in page and "15 questions" in page
    assert viewer.get(_url(world, "programs:question_create")).status_code == 403
