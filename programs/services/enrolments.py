"""Writes of enrolments (a person's place in a cohort) and their profile answers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.models import User
from organizations.models import MEMBER_MANAGER_ROLES, Invitation, Membership, Role
from organizations.scope import organization_scope
from organizations.services import invitation_ensure_for_participant, membership_join_by_link
from organizations.tasks import enqueue_invitation_emails
from programs.answers import AnswerError, clean_answer
from programs.imports import ImportRow, RowError
from programs.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    ProfileAnswer,
    ProfileQuestion,
    QuestionAudience,
)
from programs.services.common import require_program_manager

# Profiles can change until matching starts; after that the matches rest on them.
PROFILE_EDITABLE_COHORT_STATES = frozenset({CohortStatus.DRAFT, CohortStatus.ENROLLING})
OPEN_FOR_ENROLMENT = frozenset({CohortStatus.DRAFT, CohortStatus.ENROLLING})


@transaction.atomic
def enrolment_add_member(
    *,
    actor_membership: Membership,
    cohort: Cohort,
    member: Membership,
    role: str,
    mentor_capacity: int | None = None,
    department: str = "",
) -> Enrolment:
    """Enrol an existing member of the organisation directly (approved, profile to fill)."""
    require_program_manager(actor_membership, cohort.program)
    if member.organization_id != cohort.organization_id:
        raise PermissionDenied("That person is not a member of this organisation.")
    if role not in EnrolmentRole.values:
        raise ValidationError({"role": "Choose mentor or mentee."})
    if cohort.status not in OPEN_FOR_ENROLMENT:
        raise ValidationError(
            f"{cohort.name} is {cohort.get_status_display().lower()}; enrolment is closed."
        )
    if mentor_capacity is not None and (
        role != EnrolmentRole.MENTOR or not 1 <= mentor_capacity <= 50
    ):
        raise ValidationError(
            {"mentor_capacity": "Only mentors have a capacity, from 1 to 50 mentees."}
        )
    with organization_scope(cohort.organization):
        try:
            with transaction.atomic():
                return Enrolment.objects.create(
                    organization=cohort.organization,
                    cohort=cohort,
                    email=member.user.email,
                    full_name=member.user.full_name,
                    user=member.user,
                    role=role,
                    state=EnrolmentState.APPROVED,
                    mentor_capacity=mentor_capacity,
                    department=department.strip()[:120],
                    invited_by=actor_membership.user,
                )
        except IntegrityError:
            raise ValidationError(
                {"email": f"{member.user} is already enrolled in {cohort.name}."}
            ) from None


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


@transaction.atomic
def enrolment_withdraw(*, actor: Membership, enrolment: Enrolment) -> Enrolment:
    """The participant leaves the cohort (or a program manager removes them). Answers are kept,
    so re-enrolling restores the profile."""
    is_self = enrolment.user_id == actor.user_id
    if not is_self:
        require_program_manager(actor, enrolment.cohort.program)
    if enrolment.state == EnrolmentState.MATCHED:
        raise ValidationError(
            "You are matched already; talk to your program manager to end the mentorship."
        )
    with organization_scope(enrolment.organization):
        enrolment.state = EnrolmentState.WITHDRAWN
        enrolment.state_changed_at = timezone.now()
        enrolment.save(update_fields=["state", "state_changed_at"])
    return enrolment


@transaction.atomic
def enrolment_invite(
    *,
    actor_membership: Membership,
    cohort: Cohort,
    email: str,
    full_name: str,
    role: str,
    department: str = "",
    mentor_capacity: int | None = None,
) -> Enrolment:
    """Invite someone to the cohort by email.

    A member of the organisation is enrolled straight away. Anyone else gets the organisation's
    invitation email; their enrolment waits as "invited" and is theirs once they join.
    """
    require_program_manager(actor_membership, cohort.program)
    email = email.strip().lower()
    with organization_scope(cohort.organization):
        member = (
            Membership.objects.select_related("organization", "user")
            .filter(user__email__iexact=email)
            .first()
        )
    if member is not None:
        return enrolment_add_member(
            actor_membership=actor_membership,
            cohort=cohort,
            member=member,
            role=role,
            mentor_capacity=mentor_capacity,
            department=department,
        )
    if role not in EnrolmentRole.values:
        raise ValidationError({"role": "Choose mentor or mentee."})
    if cohort.status not in OPEN_FOR_ENROLMENT:
        raise ValidationError(
            f"{cohort.name} is {cohort.get_status_display().lower()}; enrolment is closed."
        )
    if mentor_capacity is not None and (
        role != EnrolmentRole.MENTOR or not 1 <= mentor_capacity <= 50
    ):
        raise ValidationError(
            {"mentor_capacity": "Only mentors have a capacity, from 1 to 50 mentees."}
        )
    invitation_ensure_for_participant(actor_membership=actor_membership, email=email)
    with organization_scope(cohort.organization):
        try:
            with transaction.atomic():
                return Enrolment.objects.create(
                    organization=cohort.organization,
                    cohort=cohort,
                    email=email,
                    full_name=full_name.strip()[:150],
                    role=role,
                    state=EnrolmentState.INVITED,
                    mentor_capacity=mentor_capacity,
                    department=department.strip()[:120],
                    invited_by=actor_membership.user,
                    invitation_sent_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(
                {"email": f"{email} is already invited to {cohort.name}."}
            ) from None


def enrolments_claim_for_new_member(membership: Membership) -> None:
    """Someone joined the organisation: the cohorts they were invited to are now theirs."""
    user = membership.user
    with organization_scope(membership.organization):
        Enrolment.objects.filter(
            email__iexact=user.email, user__isnull=True, state=EnrolmentState.INVITED
        ).update(
            user=user,
            full_name=user.full_name,
            state=EnrolmentState.APPROVED,
            state_changed_at=timezone.now(),
        )


@dataclass(frozen=True)
class ImportResult:
    enrolled_members: int
    invited: int


class ImportRejectedError(ValidationError):
    """Some rows cannot be imported; nothing was. `row_errors` names each problem by line."""

    def __init__(self, row_errors: list[RowError]) -> None:
        super().__init__(
            f"{len(row_errors)} problem{'s' if len(row_errors) != 1 else ''} in the file; nothing was imported."
        )
        self.row_errors = row_errors


IMPORT_CHUNK = 1000


def _chunks(items: list, size: int = IMPORT_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def enrolment_import(
    *, actor_membership: Membership, cohort: Cohort, rows: list[ImportRow]
) -> ImportResult:
    """Import checked CSV rows into the cohort: all of them, or (on any problem) none.

    Members are enrolled straight away; everyone else is invited to the organisation and their
    place waits as "invited". Queries are bounded by chunks of rows, not by rows.
    """
    require_program_manager(actor_membership, cohort.program)
    if actor_membership.role not in (*MEMBER_MANAGER_ROLES, Role.PROGRAM_MANAGER):
        raise PermissionDenied("Only owners, admins and program managers invite participants.")
    if cohort.status not in OPEN_FOR_ENROLMENT:
        raise ValidationError(
            f"{cohort.name} is {cohort.get_status_display().lower()}; enrolment is closed."
        )
    organization = cohort.organization
    emails = [row.email for row in rows]
    with organization_scope(organization):
        enrolled: set[str] = set()
        members: dict[str, Membership] = {}
        open_invitations: set[str] = set()
        now = timezone.now()
        for chunk in _chunks(emails):
            # An expired invitation still holds the address's one open slot: close it.
            Invitation.objects.filter(
                email__in=chunk,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__lte=now,
            ).update(revoked_at=now)
            enrolled.update(
                e.lower()
                for e in Enrolment.objects.filter(cohort=cohort, email__in=chunk).values_list(
                    "email", flat=True
                )
            )
            for member in Membership.objects.filter(user__email__in=chunk).select_related("user"):
                members[member.user.email.lower()] = member
            open_invitations.update(
                Invitation.objects.filter(
                    email__in=chunk,
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                    expires_at__gt=timezone.now(),
                ).values_list("email", flat=True)
            )
        problems = [
            RowError(row.line, "email", f"{row.email} is already enrolled in {cohort.name}.")
            for row in rows
            if row.email in enrolled
        ]
        if problems:
            raise ImportRejectedError(problems)
        new_invitations = [
            Invitation(
                organization=organization,
                email=row.email,
                role=Role.MEMBER,
                invited_by=actor_membership.user,
            )
            for row in rows
            if row.email not in members and row.email not in open_invitations
        ]
        created_invitations = Invitation.objects.bulk_create(
            new_invitations, batch_size=IMPORT_CHUNK
        )
        enrolments = []
        for row in rows:
            member = members.get(row.email)
            enrolments.append(
                Enrolment(
                    organization=organization,
                    cohort=cohort,
                    email=row.email,
                    full_name=member.user.full_name if member else row.name,
                    user=member.user if member else None,
                    role=row.role,
                    state=EnrolmentState.APPROVED if member else EnrolmentState.INVITED,
                    department=row.department,
                    manager_email=row.manager_email,
                    invited_by=actor_membership.user,
                    state_changed_at=now,
                    invitation_sent_at=None if member else now,
                )
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=IMPORT_CHUNK)
    members_enrolled = sum(1 for row in rows if row.email in members)
    invitation_ids = [invitation.pk for invitation in created_invitations]
    transaction.on_commit(lambda: enqueue_invitation_emails(organization.pk, invitation_ids))
    return ImportResult(enrolled_members=members_enrolled, invited=len(rows) - members_enrolled)


RESEND_INTERVAL_HOURS = 24


@dataclass(frozen=True)
class BulkResult:
    done: int
    skipped: int


@transaction.atomic
def enrolments_resend_invitations(
    *, actor_membership: Membership, cohort: Cohort, enrolment_ids: list[int]
) -> BulkResult:
    """Send the invitation again to the chosen people who have not joined yet.

    Someone reminded in the last day is skipped, so a double click or an eager admin never floods
    a person's inbox; an expired invitation is replaced by a fresh one.
    """
    require_program_manager(actor_membership, cohort.program)
    organization = cohort.organization
    now = timezone.now()
    recent = now - timedelta(hours=RESEND_INTERVAL_HOURS)
    with organization_scope(organization):
        chosen = list(
            Enrolment.objects.select_for_update().filter(
                cohort=cohort, pk__in=enrolment_ids, state=EnrolmentState.INVITED
            )
        )
        due = [e for e in chosen if e.invitation_sent_at is None or e.invitation_sent_at < recent]
        emails = [e.email for e in due]
        pending = {
            invitation.email: invitation
            for invitation in Invitation.objects.filter(
                email__in=emails,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
        }
        Invitation.objects.filter(
            email__in=emails, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
        ).update(revoked_at=now)
        fresh = Invitation.objects.bulk_create(
            [
                Invitation(
                    organization=organization,
                    email=email,
                    role=Role.MEMBER,
                    invited_by=actor_membership.user,
                )
                for email in emails
                if email not in pending
            ]
        )
        # Release the "sent" claim so the email task sends these again.
        Invitation.objects.filter(pk__in=[i.pk for i in pending.values()]).update(
            email_sent_at=None
        )
        Enrolment.objects.filter(pk__in=[e.pk for e in due]).update(
            invitation_sent_at=now, reminders_sent=F("reminders_sent") + 1
        )
    invitation_ids = [i.pk for i in pending.values()] + [i.pk for i in fresh]
    transaction.on_commit(lambda: enqueue_invitation_emails(organization.pk, invitation_ids))
    return BulkResult(done=len(due), skipped=len(enrolment_ids) - len(due))


@transaction.atomic
def enrolments_remove(
    *, actor_membership: Membership, cohort: Cohort, enrolment_ids: list[int]
) -> BulkResult:
    """Take the chosen people out of the cohort (withdrawn; answers kept). Matched people stay:
    their mentorship has to be ended first."""
    require_program_manager(actor_membership, cohort.program)
    with organization_scope(cohort.organization):
        removable = Enrolment.objects.filter(cohort=cohort, pk__in=enrolment_ids).exclude(
            state__in=[EnrolmentState.MATCHED, EnrolmentState.WITHDRAWN]
        )
        done = removable.update(state=EnrolmentState.WITHDRAWN, state_changed_at=timezone.now())
    return BulkResult(done=done, skipped=len(enrolment_ids) - done)


@transaction.atomic
def cohort_set_applications(
    *,
    actor_membership: Membership,
    cohort: Cohort,
    open_: bool,
    need_approval: bool,
    new_link: bool = False,
) -> Cohort:
    """Open or close the cohort's shareable application link; `new_link` makes the old link stop working."""
    require_program_manager(actor_membership, cohort.program)
    with organization_scope(cohort.organization):
        cohort.applications_open = open_
        cohort.applications_need_approval = need_approval
        fields = ["applications_open", "applications_need_approval"]
        if new_link:
            cohort.application_key = secrets.token_urlsafe(24)
            fields.append("application_key")
        cohort.save(update_fields=fields)
    return cohort


