"""Writes of mentorships and their agreements: start, pause, end, agree how to work together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from organizations.models import Membership
from organizations.realtime import sockets_refresh_access
from organizations.scope import organization_scope
from programs.access import can_manage_program
from programs.events import agreement_confirmed, mentorships_started
from programs.models import (
    AGREEMENT_CONTENT_FIELDS,
    DEFAULT_CONFIDENTIALITY,
    OPEN_MENTORSHIP_STATES,
    Agreement,
    AgreementConfirmation,
    AgreementRevision,
    Cohort,
    ContactChannel,
    Enrolment,
    EnrolmentState,
    MeetingCadence,
    Mentorship,
    MentorshipEndReason,
    MentorshipMentee,
    MentorshipStatus,
    ProgramFormat,
    ResponseTime,
)

REASON_MAX_LENGTH = 2000


@dataclass
class NewMentorship:
    """A mentor and the mentees to start working with, as a matching decided."""

    mentor: Enrolment
    mentees: list[Enrolment]
    score: float | None = None
    explanation: list = field(default_factory=list)


def mentor_places(mentor: Enrolment) -> int:
    return mentor.mentor_capacity or mentor.cohort.program.default_mentor_capacity


def open_mentee_counts(cohort: Cohort, mentor_ids: Sequence[int]) -> dict[int, int]:
    """Mentor enrolment id -> mentees in their active or paused mentorships, in one query."""
    with organization_scope(cohort.organization):
        rows = (
            MentorshipMentee.objects.filter(
                mentorship__mentor_id__in=list(mentor_ids),
                mentorship__status__in=OPEN_MENTORSHIP_STATES,
            )
            .order_by()
            .values_list("mentorship__mentor_id")
            .annotate(count=Count("id"))
        )
        return dict(rows)


def _agreement_defaults(cohort: Cohort) -> dict:
    program = cohort.program
    return {
        "channels": [ContactChannel.CHAT, ContactChannel.VIDEO],
        "meeting_cadence": program.meeting_cadence,
        "response_time": ResponseTime.TWO_DAYS,
        "confidentiality": program.confidentiality_text or DEFAULT_CONFIDENTIALITY,
    }


def mentorships_start(
    *, cohort: Cohort, new: Sequence[NewMentorship], origin: str
) -> list[Mentorship]:
    """Create the mentorships with their draft agreements and mark everyone matched; returns
    the mentorship each item landed in, in order.

    The caller has locked the enrolments and checked places and rules; this runs inside its
    transaction. In a group program a mentor's new mentees join their open group, if any.
    """
    today = timezone.localdate()
    landed: list[Mentorship] = []
    with organization_scope(cohort.organization):
        group_program = cohort.program.format == ProgramFormat.GROUP
        open_groups: dict[int, Mentorship] = {}
        if group_program:
            for mentorship in Mentorship.objects.filter(
                cohort=cohort,
                mentor_id__in=[item.mentor.pk for item in new],
                status__in=OPEN_MENTORSHIP_STATES,
            ):
                open_groups.setdefault(mentorship.mentor_id, mentorship)
        members = []
        for item in new:
            mentorship = open_groups.get(item.mentor.pk) if group_program else None
            if mentorship is None:
                mentorship = Mentorship.objects.create(
                    organization=cohort.organization,
                    cohort=cohort,
                    mentor=item.mentor,
                    origin=origin,
                    match_score=item.score,
                    match_explanation=item.explanation,
                    started_on=today,
                    ends_on=max(cohort.ends_on, today),
                )
                Agreement.objects.create(
                    organization=cohort.organization,
                    mentorship=mentorship,
                    **_agreement_defaults(cohort),
                )
                if group_program:
                    open_groups[item.mentor.pk] = mentorship
            landed.append(mentorship)
            members.extend(
                MentorshipMentee(
                    organization=cohort.organization, mentorship=mentorship, mentee=mentee
                )
                for mentee in item.mentees
            )
        MentorshipMentee.objects.bulk_create(members)
        matched_ids = [m.pk for item in new for m in item.mentees] + [i.mentor.pk for i in new]
        Enrolment.objects.filter(pk__in=matched_ids).update(
            state=EnrolmentState.MATCHED, state_changed_at=timezone.now()
        )
    mentorships_started(cohort.organization_id, sorted({m.pk for m in landed}))
    # Their open chat sockets pick up the new private conversations.
    sockets_refresh_access(
        organization_id=cohort.organization_id,
        user_ids=[e.user_id for item in new for e in (item.mentor, *item.mentees) if e.user_id],
    )
    return landed


def _participant_role(mentorship: Mentorship, user_id: int) -> str | None:
    if mentorship.mentor.user_id == user_id:
        return "mentor"
    with organization_scope(mentorship.organization):
        if MentorshipMentee.objects.filter(mentorship=mentorship, mentee__user_id=user_id).exists():
            return "mentee"
    return None


def _require_participant(actor: Membership, mentorship: Mentorship) -> str:
    if mentorship.organization_id != actor.organization_id:
        raise PermissionDenied("This mentorship belongs to another organisation.")
    role = _participant_role(mentorship, actor.user_id)
    if role is None:
        raise PermissionDenied("Only the mentor and mentee of this mentorship can do this.")
    return role


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say in a sentence or two why it is ending."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep it under {REASON_MAX_LENGTH} characters."})
    return reason


@transaction.atomic
def mentorship_end_early(*, actor: Membership, mentorship: Mentorship, reason: str) -> Mentorship:
    """End an open mentorship before its time. The person ending it gives a reason, the others
    are asked for theirs; the mentees go back into the pool to be matched again and the mentor's
    place frees up. The pair will not be proposed to each other again."""
    reason = _clean_reason(reason)
    role = _require_participant_or_manager(actor, mentorship)
    with organization_scope(mentorship.organization):
        mentorship = (
            Mentorship.objects.select_for_update().select_related("mentor").get(pk=mentorship.pk)
        )
        if not mentorship.is_open:
            raise ValidationError("This mentorship has already ended.")
        mentorship.status = MentorshipStatus.ENDED_EARLY
        mentorship.ended_on = timezone.localdate()
        mentorship.ended_by_id = actor.user_id
        mentorship.status_changed_at = timezone.now()
        mentorship.save(update_fields=["status", "ended_on", "ended_by", "status_changed_at"])
        MentorshipEndReason.objects.create(
            organization=mentorship.organization,
            mentorship=mentorship,
            user_id=actor.user_id,
            role=role,
            reason=reason,
        )
        _release(mentorship)
        _refresh_sockets(mentorship)
    return mentorship


def _refresh_sockets(mentorship: Mentorship) -> None:
    """The pair's open chat sockets learn at once whether their conversation still takes new
    messages."""
    mentee_user_ids = mentorship.members.values_list("mentee__user_id", flat=True)
    sockets_refresh_access(
        organization_id=mentorship.organization_id,
        user_ids=[u for u in (mentorship.mentor.user_id, *mentee_user_ids) if u],
    )


def _release(mentorship: Mentorship) -> None:
    """Mentees of an ended mentorship are back in the pool; a mentor with no open mentorship
    left is available again too."""
    mentee_ids = list(mentorship.members.values_list("mentee_id", flat=True))
    Enrolment.objects.filter(pk__in=mentee_ids, state=EnrolmentState.MATCHED).update(
        state=EnrolmentState.PROFILE_COMPLETE, state_changed_at=timezone.now()
    )
    still_open = Mentorship.objects.filter(
        mentor_id=mentorship.mentor_id, status__in=OPEN_MENTORSHIP_STATES
    ).exists()
    if not still_open:
        Enrolment.objects.filter(pk=mentorship.mentor_id, state=EnrolmentState.MATCHED).update(
            state=EnrolmentState.PROFILE_COMPLETE, state_changed_at=timezone.now()
        )


def _require_participant_or_manager(actor: Membership, mentorship: Mentorship) -> str:
    if mentorship.organization_id != actor.organization_id:
        raise PermissionDenied("This mentorship belongs to another organisation.")
    role = _participant_role(mentorship, actor.user_id)
    if role is not None:
        return role
    if can_manage_program(actor, mentorship.cohort.program):
        return "program_manager"
    raise PermissionDenied("Only the pair and the program's managers can do this.")


@transaction.atomic
def mentorship_add_end_reason(
    *, actor: Membership, mentorship: Mentorship, reason: str
) -> MentorshipEndReason:
    """The other side's reason for an early end, asked for after someone ended it."""
    reason = _clean_reason(reason)
    role = _require_participant(actor, mentorship)
    if mentorship.status != MentorshipStatus.ENDED_EARLY:
        raise ValidationError("Reasons are asked for when a mentorship ends early.")
    with organization_scope(mentorship.organization):
        end_reason, _ = MentorshipEndReason.objects.update_or_create(
            mentorship=mentorship,
            user_id=actor.user_id,
            defaults={"organization": mentorship.organization, "role": role, "reason": reason},
        )
    return end_reason


