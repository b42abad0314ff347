"""Who may see and run which program. One answer for "missing" and "not yours": 404."""

from __future__ import annotations

from organizations.models import MEMBER_MANAGER_ROLES, Membership, Role
from organizations.scope import organization_scope
from programs.models import Program, ProgramManager

PROGRAM_CREATOR_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.PROGRAM_MANAGER})
SEES_ALL_PROGRAMS_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.REPORT_VIEWER})


def can_create_programs(membership: Membership) -> bool:
    return membership.role in PROGRAM_CREATOR_ROLES


def can_manage_program(membership: Membership, program: Program) -> bool:
    """Owners and admins run every program; a program manager runs the ones assigned to them."""
    if membership.role in MEMBER_MANAGER_ROLES:
        return True
    if membership.role == Role.PROGRAM_MANAGER:
        with organization_scope(membership.organization):
            return ProgramManager.objects.filter(
                program=program, user_id=membership.user_id
            ).exists()
    return False


def can_assign_program_managers(membership: Membership) -> bool:
    return membership.role in MEMBER_MANAGER_ROLES
