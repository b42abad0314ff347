"""Writes of enrolments: a person's place in a cohort, from invitation or application to withdrawal."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.models import User
from organizations.models import Membership
from organizations.realtime import sockets_refresh_access
from organizations.scope import organization_scope
from organizations.services import invitation_ensure_for_participant, membership_join_by_link
from programs.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
)
from programs.services.common import BulkResult, require_program_manager

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
    if enrolment.user_id:
        # They leave the cohort's chats now, not at their next reconnect.
        sockets_refresh_access(
            organization_id=enrolment.organization_id, user_ids=[enrolment.user_id]
        )
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
        approvable = Enrolment.objects.filter(
            cohort=cohort, pk__in=enrolment_ids, state=EnrolmentState.APPLIED
        )
        user_ids = [u for u in approvable.values_list("user_id", flat=True) if u]
        done = approvable.update(state=EnrolmentState.APPROVED, state_changed_at=timezone.now())
    # Approved people join the cohort's group chat and announcements.
    sockets_refresh_access(organization_id=cohort.organization_id, user_ids=user_ids)
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
