"""The goals app's routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from organizations.scope import organization_scope
from tests.conftest import CANARY, World
from tests.security.routes import TenantRoute, _bravo_program, _matching, _program


def _goals(world: World) -> dict:
    """Alpha's walk mentorship (owner mentors member) with a goal of the member's carrying
    Alpha's marker, a milestone of it, its relationship milestones, and a program goal template
    and milestone."""
    from goals import services
    from goals.models import Goal, GoalTemplate, ProgramMilestone, RelationshipMilestone
    from programs import selectors as program_selectors

    mentorship_id = _matching(world)["mentorship_id"]
    member = world.alpha_member_membership
    with organization_scope(world.alpha):
        goal = Goal.objects.filter(mentorship_id=mentorship_id).first()
    if goal is None:
        services.relationship_milestones_create(world.alpha.pk, [mentorship_id])
        with organization_scope(world.alpha):
            mentorship = program_selectors.get_mentorship_for(member, mentorship_id)
        goal = services.goal_create(
            actor=member,
            mentorship=mentorship,
            text=services.GoalText(
                title=f"Lead the {CANARY} retrospective",
                measure=f"{CANARY} team rates it 4/5",
                why="",
                target_date=timezone.localdate() + datetime.timedelta(days=40),
            ),
        )
        services.milestone_create(
            actor=member, goal=goal, title=f"Draft the {CANARY} agenda",
            due_on=timezone.localdate() + datetime.timedelta(days=10),
        )  # fmt: skip
        services.goal_template_create(
            actor=world.alpha_owner_membership, program=mentorship.cohort.program,
            title=f"Grow the {CANARY} network",
        )  # fmt: skip
    with organization_scope(world.alpha):
        return {
            "mentorship_id": mentorship_id,
            "goal_id": goal.pk,
            "milestone_id": goal.milestones.first().pk,
            "step_id": RelationshipMilestone.objects.filter(mentorship_id=mentorship_id).first().pk,
            "template_id": GoalTemplate.objects.filter(program=world.alpha_program).first().pk,
            "program_milestone_id": ProgramMilestone.objects.filter(program=world.alpha_program)
            .first()
            .pk,
        }


def _pick(**names: str):
    """The kwargs of one route, renamed from `_goals`' keys to the route's."""

    def kwargs(world: World) -> dict:
        found = _goals(world)
        return {name: found[key] for name, key in names.items()}

    return kwargs


def _program_and(**names: str):
    def kwargs(world: World) -> dict:
        found = _goals(world)
        return {**_program(world), **{name: found[key] for name, key in names.items()}}

    return kwargs


_MENTORSHIP = _pick(mentorship_id="mentorship_id")
_GOAL = _pick(goal_id="goal_id")
_MILESTONE = _pick(milestone_id="milestone_id")
_STEP = _pick(milestone_id="step_id")

GOAL_ROUTES: dict[str, TenantRoute] = {
    "goals:mentorship_goals": TenantRoute(_MENTORSHIP),
    "goals:goal_create": TenantRoute(_MENTORSHIP),
    "goals:check_ins": TenantRoute(_MENTORSHIP),
    "goals:goal": TenantRoute(_GOAL),
    "goals:goal_edit": TenantRoute(_GOAL),
    "goals:goal_progress": TenantRoute(_GOAL),
    "goals:goal_status": TenantRoute(_GOAL),
    "goals:goal_share": TenantRoute(_GOAL),
    "goals:milestone_create": TenantRoute(_GOAL),
    "goals:milestone_done": TenantRoute(_MILESTONE),
    "goals:milestone_reopen": TenantRoute(_MILESTONE),
    "goals:milestone_delete": TenantRoute(_MILESTONE),
    "goals:milestone_comment": TenantRoute(_MILESTONE),
    "goals:relationship_milestone_done": TenantRoute(_STEP),
    "goals:relationship_milestone_reopen": TenantRoute(_STEP),
    "goals:program_settings": TenantRoute(_program_and()),
    "goals:template_create": TenantRoute(_program_and()),
    "goals:template_delete": TenantRoute(_program_and(template_id="template_id")),
    "goals:program_milestone_create": TenantRoute(_program_and()),
    "goals:program_milestone_delete": TenantRoute(
        _program_and(milestone_id="program_milestone_id")
    ),
    "goals:check_in_settings": TenantRoute(_program_and()),
    "api_goals": TenantRoute(_MENTORSHIP),
    "api_relationship_milestones": TenantRoute(_MENTORSHIP),
    "api_check_ins": TenantRoute(_MENTORSHIP),
    "api_goal": TenantRoute(_GOAL),
    "api_goal_progress": TenantRoute(_GOAL),
    "api_goal_status": TenantRoute(_GOAL),
    "api_goal_share": TenantRoute(_GOAL),
    "api_goal_history": TenantRoute(_GOAL),
    "api_goal_milestones": TenantRoute(_GOAL),
    "api_milestone": TenantRoute(_MILESTONE),
    "api_milestone_complete": TenantRoute(_MILESTONE),
    "api_milestone_comments": TenantRoute(_MILESTONE),
    "api_relationship_milestone_complete": TenantRoute(_STEP),
    "api_goal_templates": TenantRoute(
        _program_and(), is_list=True, bravo_list_kwargs=_bravo_program
    ),
    "api_goal_template": TenantRoute(_program_and(template_id="template_id")),
    "api_program_milestones": TenantRoute(_program_and()),
    "api_program_milestone": TenantRoute(_program_and(milestone_id="program_milestone_id")),
    "api_check_in_settings": TenantRoute(_program_and()),
}
