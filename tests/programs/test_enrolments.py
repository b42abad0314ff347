from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations.scope import organization_scope
from programs import selectors, services
from programs.models import Cohort, CohortStatus, EnrolmentState, ProfileAnswer, ProfileQuestion

MENTEE_ANSWERS = {
    "goals": "Lead my team with confidence.",
    "skills_wanted": ["Leadership", "Public speaking"],
    "function": "Engineering",
    "experience_years": "2 to 5 years",
    "department": "Payments",
    "languages": ["English"],
    "timezone": "Europe/Berlin",
    "availability": [[0, 540, 600]],
}


@pytest.fixture
def enrolling_cohort(world):
    return services.cohort_transition(
        actor_membership=world.alpha_owner_membership,
        cohort=world.alpha_cohort,
        to_status=CohortStatus.ENROLLING,
        today=date(2027, 1, 5),
    )


def _enrol(world, cohort, role="mentee"):
    return services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership,
        cohort=cohort,
        member=world.alpha_member_membership,
        role=role,
    )


def test_a_complete_profile_moves_the_enrolment_on(world, enrolling_cohort):
    enrolment = _enrol(world, enrolling_cohort)
    assert enrolment.state == EnrolmentState.APPROVED
    saved = services.enrolment_save_profile(
        user=world.alpha_member, enrolment=enrolment, answers=MENTEE_ANSWERS
    )
    assert saved.state == EnrolmentState.PROFILE_COMPLETE
    with organization_scope(world.alpha):
        stored = {
            a.question_key: a.value for a in ProfileAnswer.objects.filter(enrolment=enrolment)
        }
    assert stored["skills_wanted"] == ["Leadership", "Public speaking"]
    assert "skills_offered" not in stored  # a mentor question
    counts = selectors.cohort_enrolment_counts(enrolling_cohort)
    assert counts["mentee"] == {"profile_complete": 1}


def test_one_bad_answer_stores_nothing_and_names_every_problem(world, enrolling_cohort):
    enrolment = _enrol(world, enrolling_cohort)
    answers = {**MENTEE_ANSWERS, "function": "Astronaut", "goals": ""}
    with pytest.raises(ValidationError) as error:
        services.enrolment_save_profile(
            user=world.alpha_member, enrolment=enrolment, answers=answers
        )
    assert set(error.value.message_dict) == {"function", "goals"}
    with organization_scope(world.alpha):
        assert not ProfileAnswer.objects.filter(enrolment=enrolment).exists()


def test_answers_survive_question_edits_and_removal(world, enrolling_cohort):
    enrolment = _enrol(world, enrolling_cohort)
    services.enrolment_save_profile(
        user=world.alpha_member, enrolment=enrolment, answers=MENTEE_ANSWERS
    )
    with organization_scope(world.alpha):
        question = ProfileQuestion.objects.get(program=world.alpha_program, key="function")
    services.question_delete(actor_membership=world.alpha_owner_membership, question=question)
    with organization_scope(world.alpha):
        answer = ProfileAnswer.objects.get(enrolment=enrolment, question_key="function")
    assert (answer.question_id, answer.question_label, answer.value) == (
        None,
        question.label,
        "Engineering",
    )


def test_only_the_participant_fills_their_profile_and_only_until_matching(world, enrolling_cohort):
    enrolment = _enrol(world, enrolling_cohort)
    with pytest.raises(PermissionDenied):
        services.enrolment_save_profile(
            user=world.alpha_owner, enrolment=enrolment, answers=MENTEE_ANSWERS
        )
    services.cohort_transition(
        actor_membership=world.alpha_owner_membership,
        cohort=enrolling_cohort,
        to_status="matching",
        force=True,
    )
    with organization_scope(world.alpha):
        enrolment.cohort = Cohort.objects.get(pk=enrolling_cohort.pk)
    with pytest.raises(ValidationError, match="profiles are locked"):
        services.enrolment_save_profile(
            user=world.alpha_member, enrolment=enrolment, answers=MENTEE_ANSWERS
        )


def test_enrolment_rules(world, enrolling_cohort):
    _enrol(world, enrolling_cohort)
    with pytest.raises(ValidationError, match="already enrolled"):
        _enrol(world, enrolling_cohort, role="mentor")
    with pytest.raises(ValidationError, match="Only mentors have a capacity"):
        services.enrolment_add_member(
            actor_membership=world.alpha_owner_membership,
            cohort=enrolling_cohort,
            member=world.membership(world.alpha, world.alpha_admin),
            role="mentee",
            mentor_capacity=3,
        )
    with pytest.raises(PermissionDenied):
        services.enrolment_add_member(
            actor_membership=world.alpha_owner_membership,
            cohort=enrolling_cohort,
            member=world.membership(world.bravo, world.bravo_owner),
            role="mentor",
        )


def test_withdrawing_keeps_the_answers(world, enrolling_cohort):
    enrolment = _enrol(world, enrolling_cohort)
    services.enrolment_save_profile(
        user=world.alpha_member, enrolment=enrolment, answers=MENTEE_ANSWERS
    )
    withdrawn = services.enrolment_withdraw(
        actor=world.alpha_member_membership, enrolment=enrolment
    )
    assert withdrawn.state == EnrolmentState.WITHDRAWN
    with organization_scope(world.alpha):
        assert ProfileAnswer.objects.filter(enrolment=enrolment).count() == len(MENTEE_ANSWERS)
    with pytest.raises(ValidationError, match="withdrew"):
        services.enrolment_save_profile(
            user=world.alpha_member, enrolment=enrolment, answers=MENTEE_ANSWERS
        )
