"""Programs API: the mixins that resolve the program, cohort, question or mentorship from the
URL."""

from __future__ import annotations

from rest_framework import exceptions

from organizations.api.base import OrganizationScopedMixin
from programs import selectors
from programs.access import can_assign_program_managers, can_manage_program
from programs.api.serializers import people_of
from programs.models import (
    Cohort,
    Mentorship,
    ProfileQuestion,
    Program,
)


class ProgramScopedMixin(OrganizationScopedMixin):
    """For routes under .../programs/<program_id>/: the program must be visible to the member,
    or every method answers 404 (missing, in another organisation or not theirs: one answer).
    Writes are then checked before the body is read: a reader gets 403, not field errors."""

    program: Program

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.program = selectors.get_program_for(self.membership, kwargs["program_id"])

    def require_can_manage(self) -> None:
        if not can_manage_program(self.membership, self.program):
            raise exceptions.PermissionDenied("You do not run this program.")

    def require_can_assign_managers(self) -> None:
        if not can_assign_program_managers(self.membership):
            raise exceptions.PermissionDenied("Only owners and admins assign program managers.")


class CohortScopedMixin(ProgramScopedMixin):
    cohort: Cohort

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.cohort = selectors.get_cohort_for(self.membership, self.program, kwargs["cohort_id"])
        # Read inside the member's organisation: reuse that row, as get_program_for does.
        self.cohort.organization = self.membership.organization


class QuestionScopedMixin(ProgramScopedMixin):
    question: ProfileQuestion

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.question = selectors.get_question_for(self.program, kwargs["question_id"])


class MentorshipScopedMixin(OrganizationScopedMixin):
    """For routes under .../mentorships/<mentorship_id>/: the people in the mentorship and the
    managers of its program reach it; anyone else gets 404."""

    mentorship: Mentorship

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.mentorship = selectors.get_mentorship_for(self.membership, kwargs["mentorship_id"])

    def mentorship_again(self) -> Mentorship:
        """The mentorship read again, after a service changed it."""
        return selectors.get_mentorship_for(self.membership, self.mentorship.pk)

    def require_in_pair(self) -> None:
        """The agreement is the pair's own: its managers see that it exists, not its words."""
        if self.membership.user_id not in {p.user_id for p in people_of(self.mentorship)}:
            raise exceptions.PermissionDenied(
                "Only the mentor and mentee of this mentorship can do this."
            )
