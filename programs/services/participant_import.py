"""Importing participants from a checked CSV: all rows, or none."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.ratelimit import invitations_take
from organizations.models import MEMBER_MANAGER_ROLES, Invitation, Membership, Role
from organizations.scope import organization_scope
from organizations.tasks import enqueue_invitation_emails
from programs.imports import ImportRow, RowError
from programs.models import (
    Cohort,
    Enrolment,
    EnrolmentState,
)
from programs.services.common import require_program_manager

# Profiles can change until matching starts; after that the matches rest on them.
from programs.services.enrolments import OPEN_FOR_ENROLMENT


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
    place waits as "invited". More invitations than the pace limits allow (mentorship.ratelimit)
    refuse the whole import. Queries are bounded by chunks of rows, not by rows.
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
        # Every invitation the file sends, or none: the whole import is refused beyond the pace
        # limits, and this transaction undoes what was closed above.
        invitations_take(
            organization_id=organization.pk,
            user_id=actor_membership.user_id,
            count=len(new_invitations),
        )
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
