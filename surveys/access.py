"""Who takes part in a mentorship, and who reads a program's survey results."""

from __future__ import annotations

from organizations.models import Membership, Role
from programs.access import can_manage_program
from programs.models import Enrolment, Mentorship, Program


def pair_enrolment(membership: Membership, mentorship: Mentorship) -> Enrolment | None:
    """The member's enrolment in the pair (mentor or mentee), or None. Reads the mentorship's
    members as the selectors prefetched them."""
    if mentorship.mentor.user_id == membership.user_id:
        return mentorship.mentor
    for member in mentorship.members.all():
        if member.mentee.user_id == membership.user_id:
            return member.mentee
    return None


def reads_results(membership: Membership, program: Program) -> bool:
    """The program's managers (owners and admins run every program) and the organisation's
    report viewers read its survey results."""
    return membership.role == Role.REPORT_VIEWER or can_manage_program(membership, program)


def sees_names(membership: Membership, program: Program) -> bool:
    """Who answered a question that is not anonymous: its managers see the name, report viewers
    only the role."""
    return membership.role != Role.REPORT_VIEWER and can_manage_program(membership, program)
