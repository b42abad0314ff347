"""Self-select: a mentee browses suggested mentors and asks one; the mentor accepts or declines.

Capacity holds under concurrency: accepting locks the mentor's enrolment row first, then the
mentee's, and counts the open mentorships inside that lock, so two accepts at the same moment
are serialised and the second sees the place taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.engine.solvers import suggest_mentors
from matching.models import MentorExclusion, MentorshipRequest, MentorshipRequestStatus
from matching.services.pool import load_pool, matching_settings_for
from matching.services.runs import explanation_parts
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import (
    MATCHABLE_COHORT_STATES,
    SELF_SELECT_MODES,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    Mentorship,
    MentorshipOrigin,
)
from programs.services.mentorships import (
    NewMentorship,
    mentor_places,
    mentorships_start,
    open_mentee_counts,
)

MAX_PENDING_REQUESTS = 3
MESSAGE_MAX_LENGTH = 2000


@dataclass
class Suggestion:
    mentor: Enrolment
    score: float
    parts: list[dict]
    places_left: int
    requested: bool
    # Both profiles as the pool read them, for showing them side by side.
    mentee_answers: dict
    mentor_answers: dict


def _require_own_mentee_enrolment(actor: Membership, enrolment: Enrolment) -> None:
    if enrolment.organization_id != actor.organization_id or enrolment.user_id != actor.user_id:
        raise PermissionDenied("This is not your place in the cohort.")
    if enrolment.role != EnrolmentRole.MENTEE:
        raise ValidationError("Only mentees choose a mentor.")


def self_select_problem(enrolment: Enrolment) -> str | None:
    """Why this mentee cannot choose a mentor now, in words; None when they can."""
    cohort = enrolment.cohort
    if cohort.program.matching_mode not in SELF_SELECT_MODES:
        return "In this program, the program managers match mentees with mentors."
    if cohort.status not in MATCHABLE_COHORT_STATES:
        return "You can choose a mentor once the cohort is open for matching."
    if enrolment.state == EnrolmentState.MATCHED:
        return "You already have a mentor in this cohort."
    if enrolment.state != EnrolmentState.PROFILE_COMPLETE:
        return "Complete your profile first: suggestions are based on it."
    return None


def suggestions_for(*, actor: Membership, enrolment: Enrolment) -> list[Suggestion]:
    """The mentee's best mentors with explanations; mentors without a free place, and mentors
    excluded by a rule, are left out."""
    _require_own_mentee_enrolment(actor, enrolment)
    if problem := self_select_problem(enrolment):
        raise ValidationError(problem)
    pool = load_pool(enrolment.cohort, mentee_ids=[enrolment.pk])
    model = pool.model
    row = model.mentee_index[enrolment.pk]
    cols = suggest_mentors(
        model.scores[row], model.feasible[row], model.capacity, pool.settings.suggestions_shown
    )
    with organization_scope(enrolment.organization):
        pending = set(
            MentorshipRequest.objects.filter(
                mentee=enrolment, status=MentorshipRequestStatus.PENDING
            ).values_list("mentor_id", flat=True)
        )
    parts = explanation_parts(model, [row] * len(cols), cols)
    return [
        Suggestion(
            mentor=pool.mentors[col],
            score=float(model.scores[row, col]),
            parts=explanation,
            places_left=int(model.capacity[col]),
            requested=pool.mentors[col].pk in pending,
            mentee_answers=dict(model.mentees[row].answers),
            mentor_answers=dict(model.mentors[col].answers),
        )
        for col, explanation in zip(cols, parts, strict=True)
    ]


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    if not message:
        raise ValidationError(
            {"message": "Write a few words: why this mentor, and what you hope to work on."}
        )
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"message": f"Keep it under {MESSAGE_MAX_LENGTH} characters."})
    return message


@transaction.atomic
def mentorship_request_send(
    *, actor: Membership, enrolment: Enrolment, mentor_id: int, message: str
) -> MentorshipRequest:
    """Ask a mentor of the same cohort. The pair must pass every hard rule and the mentor must
    have a free place; a mentee has at most a few requests waiting at once."""
    _require_own_mentee_enrolment(actor, enrolment)
    message = _clean_message(message)
    if problem := self_select_problem(enrolment):
        raise ValidationError(problem)
    pool = load_pool(enrolment.cohort, mentee_ids=[enrolment.pk])
    model = pool.model
    col = model.mentor_index.get(_as_int(mentor_id))
    if col is None:
        raise ValidationError({"mentor": "Choose one of the cohort's mentors."})
    row = model.mentee_index[enrolment.pk]
    broken = model.broken_rules(row, col)
    if broken:
        raise ValidationError(
            {
                "mentor": f"You cannot ask {model.mentors[col].name}: "
                f"{model.rule_label(broken[0]).lower()}."
            }
        )
    with organization_scope(enrolment.organization):
        waiting = MentorshipRequest.objects.filter(
            mentee=enrolment, status=MentorshipRequestStatus.PENDING
        )
        if waiting.filter(mentor_id=pool.mentors[col].pk).exists():
            raise ValidationError(
                {"mentor": "You have already asked this mentor; wait for the answer."}
            )
        if waiting.count() >= MAX_PENDING_REQUESTS:
            raise ValidationError(
                f"You have {MAX_PENDING_REQUESTS} requests waiting; withdraw one or wait for "
                "an answer before asking someone else."
            )
        settings = matching_settings_for(enrolment.cohort.program)
        try:
            with transaction.atomic():
                request = MentorshipRequest.objects.create(
                    organization=enrolment.organization,
                    cohort=enrolment.cohort,
                    mentee=enrolment,
                    mentor=pool.mentors[col],
                    message=message,
                    score=float(model.scores[row, col]),
                    explanation=explanation_parts(model, [row], [col])[0],
                    expires_at=timezone.now() + timedelta(days=settings.request_expiry_days),
                )
        except IntegrityError:
            raise ValidationError(
                {"mentor": "You have already asked this mentor; wait for the answer."}
            ) from None
    _notify(request)
    return request


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _notify(request: MentorshipRequest) -> None:
    transaction.on_commit(lambda: _send_later(request.organization_id, request.pk, request.status))


def _locked_request(actor: Membership, request_id: int) -> MentorshipRequest:
    with organization_scope(actor.organization):
        try:
            return (
                MentorshipRequest.objects.select_for_update(of=("self",))
                .select_related("mentor", "mentee", "cohort__program")
                .get(pk=request_id)
            )
        except (MentorshipRequest.DoesNotExist, ValueError, TypeError):
            raise ValidationError("No such request.") from None


def _require_pending(request: MentorshipRequest, now: datetime) -> None:
    if request.status == MentorshipRequestStatus.PENDING and request.expires_at <= now:
        raise ValidationError("This request has expired; the mentee can ask again.")
    if request.status != MentorshipRequestStatus.PENDING:
        raise ValidationError(f"This request is already {request.get_status_display().lower()}.")


def mentorship_request_accept(*, actor: Membership, request_id: int) -> Mentorship:
    """The mentor says yes: the mentorship starts if they still have a free place and the
    mentee has not been matched meanwhile. The mentee's other requests are withdrawn; a mentor
    who is now full declines the rest of theirs."""
    now = timezone.now()
    with transaction.atomic(), organization_scope(actor.organization):
        seen = (
            MentorshipRequest.objects.filter(pk=_as_int(request_id))
            .select_related("mentor")
            .first()
        )
        if seen is None:
            raise ValidationError("No such request.")
        if seen.mentor.user_id != actor.user_id:
            raise PermissionDenied("Only the mentor asked can answer this request.")
        # Lock order, everywhere: the mentor's enrolment, the mentee's, then requests. Accepts
        # of one mentor queue on the first lock; accepts for one mentee on the second.
        mentor = (
            Enrolment.objects.select_for_update()
            .select_related("cohort__program")
            .get(pk=seen.mentor_id)
        )
        mentee = Enrolment.objects.select_for_update().get(pk=seen.mentee_id)
        request = _locked_request(actor, seen.pk)
        _require_pending(request, now)
        return _accept_locked(request, mentor, mentee, now)


def _accept_locked(
    request: MentorshipRequest, mentor: Enrolment, mentee: Enrolment, now: datetime
) -> Mentorship:
    with organization_scope(request.organization):
        places = mentor_places(mentor) - open_mentee_counts(mentor.cohort, [mentor.pk]).get(
            mentor.pk, 0
        )
        if places <= 0:
            raise ValidationError(
                "You have no free place left. End or complete a mentorship first, or decline."
            )
        if mentee.state != EnrolmentState.PROFILE_COMPLETE:
            raise ValidationError(
                f"{mentee.full_name or mentee.email} is no longer looking for a mentor."
            )
        (mentorship,) = mentorships_start(
            cohort=mentor.cohort,
            new=[
                NewMentorship(
                    mentor=mentor,
                    mentees=[mentee],
                    score=request.score,
                    explanation=request.explanation,
                )
            ],
            origin=MentorshipOrigin.REQUEST,
        )
        request.status = MentorshipRequestStatus.ACCEPTED
        request.responded_at = now
        request.mentorship = mentorship
        request.save(update_fields=["status", "responded_at", "mentorship"])
        MentorshipRequest.objects.filter(
            mentee=mentee, status=MentorshipRequestStatus.PENDING
        ).update(
            status=MentorshipRequestStatus.WITHDRAWN,
            response="Matched with another mentor.",
            responded_at=now,
        )
        if places == 1:
            full = MentorshipRequest.objects.filter(
                mentor=mentor, status=MentorshipRequestStatus.PENDING
            )
            declined = list(full.values_list("pk", flat=True))
            full.update(
                status=MentorshipRequestStatus.DECLINED,
                response="The mentor has no free place left.",
                responded_at=now,
            )
            for request_id in declined:
                transaction.on_commit(
                    lambda request_id=request_id: _send_later(
                        request.organization_id, request_id, MentorshipRequestStatus.DECLINED
                    )
                )
    return mentorship


def _send_later(organization_id: int, request_id: int, status: str) -> None:
    from matching.tasks import send_request_email

    send_request_email.delay(organization_id, request_id, status)


@transaction.atomic
def mentorship_request_decline(
    *, actor: Membership, request_id: int, reason: str = ""
) -> MentorshipRequest:
    """The mentor says no, optionally with a reason the mentee reads."""
    request = _locked_request(actor, request_id)
    if request.mentor.user_id != actor.user_id:
        raise PermissionDenied("Only the mentor asked can answer this request.")
    reason = (reason or "").strip()
    if len(reason) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep it under {MESSAGE_MAX_LENGTH} characters."})
    _require_pending(request, timezone.now())
    request.status = MentorshipRequestStatus.DECLINED
    request.response = reason
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "response", "responded_at"])
    _notify(request)
    return request


@transaction.atomic
def mentorship_request_withdraw(*, actor: Membership, request_id: int) -> MentorshipRequest:
    request = _locked_request(actor, request_id)
    if request.mentee.user_id != actor.user_id:
        raise PermissionDenied("Only the mentee who asked can withdraw this request.")
    _require_pending(request, timezone.now())
    request.status = MentorshipRequestStatus.WITHDRAWN
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request


def mentorship_requests_expire(*, now: datetime | None = None) -> int:
    """Expire every request past its date, in every organisation (a periodic task)."""
    now = now or timezone.now()
    expired_ids = list(
        MentorshipRequest.all_organizations.filter(
            status=MentorshipRequestStatus.PENDING, expires_at__lte=now
        ).values_list("organization_id", "pk")
    )
    if not expired_ids:
        return 0
    MentorshipRequest.all_organizations.filter(
        pk__in=[pk for _, pk in expired_ids], status=MentorshipRequestStatus.PENDING
    ).update(status=MentorshipRequestStatus.EXPIRED, responded_at=now)
    for organization_id, pk in expired_ids:
        _send_later(organization_id, pk, MentorshipRequestStatus.EXPIRED)
    return len(expired_ids)


@transaction.atomic
def mentor_exclusion_set(
    *, actor: Membership, enrolment: Enrolment, mentor_id: int, excluded: bool
) -> None:
    """A mentee's "not this person": the mentor is never suggested or proposed to them."""
    _require_own_mentee_enrolment(actor, enrolment)
    with organization_scope(enrolment.organization):
        mentor = Enrolment.objects.filter(
            cohort=enrolment.cohort, role=EnrolmentRole.MENTOR, pk=_as_int(mentor_id)
        ).first()
        if mentor is None:
            raise ValidationError({"mentor": "Choose one of the cohort's mentors."})
        if excluded:
            MentorExclusion.objects.get_or_create(
                mentee=enrolment, mentor=mentor, defaults={"organization": enrolment.organization}
            )
        else:
            MentorExclusion.objects.filter(mentee=enrolment, mentor=mentor).delete()
