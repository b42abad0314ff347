"""Goals API: the mixins that resolve the mentorship, goal, milestone or program from the URL.

Each answers 404 for what the member may not see (missing, in another organisation, or not
theirs: one answer), whatever the method. Writes are then checked before the body is read: a
reader who may not write gets 403, not field errors.
"""

from __future__ import annotations

from rest_framework import exceptions

from goals import selectors
from goals.access import Viewer
from goals.api.serializers import words_visible
from goals.models import Goal, Milestone, RelationshipMilestone
from organizations.api.base import OrganizationScopedMixin
from programs.access import can_manage_program
from programs.api.serializers import people_of
from programs.models import Enrolment, Mentorship, Program


class ViewerMixin(OrganizationScopedMixin):
    """The pair and the program's managers reach a mentorship's goals; `viewer` says which."""

    viewer: Viewer

    def require_pair(self) -> None:
        if self.viewer != Viewer.PAIR:
            raise exceptions.PermissionDenied(
                "Only the mentor and mentee of this mentorship can do this."
            )


class MentorshipGoalsScopedMixin(ViewerMixin):
    """For routes under .../mentorships/<mentorship_id>/."""

    mentorship: Mentorship

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.mentorship, self.viewer = selectors.get_mentorship_for(
            self.membership, kwargs["mentorship_id"]
        )

    def people(self) -> list[Enrolment]:
        return people_of(self.mentorship)


class GoalScopedMixin(ViewerMixin):
    """For routes under .../goals/<goal_id>/."""

    goal: Goal

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.goal, self.viewer = selectors.get_goal_for(self.membership, kwargs["goal_id"])

    def words_visible(self) -> bool:
        return words_visible(self.viewer, self.goal)


class MilestoneScopedMixin(ViewerMixin):
    """For routes under .../milestones/<milestone_id>/ (a goal's milestones)."""

    milestone: Milestone

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.milestone, self.viewer = selectors.get_milestone_for(
            self.membership, kwargs["milestone_id"]
        )

    def words_visible(self) -> bool:
        return words_visible(self.viewer, self.milestone.goal)


class RelationshipMilestoneScopedMixin(ViewerMixin):
    """For routes under .../relationship-milestones/<milestone_id>/."""

    milestone: RelationshipMilestone

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.milestone, self.viewer = selectors.get_relationship_milestone_for(
            self.membership, kwargs["milestone_id"]
        )


class ProgramOfPairsScopedMixin(OrganizationScopedMixin):
    """For a program's routes its pairs read too (its goal templates): those who see the
    program and those enrolled in it reach it; only those who run it write."""

    program: Program

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.program = selectors.get_program_of_pairs_for(self.membership, kwargs["program_id"])

    def require_can_manage(self) -> None:
        if not can_manage_program(self.membership, self.program):
            raise exceptions.PermissionDenied("You do not run this program.")


class ManagedProgramMixin(ProgramOfPairsScopedMixin):
    """For a program's settings for its pairs: only those who run it, whatever the method
    (others who see the program get 403, anyone else 404)."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_can_manage()
