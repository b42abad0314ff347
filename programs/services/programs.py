"""Writes of programs and their managers. Each is one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from organizations.audit import AuditAction, audit_record
from organizations.models import Membership, Organization, Role
from organizations.realtime import sockets_refresh_access
from organizations.scope import organization_scope
from programs.access import can_assign_program_managers, can_create_programs
from programs.models import (
    Cohort,
    CohortStatus,
    MatchingMode,
    MeetingCadence,
    Program,
    ProgramFormat,
    ProgramManager,
    ProgramStatus,
)
from programs.program_templates import PROGRAM_TEMPLATES
from programs.services.common import (
    NAME_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    require_program_manager,
    require_same_organization,
)
from programs.services.questions import questions_install_standard


@dataclass(frozen=True)
class ProgramSettings:
    name: str
    purpose: str
    description: str = ""
    format: str = ProgramFormat.ONE_TO_ONE
    matching_mode: str = MatchingMode.ADMIN_LED
    default_mentor_capacity: int = 1
    relationship_length_weeks: int = 26
    meeting_cadence: str = MeetingCadence.FORTNIGHTLY
    confidentiality_text: str = ""


CONFIDENTIALITY_MAX_LENGTH = 4000


def _clean_program_settings(
    organization: Organization, values: ProgramSettings, program: Program | None
) -> dict:
    errors: dict[str, str] = {}
    name, purpose = values.name.strip(), values.purpose.strip()
    if not name:
        errors["name"] = "Give the program a name."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Keep the name under {NAME_MAX_LENGTH} characters."
    elif (
        Program.objects.filter(name__iexact=name)
        .exclude(pk=program.pk if program else None)
        .exists()
    ):
        errors["name"] = f"{organization.name} already has a program called “{name}”."
    if len(purpose) > PURPOSE_MAX_LENGTH:
        errors["purpose"] = (
            f"Keep the purpose to one sentence (at most {PURPOSE_MAX_LENGTH} characters)."
        )
    if not purpose:
        errors["purpose"] = (
            "Say in one sentence what the program is for; participants read it first."
        )
    if values.format not in ProgramFormat.values:
        errors["format"] = "Choose one-to-one or group."
    if values.matching_mode not in MatchingMode.values:
        errors["matching_mode"] = "Choose how people are matched."
    if values.meeting_cadence not in MeetingCadence.values:
        errors["meeting_cadence"] = "Choose how often pairs should meet."
    if not 1 <= values.default_mentor_capacity <= 50:
        errors["default_mentor_capacity"] = "A mentor takes between 1 and 50 mentees."
    if not 1 <= values.relationship_length_weeks <= 156:
        errors["relationship_length_weeks"] = "A relationship lasts between 1 and 156 weeks."
    confidentiality = (values.confidentiality_text or "").strip()
    if len(confidentiality) > CONFIDENTIALITY_MAX_LENGTH:
        errors["confidentiality_text"] = (
            f"Keep it under {CONFIDENTIALITY_MAX_LENGTH} characters ({len(confidentiality)} now)."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "confidentiality_text": confidentiality,
        "name": name,
        "purpose": purpose,
        "description": values.description.strip(),
        "format": values.format,
        "matching_mode": values.matching_mode,
        "default_mentor_capacity": values.default_mentor_capacity,
        "relationship_length_weeks": values.relationship_length_weeks,
        "meeting_cadence": values.meeting_cadence,
    }


@transaction.atomic
def program_create(
    *, actor_membership: Membership, values: ProgramSettings, template: str = ""
) -> Program:
    """Create a draft program. A program manager who creates one becomes its manager."""
    if not can_create_programs(actor_membership):
        raise PermissionDenied("Only owners, admins and program managers create programs.")
    if template and template not in PROGRAM_TEMPLATES:
        raise ValidationError({"template": f"“{template}” is not a program template."})
    organization = actor_membership.organization
    with organization_scope(organization):
        fields = _clean_program_settings(organization, values, None)
        try:
            with transaction.atomic():
                program = Program.objects.create(
                    organization=organization,
                    template=template,
                    created_by=actor_membership.user,
                    **fields,
                )
        except IntegrityError:  # the same name, created a moment ago by someone else
            raise ValidationError(
                {"name": f"{organization.name} already has a program called “{fields['name']}”."}
            ) from None
        questions_install_standard(program)
        if actor_membership.role == Role.PROGRAM_MANAGER:
            ProgramManager.objects.create(
                organization=organization, program=program, user=actor_membership.user
            )
    return program


@transaction.atomic
def program_update(
    *, actor_membership: Membership, program: Program, values: ProgramSettings
) -> Program:
    require_program_manager(actor_membership, program)
    with organization_scope(program.organization):
        fields = _clean_program_settings(program.organization, values, program)
        for name, value in fields.items():
            setattr(program, name, value)
        program.save()
    return program


@transaction.atomic
def program_set_status(*, actor_membership: Membership, program: Program, status: str) -> Program:
    """Activate, archive or return a program to draft. Archiving or returning to draft is
    refused while a cohort is under way (enrolling, matching or active)."""
    require_program_manager(actor_membership, program)
    if status not in ProgramStatus.values:
        raise ValidationError({"status": f"“{status}” is not a program status."})
    with organization_scope(program.organization):
        if status in (ProgramStatus.ARCHIVED, ProgramStatus.DRAFT):
            running = Cohort.objects.filter(program=program).exclude(
                status__in=[CohortStatus.DRAFT, CohortStatus.COMPLETED]
            )
            if running.exists():
                names = ", ".join(running.values_list("name", flat=True))
                action = "archiving" if status == ProgramStatus.ARCHIVED else "returning to draft"
                raise ValidationError(
                    {"status": f"Complete these cohorts before {action}: {names}."}
                )
        archiving = status == ProgramStatus.ARCHIVED and program.status != ProgramStatus.ARCHIVED
        program.status = status
        program.save(update_fields=["status", "updated_at"])
    if archiving:
        audit_record(
            organization=program.organization,
            actor=actor_membership.user,
            action=AuditAction.PROGRAM_ARCHIVED,
            target_label=program.name,
            details={"program_id": program.pk},
        )
    return program


@transaction.atomic
def program_manager_assign(
    *, actor_membership: Membership, program: Program, user_id: int
) -> ProgramManager:
    """Owners and admins assign members with the program manager role to a program."""
    require_same_organization(actor_membership, program)
    if not can_assign_program_managers(actor_membership):
        raise PermissionDenied("Only owners and admins assign program managers.")
    with organization_scope(program.organization):
        member = Membership.objects.select_related("user").filter(user_id=user_id).first()
        if member is None:
            raise ValidationError({"user_id": "Choose a member of this organisation."})
        if member.role != Role.PROGRAM_MANAGER:
            raise ValidationError(
                {
                    "user_id": f"{member.user} is {member.get_role_display().lower()}; give them the "
                    "program manager role first (owners and admins already run every program)."
                }
            )
        try:
            with transaction.atomic():
                assignment = ProgramManager.objects.create(
                    organization=program.organization, program=program, user=member.user
                )
            sockets_refresh_access(organization_id=program.organization_id, user_ids=[user_id])
            return assignment
        except IntegrityError:
            raise ValidationError(
                {"user_id": f"{member.user} already manages {program}."}
            ) from None


@transaction.atomic
def program_manager_unassign(
    *, actor_membership: Membership, program: Program, user_id: int
) -> None:
    require_same_organization(actor_membership, program)
    if not can_assign_program_managers(actor_membership):
        raise PermissionDenied("Only owners and admins assign program managers.")
    with organization_scope(program.organization):
        ProgramManager.objects.filter(program=program, user_id=user_id).delete()
    sockets_refresh_access(organization_id=program.organization_id, user_ids=[user_id])