_STATUS_MOVES = {
    MentorshipStatus.PAUSED: {MentorshipStatus.ACTIVE},
    MentorshipStatus.ACTIVE: {MentorshipStatus.PAUSED},
    MentorshipStatus.COMPLETED: {MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED},
}


@transaction.atomic
def mentorship_set_status(*, actor: Membership, mentorship: Mentorship, status: str) -> Mentorship:
    """Pause, resume or complete a mentorship (ending early has its own service)."""
    _require_participant_or_manager(actor, mentorship)
    with organization_scope(mentorship.organization):
        mentorship = (
            Mentorship.objects.select_for_update().select_related("mentor").get(pk=mentorship.pk)
        )
        allowed_from = _STATUS_MOVES.get(status)
        if allowed_from is None or mentorship.status not in allowed_from:
            current = mentorship.get_status_display().lower()
            raise ValidationError(
                {"status": f"A mentorship that is {current} cannot be set to “{status}”."}
            )
        mentorship.status = status
        mentorship.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if status == MentorshipStatus.COMPLETED:
            mentorship.ended_on = timezone.localdate()
            fields.append("ended_on")
        mentorship.save(update_fields=fields)
        _refresh_sockets(mentorship)
    return mentorship


def _agreement_content(agreement: Agreement) -> dict:
    return {name: getattr(agreement, name) for name in AGREEMENT_CONTENT_FIELDS}


