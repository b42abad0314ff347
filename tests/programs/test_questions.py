import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations.scope import organization_scope
from programs import services
from programs.models import ProfileQuestion
from programs.services import QuestionSettings
from programs.standard_questions import DEFAULT_SKILLS, STANDARD_QUESTIONS


def questions(world):
    with organization_scope(world.alpha):
        return {q.key: q for q in ProfileQuestion.objects.filter(program=world.alpha_program)}


def test_every_new_program_gets_the_standard_paired_questions(world):
    found = questions(world)
    assert list(found) == [standard.key for standard in STANDARD_QUESTIONS]
    assert found["skills_wanted"].partner_id == found["skills_offered"].pk
    assert found["skills_offered"].partner_id == found["skills_wanted"].pk
    assert found["goals"].comparison == "similarity"
    assert found["department"].comparison == "different"
    world.alpha_program.refresh_from_db()
    assert world.alpha_program.skills == DEFAULT_SKILLS


def _add(world, **fields):
    values = {
        "label": "Favourite tools?",
        "audience": "mentee",
        "kind": "multiple_choice",
        "choices": ["A", "B"],
    }
    return services.question_create(
        actor_membership=world.alpha_owner_membership,
        program=world.alpha_program,
        values=QuestionSettings(**{**values, **fields}),
    )


def test_custom_question_with_a_partner_pairs_both_ways(world):
    mentor_side = _add(world, label="Tools you can teach", audience="mentor")
    mentee_side = _add(
        world, label="Tools you want to learn", partner_id=mentor_side.pk, comparison="overlap"
    )
    mentor_side.refresh_from_db()
    assert mentor_side.partner_id == mentee_side.pk
    assert mentor_side.comparison == "overlap"
    assert mentee_side.key == "tools-you-want-to-learn"
    # Re-pairing to nothing unpairs the other side too.
    services.question_update(
        actor_membership=world.alpha_owner_membership,
        question=mentee_side,
        values=QuestionSettings(
            label=mentee_side.label, audience="mentee", kind="multiple_choice", choices=["A", "B"]
        ),
    )
    mentor_side.refresh_from_db()
    assert (mentor_side.partner_id, mentor_side.comparison) == (None, "")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"label": " "}, "label", "Write the question"),
        ({"choices": ["only one"]}, "choices", "at least two"),
        ({"kind": "skills", "comparison": "distance"}, "comparison", "compared by: overlap"),
        ({"comparison": "overlap"}, "partner_id", "Choose the mentor question"),
        (
            {"audience": "both", "partner_id": 1, "comparison": "overlap"},
            "partner_id",
            "has no partner",
        ),
        ({"partner_id": 1}, "comparison", "Choose how the two answers are compared"),
    ],
)
def test_question_validation_names_the_field(world, fields, field, message):
    with pytest.raises(ValidationError) as error:
        _add(world, **fields)
    assert message in " ".join(error.value.message_dict[field])


def test_partner_must_be_the_other_side_with_the_same_kind(world):
    found = questions(world)
    with pytest.raises(ValidationError, match="pair it with a question for mentors"):
        _add(
            world,
            kind="skills",
            choices=[],
            partner_id=found["skills_wanted"].pk,
            comparison="overlap",
        )
    with pytest.raises(ValidationError, match="same kind of answer"):
        _add(world, partner_id=found["skills_offered"].pk, comparison="overlap")


def test_deleting_a_question_unpairs_its_partner(world):
    found = questions(world)
    services.question_delete(
        actor_membership=world.alpha_owner_membership, question=found["skills_offered"]
    )
    after = questions(world)
    assert "skills_offered" not in after
    assert (after["skills_wanted"].partner_id, after["skills_wanted"].comparison) == (None, "")


def test_moving_questions_swaps_neighbours(world):
    found = questions(world)
    services.question_move(
        actor_membership=world.alpha_owner_membership, question=found["experience"], direction="up"
    )
    order = list(questions(world))
    assert order[:2] == ["experience", "goals"]
    services.question_move(
        actor_membership=world.alpha_owner_membership, question=found["experience"], direction="up"
    )
    assert list(questions(world))[:2] == ["experience", "goals"]  # already first: nothing moves


def test_skill_list_is_cleaned(world):
    program = services.program_skills_update(
        actor_membership=world.alpha_owner_membership,
        program=world.alpha_program,
        skills=["  Public   speaking ", "public speaking", "", "Rust"],
    )
    assert program.skills == ["Public speaking", "Rust"]
    with pytest.raises(ValidationError, match="too long"):
        services.program_skills_update(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            skills=["x" * 61],
        )


def test_participants_cannot_edit_questions(world):
    with pytest.raises(PermissionDenied):
        services.question_create(
            actor_membership=world.alpha_member_membership,
            program=world.alpha_program,
            values=QuestionSettings(label="Q", audience="both", kind="text"),
        )
