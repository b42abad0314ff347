"""Erasing a person's account, at their request."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accounts.models import User
from matching.models import MentorshipRequest, MentorshipRequestStatus
from matching.services import mentorship_request_decline, mentorship_request_withdraw
from notifications.models import Notification
from organizations.audit import AuditAction, AuditEvent, audit_record
from organizations.models import Invitation, Membership, Role
from organizations.realtime import sockets_close_everywhere
from organizations.scope import organization_scope
from programs.models import (
    OPEN_MENTORSHIP_STATES,
    Enrolment,
    EnrolmentState,
    Mentorship,
    MentorshipEndReason,
    MentorshipMentee,
    ProfileAnswer,
)
from programs.services.mentorships import mentorship_end_early
from reports.models import AuditEntry

# What the other people of an ended mentorship read as the reason, and how the former member is
# named on the rows that stay (their enrolments, so the partner's pages read sensibly).
ERASURE_REASON = "Account closed."
ERASED_NAME = "Former member"
MENTOR_GONE = "The mentor has closed their account."

# Links to the person that stay: the audit logs are append-only and keep who did what (with the
# label written at the time), which is why the account row stays as an anonymous stub.
KEPT_LINKS = frozenset({(AuditEvent, "actor"), (AuditEntry, "user")})


@dataclass(frozen=True)
class ErasureResult:
    organizations: int
    mentorships_ended: int
    groups_left: int
    requests_closed: int
    enrolments_withdrawn: int


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@invalid"


@transaction.atomic
def user_erase(*, user: User) -> ErasureResult:
    """Erase a person's account and personal data, in one transaction.

    Refused (ValidationError, nothing changed) while they are the last owner of an organisation
    that has other members: they hand ownership over first.

    In each organisation: their open mentorships end as `mentorship_end_early` ends them (reason
    "Account closed.", so the partner is not left waiting; in a group they are one of several
    mentees of, they leave the group and it goes on); their pending requests are withdrawn (or,
    sent to them, declined); their enrolments are withdrawn and their profile answers deleted,
    the enrolments keeping only the name "Former member"; one entry goes to the audit log.

    Then every row that refers to the account is treated as deleting the account would treat
    it, by each foreign key's on_delete (tests/privacy/test_privacy.py checks every one):
    CASCADE rows go (memberships, API tokens, notifications and their preferences, calendar
    feeds, private notes, check-ins, email addresses, MFA authenticators...), SET_NULL links
    are cut (their messages stay, with their body, so the partner's history reads on, shown
    from "A former member"; survey answers stay in the totals, their link to the person gone).
    Health snapshots and survey totals are untouched.

    The account row itself is not deleted but made anonymous: email `erased-<id>@invalid`, no
    name, an unusable password, inactive. Deleting it would have to update the audit logs'
    links to it, and the organisation's audit log refuses every update (append-only, enforced by
    a PostgreSQL trigger); the row left behind holds nothing about the person. Every session of
    the account stops authenticating (its password hash changed and it is inactive), and its
    open sockets close when the transaction commits.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    memberships = list(
        Membership.all_organizations.filter(user=user).select_related("organization")
    )
    _refuse_if_last_owner(user, memberships)
    earlier_reasons = set(
        MentorshipEndReason.all_organizations.filter(user=user).values_list("pk", flat=True)
    )
    ended = left = closed = withdrawn = 0
    for membership in memberships:
        organization = membership.organization
        with organization_scope(organization):
            org_ended, org_left = _leave_mentorships(membership)
            org_closed = _close_requests(membership)
            org_withdrawn = _close_enrolments(user)
            _forget_address(user)
            audit_record(
                organization=organization,
                actor=user,
                action=AuditAction.ACCOUNT_ERASED,
                details={
                    "mentorships_ended": org_ended,
                    "groups_left": org_left,
                    "requests_closed": org_closed,
                    "enrolments_withdrawn": org_withdrawn,
                },
            )
        ended, left = ended + org_ended, left + org_left
        closed, withdrawn = closed + org_closed, withdrawn + org_withdrawn
    # While the memberships still say where: every socket of theirs closes on commit.
    sockets_close_everywhere(user_id=user.pk)
    _detach(user, earlier_reasons)
    _anonymise(user)
    return ErasureResult(
        organizations=len(memberships),
        mentorships_ended=ended,
        groups_left=left,
        requests_closed=closed,
        enrolments_withdrawn=withdrawn,
    )


def _refuse_if_last_owner(user: User, memberships: list[Membership]) -> None:
    owned = [m.organization for m in memberships if m.role == Role.OWNER]
    if not owned:
        return
    # Locked, so two owners erasing at once cannot both leave the other as the last owner.
    others = list(
        Membership.all_organizations.select_for_update()
        .filter(organization__in=owned)
        .exclude(user=user)
        .values_list("organization_id", "role")
    )
    stranded = [
        organization.name
        for organization in owned
        if any(org_id == organization.pk for org_id, _ in others)
        and not any(org_id == organization.pk and role == Role.OWNER for org_id, role in others)
    ]
    if stranded:
        names = ", ".join(f"“{name}”" for name in stranded)
        raise ValidationError(
            f"You are the last owner of {names}, which has other members. Make one of them an "
            "owner first (on the organisation's Members page), then erase your account."
        )