def _clean_agreement(data: dict) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict = {}
    channels = data.get("channels")
    if channels is not None:
        if not isinstance(channels, list | tuple) or not channels:
            errors["channels"] = "Choose at least one way to keep in touch."
        elif unknown := [c for c in channels if c not in ContactChannel.values]:
            errors["channels"] = f"Unknown way to keep in touch: {', '.join(map(str, unknown))}."
        else:
            cleaned["channels"] = list(dict.fromkeys(channels))
    for name, options in (("meeting_cadence", MeetingCadence), ("response_time", ResponseTime)):
        if name in data:
            if data[name] not in options.values:
                errors[name] = "Choose one of the options."
            else:
                cleaned[name] = data[name]
    for name in ("goals_scope", "off_limits", "confidentiality"):
        if name in data:
            text = (data[name] or "").strip()
            limit = 4000 if name == "confidentiality" else 2000
            if len(text) > limit:
                errors[name] = f"Keep it under {limit} characters ({len(text)} now)."
            elif name == "confidentiality" and not text:
                errors[name] = "Say what stays between you."
            else:
                cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def agreement_update(*, actor: Membership, mentorship: Mentorship, data: dict) -> Agreement:
    """Change how the pair works together. The previous version is kept, the version goes up
    and everyone confirms again; the person who wrote the change confirms it by writing it."""
    _require_participant(actor, mentorship)
    cleaned = _clean_agreement(data)
    with organization_scope(mentorship.organization):
        agreement = Agreement.objects.select_for_update().get(mentorship=mentorship)
        # Read the status under the lock: the page may have been open since it ended.
        if not Mentorship.objects.get(pk=mentorship.pk).is_open:
            raise ValidationError("The mentorship has ended; its agreement is kept as it was.")
        if all(getattr(agreement, name) == value for name, value in cleaned.items()):
            return agreement
        AgreementRevision.objects.create(
            organization=mentorship.organization,
            agreement=agreement,
            version=agreement.version,
            content=_agreement_content(agreement),
            written_by=agreement.updated_by,
        )
        for name, value in cleaned.items():
            setattr(agreement, name, value)
        agreement.version += 1
        agreement.updated_by_id = actor.user_id
        agreement.save()
        AgreementConfirmation.objects.create(
            organization=mentorship.organization,
            agreement=agreement,
            version=agreement.version,
            user_id=actor.user_id,
        )
    return agreement


@transaction.atomic
def agreement_confirm(*, actor: Membership, mentorship: Mentorship, version: int) -> Agreement:
    """Confirm the agreement as it stands. `version` is the one the person read: confirming an
    older text than the current one is refused, so nobody agrees to words they did not see."""
    _require_participant(actor, mentorship)
    with organization_scope(mentorship.organization):
        agreement = Agreement.objects.select_for_update().get(mentorship=mentorship)
        if version != agreement.version:
            raise ValidationError(
                {"version": "The agreement changed since you opened it; read it again first."}
            )
        _, created = AgreementConfirmation.objects.get_or_create(
            agreement=agreement,
            version=agreement.version,
            user_id=actor.user_id,
            defaults={"organization": mentorship.organization},
        )
        members = [mentorship.mentor.user_id, *mentorship.members.values_list(
            "mentee__user_id", flat=True
        )]  # fmt: skip
        if created and agreement_is_confirmed(agreement, members):
            agreement_confirmed(mentorship.organization_id, mentorship.pk, timezone.localdate())
    return agreement


def agreement_confirmed_by(agreement: Agreement) -> set[int]:
    with organization_scope(agreement.organization):
        return set(
            AgreementConfirmation.objects.filter(
                agreement=agreement, version=agreement.version
            ).values_list("user_id", flat=True)
        )


def everyone_confirmed(member_user_ids: Sequence[int], confirmed_by: set[int]) -> bool:
    """Whether everyone in the mentorship confirmed the current version."""
    return bool(member_user_ids) and set(member_user_ids) <= confirmed_by


def agreement_is_confirmed(agreement: Agreement, member_user_ids: Sequence[int]) -> bool:
    return everyone_confirmed(member_user_ids, agreement_confirmed_by(agreement))
