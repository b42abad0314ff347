"""Goals API routes."""

from django.urls import path

from goals.api import views

ORG = "orgs/<slug:org_slug>/"
MENTORSHIP = ORG + "mentorships/<int:mentorship_id>/"
GOAL = ORG + "goals/<int:goal_id>/"
MILESTONE = ORG + "milestones/<int:milestone_id>/"
STEP = ORG + "relationship-milestones/<int:milestone_id>/"
PROGRAM = ORG + "programs/<int:program_id>/"

urlpatterns = [
    path(MENTORSHIP + "goals/", views.GoalListCreateView.as_view(), name="api_goals"),
    path(
        MENTORSHIP + "relationship-milestones/",
        views.RelationshipMilestoneListView.as_view(),
        name="api_relationship_milestones",
    ),
    path(MENTORSHIP + "check-ins/", views.CheckInListCreateView.as_view(), name="api_check_ins"),
    path(GOAL, views.GoalDetailView.as_view(), name="api_goal"),
    path(GOAL + "progress/", views.GoalProgressView.as_view(), name="api_goal_progress"),
    path(GOAL + "status/", views.GoalStatusView.as_view(), name="api_goal_status"),
    path(GOAL + "share/", views.GoalShareView.as_view(), name="api_goal_share"),
    path(GOAL + "history/", views.GoalHistoryView.as_view(), name="api_goal_history"),
    path(
        GOAL + "milestones/",
        views.GoalMilestoneListCreateView.as_view(),
        name="api_goal_milestones",
    ),
    path(MILESTONE, views.MilestoneDetailView.as_view(), name="api_milestone"),
    path(
        MILESTONE + "complete/",
        views.MilestoneCompleteView.as_view(),
        name="api_milestone_complete",
    ),
    path(
        MILESTONE + "comments/",
        views.MilestoneCommentListCreateView.as_view(),
        name="api_milestone_comments",
    ),
    path(
        STEP + "complete/",
        views.RelationshipMilestoneCompleteView.as_view(),
        name="api_relationship_milestone_complete",
    ),
    path(
        PROGRAM + "goal-templates/",
        views.GoalTemplateListCreateView.as_view(),
        name="api_goal_templates",
    ),
    path(
        PROGRAM + "goal-templates/<int:template_id>/",
        views.GoalTemplateDetailView.as_view(),
        name="api_goal_template",
    ),
    path(
        PROGRAM + "relationship-milestones/",
        views.ProgramMilestoneListCreateView.as_view(),
        name="api_program_milestones",
    ),
    path(
        PROGRAM + "relationship-milestones/<int:milestone_id>/",
        views.ProgramMilestoneDetailView.as_view(),
        name="api_program_milestone",
    ),
    path(
        PROGRAM + "check-in-settings/",
        views.CheckInSettingsView.as_view(),
        name="api_check_in_settings",
    ),
]
