"""Actions on many participants at once, from the participant table."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mentorship.ratelimit import invitations_take
from organizations.models import Invitation, Membership, Role
from organizations.realtime import sockets_refresh_access
from organizations.scope import organization_scope
from organizations.tasks import enqueue_invitation_emails
from programs.models import (
    Cohort,
    Enrolment,
    EnrolmentState,
)
from programs.services.common import BulkResult, require_program_manager

# Profiles can change until matching starts; after that the matches rest on them.


RESEND_INTERVAL_HOURS = 24


@transaction.atomic
def enrolments_resend_invitations(
    *, actor_membership: Membership, cohort: Cohort, enrolment_ids: list[int]
) -> BulkResult:
    """Send the invitation again to the chosen people who have not joined yet.

    Someone reminded in the last day is skipped, so a double click or an eager admin never floods
    a person's inbox; an expired invitation is replaced by a fresh one. More emails than the
    pace limits of invitations allow (mentorship.ratelimit) are refused as a whole.
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
        # All of them or none: more than the pace limits allow is refused as a whole.
        invitations_take(
            organization_id=organization.pk, user_id=actor_membership.user_id, count=len(emails)
        )
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
        user_ids = [u for u in removable.values_list("user_id", flat=True) if u]
        done = removable.update(state=EnrolmentState.WITHDRAWN, state_changed_at=timezone.now())
    sockets_refresh_access(organization_id=cohort.organization_id, user_ids=user_ids)
    return BulkResult(done=done, skipped=len(enrolment_ids) - done)
