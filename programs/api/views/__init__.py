"""The programs API views, one module per area; the URLconf imports them from here."""

from programs.api.views.cohorts import (
    CohortDetailView,
    CohortListCreateView,
    CohortTransitionView,
)
from programs.api.views.enrolments import (
    EnrolmentImportView,
    EnrolmentListCreateView,
    MyEnrolmentListView,
    MyProfileView,
)
from programs.api.views.mentorships import (
    AgreementConfirmView,
    AgreementView,
    MentorshipDetailView,
    MentorshipEndReasonView,
    MentorshipEndView,
    MentorshipListView,
    MentorshipStatusView,
)
from programs.api.views.programs import (
    ProgramDetailView,
    ProgramListCreateView,
    ProgramManagerDetailView,
    ProgramManagerListView,
    ProgramTemplateListView,
)
from programs.api.views.questions import (
    QuestionDetailView,
    QuestionListCreateView,
    QuestionMoveView,
)

__all__ = [
    "AgreementConfirmView",
    "AgreementView",
    "CohortDetailView",
    "CohortListCreateView",
    "CohortTransitionView",
    "EnrolmentImportView",
    "EnrolmentListCreateView",
    "MentorshipDetailView",
    "MentorshipEndReasonView",
    "MentorshipEndView",
    "MentorshipListView",
    "MentorshipStatusView",
    "MyEnrolmentListView",
    "MyProfileView",
    "ProgramDetailView",
    "ProgramListCreateView",
    "ProgramManagerDetailView",
    "ProgramManagerListView",
    "ProgramTemplateListView",
    "QuestionDetailView",
    "QuestionListCreateView",
    "QuestionMoveView",
]
