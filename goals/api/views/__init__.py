"""The goals API views, one module per area; the URLconf imports them from here."""

from goals.api.views.check_ins import CheckInListCreateView
from goals.api.views.goals import (
    GoalDetailView,
    GoalHistoryView,
    GoalListCreateView,
    GoalProgressView,
    GoalShareView,
    GoalStatusView,
)
from goals.api.views.milestones import (
    GoalMilestoneListCreateView,
    MilestoneCommentListCreateView,
    MilestoneCompleteView,
    MilestoneDetailView,
    RelationshipMilestoneCompleteView,
    RelationshipMilestoneListView,
)
from goals.api.views.program import (
    CheckInSettingsView,
    GoalTemplateDetailView,
    GoalTemplateListCreateView,
    ProgramMilestoneDetailView,
    ProgramMilestoneListCreateView,
)

__all__ = [
    "CheckInListCreateView",
    "CheckInSettingsView",
    "GoalDetailView",
    "GoalHistoryView",
    "GoalListCreateView",
    "GoalMilestoneListCreateView",
    "GoalProgressView",
    "GoalShareView",
    "GoalStatusView",
    "GoalTemplateDetailView",
    "GoalTemplateListCreateView",
    "MilestoneCommentListCreateView",
    "MilestoneCompleteView",
    "MilestoneDetailView",
    "ProgramMilestoneDetailView",
    "ProgramMilestoneListCreateView",
    "RelationshipMilestoneCompleteView",
    "RelationshipMilestoneListView",
]
