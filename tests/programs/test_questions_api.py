import pytest

from organizations.models import Role
from organizations.scope import organization_scope
from programs import services
from programs.models import ProfileQuestion, Program
from programs.services import QuestionSettings
from programs.standard_questions import DEFAULT_SKILLS, STANDARD_QUESTIONS
from tests.conftest import logged_in_api_client
from tests.programs.test_api import join_alpha, program_url


def questions_url(program_id: int) -> str:
    return f"{program_url(program_id)}questions/"


def question_url(program_id: int, question_id: int) -> str:
    return f"{questions_url(program_id)}{question_id}/"


def stored(world, key: str) -> ProfileQuestion:
    with organization_scope(world.alpha):
        return ProfileQuestion.objects.get(program=world.alpha_program, key=key)


def listed_for(client, program_id: int) -> list[dict]:
    response = client.get(questions_url(program_id))
    assert response.status_code == 200
    return response.json()["results"]


def listed(client, world) -> list[dict]:
    return listed_for(client, world.alpha_program.pk)


def mentor_tools_question(client, world) -> dict:
    response = client.post(
        questions_url(world.alpha_program.pk),
        {
            "label": "Tools you can teach",
            "audience": "mentor",
            "kind": "multiple_choice",
            "choices": ["Figma", "SQL", "sql "],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


# Reading


def test_the_list_shows_the_standard_questions_in_order(world):
    questions = listed(logged_in_api_client(world.alpha_manager), world)
    assert [q["key"] for q in questions] == [standard.key for standard in STANDARD_QUESTIONS]
    assert [q["position"] for q in questions] == list(range(1, len(STANDARD_QUESTIONS) + 1))
    assert all(q["is_standard"] for q in questions)
    by_key = {q["key"]: q for q in questions}
    wanted, offered = by_key["skills_wanted"], by_key["skills_offered"]
    assert (wanted["partner"], offered["partner"]) == (offered["id"], wanted["id"])
    assert (wanted["audience"], wanted["kind"], wanted["comparison"]) == (
        "mentee",
        "skills",
        "overlap",
    )


def test_one_question_is_read_by_id_within_its_program_only(world):
    client = logged_in_api_client(world.alpha_owner)
    goals = stored(world, "goals")
    response = client.get(question_url(world.alpha_program.pk, goals.pk))
    assert response.status_code == 200
    assert response.json()["label"] == goals.label
    other = services.program_create(
        actor_membership=world.alpha_owner_membership,
        values=services.ProgramSettings(name="Other", purpose="P"),
    )
    assert client.get(question_url(other.pk, goals.pk)).status_code == 404


# Creating


def test_a_custom_mentee_question_pairs_with_a_new_mentor_question(world):
    client = logged_in_api_client(world.alpha_manager)
    mentor_side = mentor_tools_question(client, world)
    assert mentor_side["choices"] == ["Figma", "SQL"]
    assert (mentor_side["partner"], mentor_side["comparison"]) == (None, "")
    assert mentor_side["is_standard"] is False
    assert mentor_side["key"] == "tools-you-can-teach"
    assert mentor_side["position"] == len(STANDARD_QUESTIONS) + 1

    response = client.post(
        questions_url(world.alpha_program.pk),
        {
            "label": "Tools you want to learn",
            "help_text": "Pick any.",
            "required": True,
            "audience": "mentee",
            "kind": "multiple_choice",
            "choices": ["Figma", "SQL"],
            "partner_id": mentor_side["id"],
            "comparison": "overlap",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    mentee_side = response.json()
    assert (mentee_side["partner"], mentee_side["comparison"]) == (mentor_side["id"], "overlap")
    assert mentee_side["required"] is True
    by_id = {q["id"]: q for q in listed(client, world)}
    assert by_id[mentor_side["id"]]["partner"] == mentee_side["id"]
    assert by_id[mentor_side["id"]]["comparison"] == "overlap"
    assert list(by_id)[-2:] == [mentor_side["id"], mentee_side["id"]]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"label": None}, "label", "This field is required."),
        ({"label": "  "}, "label", "Write the question"),
        ({"choices": ["Only one", " only ONE "]}, "choices", "at least two options"),
        (
            {"kind": "skills", "choices": [], "comparison": "distance"},
            "comparison",
            "compared by: overlap",
        ),
        ({"kind": "triangle"}, "kind", "not a valid choice"),
    ],
)
def test_invalid_questions_are_refused_with_field_messages(world, body, field, message):
    client = logged_in_api_client(world.alpha_owner)
    complete = {
        "label": "Favourite tools?",
        "audience": "mentee",
        "kind": "multiple_choice",
        "choices": ["A", "B"],
    }
    sent = {name: value for name, value in {**complete, **body}.items() if value is not None}
    response = client.post(questions_url(world.alpha_program.pk), sent, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {field}
    assert message in fields[field][0]
    with organization_scope(world.alpha):
        assert ProfileQuestion.objects.count() == len(STANDARD_QUESTIONS)


def test_a_partner_on_the_same_side_is_refused(world):
    client = logged_in_api_client(world.alpha_owner)
    other_mentee_question = stored(world, "goals")
    response = client.post(
        questions_url(world.alpha_program.pk),
        {
            "label": "What do you hope for?",
            "audience": "mentee",
            "kind": "text",
            "partner_id": other_mentee_question.pk,
            "comparison": "similarity",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "partner_id": [
            f"“{other_mentee_question.label}” is asked of mentees; pair it with a question "
            "for mentors."
        ]
    }


def test_a_partner_from_another_program_is_refused(world):
    other = services.program_create(
        actor_membership=world.alpha_owner_membership,
        values=services.ProgramSettings(name="Other", purpose="P"),
    )
    with organization_scope(world.alpha):
        foreign = ProfileQuestion.objects.get(program=other, key="mentoring_style")
    response = logged_in_api_client(world.alpha_owner).post(
        questions_url(world.alpha_program.pk),
        {
            "label": "How do you like to learn?",
            "audience": "mentee",
            "kind": foreign.kind,
            "choices": foreign.choices,
            "partner_id": foreign.pk,
            "comparison": "same",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Choose the mentor question" in response.json()["fields"]["partner_id"][0]


# Who may do what


def test_report_viewers_read_the_questions_and_change_nothing(world):
    viewer = join_alpha(world, "viewer@example.com", Role.REPORT_VIEWER)
    client = logged_in_api_client(viewer)
    program_id = world.alpha_program.pk
    goals = stored(world, "goals")
    assert len(listed(client, world)) == len(STANDARD_QUESTIONS)
    assert client.get(question_url(program_id, goals.pk)).status_code == 200
    assert client.get(program_url(program_id)).json()["skills"] == DEFAULT_SKILLS

    refused = [
        # An empty or invalid body is refused for who is asking, not for the body.
        client.post(questions_url(program_id), {}, format="json"),
        client.post(
            questions_url(program_id),
            {"label": "X", "audience": "mentee", "kind": "text"},
            format="json",
        ),
        client.patch(question_url(program_id, goals.pk), {"label": ""}, format="json"),
        client.delete(question_url(program_id, goals.pk)),
        client.post(f"{question_url(program_id, goals.pk)}move/", {}, format="json"),
        client.patch(program_url(program_id), {"skills": ["Knitting"]}, format="json"),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert all(response.json()["code"] == "permission_denied" for response in refused)
    assert [q["label"] for q in listed(logged_in_api_client(world.alpha_owner), world)] == [
        standard.label for standard in STANDARD_QUESTIONS
    ]


def test_participants_get_404_for_questions(world):
    client = logged_in_api_client(world.alpha_member)
    program_id = world.alpha_program.pk
    goals = stored(world, "goals")
    responses = [
        client.get(questions_url(program_id)),
        client.post(
            questions_url(program_id),
            {"label": "X", "audience": "mentee", "kind": "text"},
            format="json",
        ),
        client.get(question_url(program_id, goals.pk)),
        client.patch(question_url(program_id, goals.pk), {"label": "X"}, format="json"),
        client.delete(question_url(program_id, goals.pk)),
        client.post(f"{question_url(program_id, goals.pk)}move/", {"direction": "up"}),
    ]
    assert [response.status_code for response in responses] == [404] * len(responses)


def test_an_unassigned_program_manager_gets_404(world):
    other = join_alpha(world, "second.manager@example.com", Role.PROGRAM_MANAGER)
    response = logged_in_api_client(other).get(questions_url(world.alpha_program.pk))
    assert response.status_code == 404


# Changing, deleting, moving


def test_patch_changes_what_is_sent_and_keeps_the_rest(world):
    client = logged_in_api_client(world.alpha_owner)
    before = stored(world, "learning_style")
    url = question_url(world.alpha_program.pk, before.pk)
    response = client.patch(url, {"label": "How do you like to learn?"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["label"] == "How do you like to learn?"
    assert body["key"] == "learning_style"  # answers keep pointing at it
    assert (body["audience"], body["kind"]) == (before.audience, before.kind)
    assert (body["help_text"], body["required"]) == (before.help_text, before.required)
    assert body["choices"] == before.choices
    assert (body["partner"], body["comparison"]) == (before.partner_id, before.comparison)
    assert body["position"] == before.position
    assert before.partner_id is not None
    partner = client.get(question_url(world.alpha_program.pk, before.partner_id)).json()
    assert (partner["partner"], partner["comparison"]) == (before.pk, before.comparison)

    response = client.patch(url, {"choices": ["Some"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"choices"}
    assert client.get(url).json()["choices"] == before.choices


def test_patch_unpairs_when_partner_and_comparison_are_cleared(world):
    client = logged_in_api_client(world.alpha_owner)
    wanted, offered = stored(world, "skills_wanted"), stored(world, "skills_offered")
    url = question_url(world.alpha_program.pk, wanted.pk)
    response = client.patch(url, {"partner_id": None, "comparison": ""}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["partner"], response.json()["comparison"]) == (None, "")
    offered_now = client.get(question_url(world.alpha_program.pk, offered.pk)).json()
    assert (offered_now["partner"], offered_now["comparison"]) == (None, "")


def test_delete_removes_the_question_and_unpairs_its_partner(world):
    client = logged_in_api_client(world.alpha_manager)
    wanted, offered = stored(world, "skills_wanted"), stored(world, "skills_offered")
    response = client.delete(question_url(world.alpha_program.pk, wanted.pk))
    assert response.status_code == 204
    assert client.get(question_url(world.alpha_program.pk, wanted.pk)).status_code == 404
    offered_now = client.get(question_url(world.alpha_program.pk, offered.pk)).json()
    assert (offered_now["partner"], offered_now["comparison"]) == (None, "")
    assert len(listed(client, world)) == len(STANDARD_QUESTIONS) - 1


def test_move_swaps_a_question_with_its_neighbour(world):
    client = logged_in_api_client(world.alpha_owner)
    first_key, second_key = STANDARD_QUESTIONS[0].key, STANDARD_QUESTIONS[1].key
    second = stored(world, second_key)
    move_url = f"{question_url(world.alpha_program.pk, second.pk)}move/"

    response = client.post(move_url, {"direction": "up"}, format="json")
    assert response.status_code == 204
    keys = [q["key"] for q in listed(client, world)]
    assert keys[:2] == [second_key, first_key]
    # Already at the top: nothing moves.
    assert client.post(move_url, {"direction": "up"}, format="json").status_code == 204
    assert [q["key"] for q in listed(client, world)] == keys
    assert [q["position"] for q in listed(client, world)] == list(range(1, len(keys) + 1))

    sideways = client.post(move_url, {"direction": "left"}, format="json")
    assert sideways.status_code == 400
    assert set(sideways.json()["fields"]) == {"direction"}


# The skill list


def test_program_skills_are_shown_and_replaced_without_duplicates(world):
    client = logged_in_api_client(world.alpha_manager)
    url = program_url(world.alpha_program.pk)
    assert client.get(url).json()["skills"] == DEFAULT_SKILLS
    response = client.patch(
        url,
        {"skills": ["  Python ", "python", "Data  analysis", "", "Rust"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["skills"] == ["Python", "Data analysis", "Rust"]
    with organization_scope(world.alpha):
        assert Program.objects.get(pk=world.alpha_program.pk).skills == [
            "Python",
            "Data analysis",
            "Rust",
        ]


def test_a_too_long_skill_is_refused_and_nothing_else_changes(world):
    client = logged_in_api_client(world.alpha_owner)
    url = program_url(world.alpha_program.pk)
    response = client.patch(
        url, {"description": "Changed", "skills": ["Python", "x" * 61]}, format="json"
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"skills"}
    assert "keep skills under 60 characters" in fields["skills"][0]
    with organization_scope(world.alpha):
        program = Program.objects.get(pk=world.alpha_program.pk)
    assert (program.description, program.skills) == ("", DEFAULT_SKILLS)
    assert client.patch(url, {"skills": ["x" * 60]}, format="json").status_code == 200


# Bounded queries


@pytest.mark.parametrize("extra_questions", [0, 20])
def test_question_list_queries_do_not_grow_with_questions(
    world, extra_questions, django_assert_max_num_queries
):
    for number in range(extra_questions):
        services.question_create(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            values=QuestionSettings(label=f"Question {number}", audience="both", kind="text"),
        )
    client = logged_in_api_client(world.alpha_manager)
    # Session, user, organisation, membership, program (with the manager check), count, page.
    with django_assert_max_num_queries(7):
        response = client.get(questions_url(world.alpha_program.pk))
    assert response.json()["count"] == len(STANDARD_QUESTIONS) + extra_questions


def test_a_new_program_starts_with_the_default_skills(world):
    response = logged_in_api_client(world.alpha_owner).post(
        "/api/v1/orgs/alpha/programs/", {"name": "Fresh", "purpose": "P"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["skills"] == DEFAULT_SKILLS
    questions = listed_for(logged_in_api_client(world.alpha_owner), response.json()["id"])
    assert len(questions) == len(STANDARD_QUESTIONS)