def application_key_matches(cohort: Cohort, key: str) -> bool:
    return constant_time_compare(cohort.application_key, key)


@transaction.atomic
def enrolment_apply(*, user: User, cohort: Cohort, key: str, role: str) -> Enrolment:
    """Apply through the cohort's application link. Someone new joins the organisation as a
    member; the application waits for approval when the cohort asks for it."""
    if not application_key_matches(cohort, key) or not cohort.applications_open:
        raise ValidationError(
            "This application link is closed or has been replaced. Ask the program manager for the current one."
        )
    if cohort.status != CohortStatus.ENROLLING:
        raise ValidationError(
            f"{cohort.name} is not taking applications: it is {cohort.get_status_display().lower()}."
        )
    if role not in EnrolmentRole.values:
        raise ValidationError({"role": "Choose to take part as a mentor or a mentee."})
    member = membership_join_by_link(organization=cohort.organization, user=user)
    state = EnrolmentState.APPLIED if cohort.applications_need_approval else EnrolmentState.APPROVED
    with organization_scope(cohort.organization):
        existing = Enrolment.objects.filter(cohort=cohort, email__iexact=user.email).first()
        if existing is not None:
            if existing.state != EnrolmentState.WITHDRAWN:
                raise ValidationError(
                    f"You are already in {cohort.name} ({existing.get_state_display().lower()})."
                )
            existing.role, existing.state, existing.user = role, state, user
            existing.state_changed_at = timezone.now()
            existing.save(update_fields=["role", "state", "user", "state_changed_at"])
            return existing
        return Enrolment.objects.create(
            organization=cohort.organization,
            cohort=cohort,
            email=user.email,
            full_name=member.user.full_name,
            user=user,
            role=role,
            state=state,
        )


