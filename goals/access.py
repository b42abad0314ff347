"""Who reads what of a mentorship's goals and check-ins.

The pair (its mentor and mentees) reads and writes everything except the notes others wrote to
the program managers. The program's managers (and owners and admins) read numbers: progress,
dates, statuses, counts and ratings, plus the words of the goals a mentee chose to share and the
notes written to them. Anyone else: 404, as for a mentorship that does not exist.
"""

from __future__ import annotations

import enum

from django.core.exceptions import PermissionDenied

from organizations.models import Membership
from programs.access import can_manage_program
from programs.models import Enrolment, Mentorship


class Viewer(enum.Enum):
    PAIR = "pair"
    MANAGER = "manager"


def pair_enrolment(membership: Membership, mentorship: Mentorship) -> Enrolment | None:
    """The member's enrolment in the pair (mentor or mentee), or None. Reads the mentorship's
    members as the selectors prefetched them."""
    if mentorship.mentor.user_id == membership.user_id:
        return mentorship.mentor
    for member in mentorship.members.all():
        if member.mentee.user_id == membership.user_id:
            return member.mentee
    return None


def viewer_of(membership: Membership, mentorship: Mentorship) -> Viewer | None:
    if pair_enrolment(membership, mentorship) is not None:
        return Viewer.PAIR
    if can_manage_program(membership, mentorship.cohort.program):
        return Viewer.MANAGER
    return None


def require_pair(membership: Membership, mentorship: Mentorship) -> Enrolment:
    enrolment = pair_enrolment(membership, mentorship)
    if enrolment is None:
        raise PermissionDenied("Only the mentor and mentee of this mentorship can do this.")
    return enrolment
