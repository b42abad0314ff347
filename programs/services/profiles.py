"""Writes of participants' profile answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organizations.scope import organization_scope
from programs.answers import AnswerError, clean_answer
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    ProfileAnswer,
    ProfileQuestion,
    QuestionAudience,
)

# Profiles can change until matching starts; after that the matches rest on them.
from programs.services.enrolments import PROFILE_EDITABLE_COHORT_STATES


def questions_for(enrolment: Enrolment) -> list[ProfileQuestion]:
    """The questions this person answers: their side's and both sides'."""
    with organization_scope(enrolment.organization):
        return list(
            ProfileQuestion.objects.filter(
                program_id=enrolment.cohort.program_id,
                audience__in=[enrolment.role, QuestionAudience.BOTH],
            ).order_by("position", "pk")
        )


@transaction.atomic
def enrolment_save_profile(
    *, user: User, enrolment: Enrolment, answers: dict[str, Any], mentor_capacity: int | None = None
) -> Enrolment:
    """Save a participant's profile answers, all or nothing, keyed by question key.

    Every answer is checked first; one invalid answer stores none and the error names each
    question that needs attention. Answering every required question completes the profile.
    """
    if enrolment.user_id != user.pk:
        raise PermissionDenied("Only the person enrolled fills in this profile.")
    if enrolment.state == EnrolmentState.WITHDRAWN:
        raise ValidationError(
            "You withdrew from this cohort; ask the program manager to re-enrol you."
        )
    cohort = enrolment.cohort
    if cohort.status not in PROFILE_EDITABLE_COHORT_STATES:
        raise ValidationError(
            "Matching has started, so profiles are locked. Ask the program manager for changes."
        )
    questions = questions_for(enrolment)
    skills = cohort.program.skills
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        try:
            cleaned[question.key] = clean_answer(question, answers.get(question.key), skills=skills)
        except AnswerError as error:
            errors[question.key] = str(error)
    if mentor_capacity is not None and (
        enrolment.role != EnrolmentRole.MENTOR or not 1 <= mentor_capacity <= 50
    ):
        errors["mentor_capacity"] = "Mentors take on between 1 and 50 mentees."
    if errors:
        raise ValidationError(errors)
    with organization_scope(enrolment.organization):
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if mentor_capacity is not None and mentor_capacity != enrolment.mentor_capacity:
            enrolment.mentor_capacity = mentor_capacity
            enrolment.save(update_fields=["mentor_capacity"])
        existing = {a.question_key: a for a in ProfileAnswer.objects.filter(enrolment=enrolment)}
        to_create, to_update, to_delete = [], [], []
        for question in questions:
            value = cleaned[question.key]
            answer = existing.get(question.key)
            if value is None:
                if answer is not None:
                    to_delete.append(answer.pk)
                continue
            if answer is None:
                to_create.append(
                    ProfileAnswer(
                        organization=enrolment.organization,
                        enrolment=enrolment,
                        question=question,
                        question_key=question.key,
                        question_label=question.label,
                        question_kind=question.kind,
                        value=value,
                    )
                )
            else:
                answer.question, answer.question_label, answer.question_kind = (
                    question,
                    question.label,
                    question.kind,
                )
                answer.value = value
                answer.updated_at = timezone.now()  # bulk_update does not touch auto_now fields
                to_update.append(answer)
        ProfileAnswer.objects.bulk_create(to_create)
        ProfileAnswer.objects.bulk_update(
            to_update, ["question", "question_label", "question_kind", "value", "updated_at"]
        )
        ProfileAnswer.objects.filter(pk__in=to_delete).delete()
        # The department a participant gives is the one the participant table filters by.
        if cleaned.get("department") and cleaned["department"] != enrolment.department:
            enrolment.department = cleaned["department"][:120]
            enrolment.save(update_fields=["department"])
        if enrolment.state == EnrolmentState.APPROVED:
            enrolment.state = EnrolmentState.PROFILE_COMPLETE
            enrolment.state_changed_at = enrolment.profile_completed_at = timezone.now()
            enrolment.save(update_fields=["state", "state_changed_at", "profile_completed_at"])
    return enrolment