@transaction.atomic
def enrolments_approve(
    *, actor_membership: Membership, cohort: Cohort, enrolment_ids: list[int]
) -> BulkResult:
    require_program_manager(actor_membership, cohort.program)
    with organization_scope(cohort.organization):
        done = Enrolment.objects.filter(
            cohort=cohort, pk__in=enrolment_ids, state=EnrolmentState.APPLIED
        ).update(state=EnrolmentState.APPROVED, state_changed_at=timezone.now())
    return BulkResult(done=done, skipped=len(enrolment_ids) - done)


@transaction.atomic
def enrolment_update_details(
    *,
    actor_membership: Membership,
    enrolment: Enrolment,
    department: str,
    mentor_capacity: int | None,
) -> Enrolment:
    """A program manager corrects a participant's department or a mentor's capacity."""
    require_program_manager(actor_membership, enrolment.cohort.program)
    errors = {}
    if len(department.strip()) > 120:
        errors["department"] = "Departments are at most 120 characters."
    if mentor_capacity is not None and (
        enrolment.role != EnrolmentRole.MENTOR or not 1 <= mentor_capacity <= 50
    ):
        errors["mentor_capacity"] = "Only mentors have a capacity, from 1 to 50 mentees."
    if errors:
        raise ValidationError(errors)
    with organization_scope(enrolment.organization):
        enrolment.department = department.strip()
        enrolment.mentor_capacity = mentor_capacity
        enrolment.save(update_fields=["department", "mentor_capacity"])
    return enrolment