def _leave_mentorships(membership: Membership) -> tuple[int, int]:
    """End their open mentorships; returns (ended, groups left)."""
    user_id = membership.user_id
    as_mentee = MentorshipMentee.objects.filter(mentee__user_id=user_id).values("mentorship_id")
    ended = left = 0
    for mentorship in (
        Mentorship.objects.filter(
            Q(mentor__user_id=user_id) | Q(pk__in=as_mentee), status__in=OPEN_MENTORSHIP_STATES
        )
        .select_related("mentor")
        .prefetch_related("members__mentee")
        .order_by("pk")
    ):
        other_mentees = [m for m in mentorship.members.all() if m.mentee.user_id != user_id]
        if mentorship.mentor.user_id != user_id and other_mentees:
            MentorshipMentee.objects.filter(mentorship=mentorship, mentee__user_id=user_id).delete()
            left += 1
        else:
            mentorship_end_early(actor=membership, mentorship=mentorship, reason=ERASURE_REASON)
            ended += 1
    return ended, left


def _close_requests(membership: Membership) -> int:
    """Withdraw the requests they sent and decline those sent to them, so no mentee waits for
    an answer that cannot come. Requests past their date are left to expire as usual."""
    user_id = membership.user_id
    pending = MentorshipRequest.objects.filter(
        Q(mentee__user_id=user_id) | Q(mentor__user_id=user_id),
        status=MentorshipRequestStatus.PENDING,
        expires_at__gt=timezone.now(),
    ).select_related("mentee")
    closed = 0
    for request in pending:
        if request.mentee.user_id == user_id:
            mentorship_request_withdraw(actor=membership, request_id=request.pk)
        else:
            mentorship_request_decline(actor=membership, request_id=request.pk, reason=MENTOR_GONE)
        closed += 1
    return closed


def _close_enrolments(user: User) -> int:
    """Withdraw their enrolments and delete their profile answers. The rows stay (their
    mentorships, goals and meetings hang on them) under the name "Former member" with an
    address nobody has, so no invitation or sign-up ever claims them again.

    Not through `enrolment_withdraw`: it refuses matched people until their mentorship ends,
    and a mentorship that completed keeps its people matched; theirs are over either way."""
    enrolments = Enrolment.objects.filter(user=user)
    ProfileAnswer.objects.filter(enrolment__in=enrolments).delete()
    withdrawn = enrolments.exclude(state=EnrolmentState.WITHDRAWN).update(
        state=EnrolmentState.WITHDRAWN, state_changed_at=timezone.now()
    )
    enrolments.update(
        full_name=ERASED_NAME,
        email=Concat(
            models.Value(f"erased-{user.pk}-"),
            Cast("pk", models.CharField()),
            models.Value("@invalid"),
        ),
        department="",
        manager_email="",
    )
    return withdrawn


def _forget_address(user: User) -> None:
    """Their address on the organisation's other rows: the invitations they accepted, the
    enrolments that name them as someone's line manager, and what they were emailed before they
    had an account."""
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    Invitation.objects.filter(accepted_by=user).update(email=erased_email(user.pk))
    named_manager, emailed = Q(), Q()
    for address in addresses:
        named_manager |= Q(manager_email__iexact=address)
        emailed |= Q(email__iexact=address)
    Enrolment.objects.filter(named_manager).update(manager_email="")
    Notification.objects.filter(emailed, user__isnull=True).delete()


def _detach(user: User, earlier_reasons: set[int]) -> None:
    """Apply every foreign key's on_delete to the rows that refer to the account, except the
    audit logs' links (KEPT_LINKS) and the reasons written just now ("Account closed."), which
    the people of those mentorships read. A link with any other on_delete stops the erasure:
    whoever adds one decides here what erasing does to it."""
    for relation in _links_to_users():
        model, name = relation.related_model, relation.field.name
        if (model, name) in KEPT_LINKS:
            continue
        rows = model._base_manager.filter(**{name: user})
        if model is MentorshipEndReason:
            rows = rows.filter(pk__in=earlier_reasons)
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            rows.delete()
        elif on_delete is models.SET_NULL:
            rows.update(**{name: None})
        else:
            raise ImproperlyConfigured(
                f"{model.__name__}.{name} refers to users with {on_delete.__name__}: decide in "
                "privacy.erasure what erasing an account does to it."
            )


def _links_to_users() -> list[models.ForeignObjectRel]:
    """Every foreign key (and one-to-one) to the user model, those without a reverse accessor
    (related_name="+") included."""
    return [
        field
        for field in User._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]


def _anonymise(user: User) -> None:
    user.email = erased_email(user.pk)
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.timezone = "UTC"
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
