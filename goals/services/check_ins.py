"""Check-ins: each side of a pair reflects on the program's cadence.

Period n of a mentorship runs up to its due date, the match date + n x cadence. A person's next
check-in is due at the end of the period after the last one they wrote; once that date has
passed it is overdue, until they write it. Writing late catches up: the check-in counts for the
current period, not for every one missed. One check-in per person per period; the next one opens
once the current period is answered.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from goals.access import require_pair
from goals.models import CheckIn, CheckInSettings, PairSide
from goals.services.program import program_goal_settings
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Mentorship


@dataclass(frozen=True)
class CheckInDue:
    period: int
    due_on: datetime.date
    # Days past the due date (0 when not overdue).
    overdue_days: int

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def current_period(started_on: datetime.date, cadence_days: int, today: datetime.date) -> int:
    """The period `today` falls in (1 from the match date until the first due date)."""
    return max(1, math.ceil((today - started_on).days / cadence_days))


def check_in_due(
    *, started_on: datetime.date, cadence_days: int, last_period: int | None,
    today: datetime.date,
) -> CheckInDue:  # fmt: skip
    """When a person's next check-in is due, given the last period they answered."""
    period = (last_period or 0) + 1
    due_on = started_on + datetime.timedelta(days=period * cadence_days)
    return CheckInDue(period=period, due_on=due_on, overdue_days=max(0, (today - due_on).days))


@dataclass(frozen=True)
class CheckInAnswers:
    progress: str
    rating: Any
    blockers: str = ""
    next_steps: str = ""
    note_to_manager: str = ""


def _clean(answers: CheckInAnswers) -> dict:
    errors: dict[str, str] = {}
    texts = {}
    for name in ("progress", "blockers", "next_steps", "note_to_manager"):
        value = getattr(answers, name)
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > 2000:
            errors[name] = "At most 2,000 characters."
        texts[name] = value
    if not texts["progress"]:
        errors["progress"] = "Say what moved forward since last time (a sentence is enough)."
    try:
        rating = int(answers.rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        errors["rating"] = "Rate the relationship from 1 (poorly) to 5 (very well)."
    if errors:
        raise ValidationError(errors)
    return {**texts, "rating": rating}


@transaction.atomic
def check_in_submit(
    *, actor: Membership, mentorship: Mentorship, answers: CheckInAnswers
) -> CheckIn:
    """Write the actor's check-in for the current period (or the next one, once the current one
    is answered). Not on a mentorship that has ended, nor twice ahead."""
    enrolment = require_pair(actor, mentorship)
    if not mentorship.is_open:
        raise ValidationError("This mentorship has ended: no more check-ins.")
    fields = _clean(answers)
    settings: CheckInSettings = program_goal_settings(mentorship.cohort.program)
    cadence = settings.cadence_days
    today = timezone.localdate()
    side = PairSide.MENTOR if enrolment.pk == mentorship.mentor_id else PairSide.MENTEE
    with organization_scope(actor.organization):
        last = (
            CheckIn.objects.filter(mentorship=mentorship, author=actor.user)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
        now_period = current_period(mentorship.started_on, cadence, today)
        period = max((last or 0) + 1, now_period)
        if period > now_period + 1:
            opens = mentorship.started_on + datetime.timedelta(days=(period - 1) * cadence)
            raise ValidationError(
                f"You have already checked in for this period; the next check-in opens on "
                f"{opens:%-d %B %Y}."
            )
        try:
            with transaction.atomic():
                return CheckIn.objects.create(
                    organization=actor.organization,
                    mentorship=mentorship,
                    author=actor.user,
                    side=side,
                    period=period,
                    due_on=mentorship.started_on + datetime.timedelta(days=period * cadence),
                    **fields,
                )
        except IntegrityError:  # the same check-in sent twice at once
            raise ValidationError("This check-in was already sent.") from None
