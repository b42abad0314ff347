"""When a survey opens for a mentorship: pure date rules, shared by the pages, the API, the
services and the notification scan.

Mid-point: from the day halfway between the start and the planned end. Closing: from
CLOSING_DAYS_BEFORE_END days before the planned end, or from the day the mentorship was
completed if that came first. A mentorship that ended early is not surveyed.
"""

from __future__ import annotations

import datetime

from programs.models import MentorshipStatus
from surveys.models import SurveyMoment

CLOSING_DAYS_BEFORE_END = 14
# Mentorships in these states can answer a survey whose moment came.
SURVEYED_STATES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED)


def opens_on(
    moment: str,
    *,
    started_on: datetime.date,
    ends_on: datetime.date,
    status: str = MentorshipStatus.ACTIVE,
    ended_on: datetime.date | None = None,
) -> datetime.date:
    """The first day the survey of `moment` can be answered for this mentorship."""
    if moment == SurveyMoment.MID_POINT:
        return started_on + datetime.timedelta(days=max(0, (ends_on - started_on).days) // 2)
    opens = ends_on - datetime.timedelta(days=CLOSING_DAYS_BEFORE_END)
    if status == MentorshipStatus.COMPLETED and ended_on is not None:
        return min(opens, ended_on)
    return opens


def is_open(
    moment: str,
    *,
    started_on: datetime.date,
    ends_on: datetime.date,
    status: str,
    ended_on: datetime.date | None,
    today: datetime.date,
) -> bool:
    """Whether the people of this mentorship may answer the survey of `moment` today."""
    if status not in SURVEYED_STATES:
        return False
    if status == MentorshipStatus.COMPLETED and moment == SurveyMoment.CLOSING:
        return True
    dates = {"started_on": started_on, "ends_on": ends_on, "status": status, "ended_on": ended_on}
    return opens_on(moment, **dates) <= today


def is_open_for(moment: str, mentorship, today: datetime.date) -> bool:
    """is_open() for a Mentorship row."""
    return is_open(
        moment,
        started_on=mentorship.started_on,
        ends_on=mentorship.ends_on,
        status=mentorship.status,
        ended_on=mentorship.ended_on,
        today=today,
    )


def moment_label(moment: str) -> str:
    """When the survey is sent, in words for the program's managers."""
    if moment == SurveyMoment.MID_POINT:
        return "Sent halfway between the start and the planned end of each mentorship."
    return (
        f"Sent {CLOSING_DAYS_BEFORE_END} days before each mentorship's planned end, or when it "
        "is marked completed."
    )
