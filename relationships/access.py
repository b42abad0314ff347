"""Who follows a program's pairs: its managers (who also open each mentorship's page) and the
organisation's report viewers (health, progress and reasons only, never a pair's words)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from organizations.models import Membership, Role
from programs.access import can_manage_program
from programs.models import Program


def can_open_mentorships(membership: Membership, program: Program) -> bool:
    return can_manage_program(membership, program)


def require_follows_pairs(membership: Membership, program: Program) -> None:
    if membership.role != Role.REPORT_VIEWER and not can_manage_program(membership, program):
        raise PermissionDenied("Only the program's managers and report viewers follow its pairs.")
