"""Goals web routes: a mentorship's goals and check-ins, one goal, its milestones, and a
program's settings for its pairs."""

from django.urls import path

from goals import views

app_name = "goals"

org = "o/<slug:org_slug>/"
mentorship = org + "mentorships/<int:mentorship_id>/"
goal = org + "goals/<int:goal_id>/"
milestone = org + "milestones/<int:milestone_id>/"
step = org + "relationship-milestones/<int:milestone_id>/"
program = org + "programs/<int:program_id>/pair-settings/"

urlpatterns = [
    path(mentorship + "goals/", views.mentorship_goals, name="mentorship_goals"),
    path(mentorship + "goals/new/", views.goal_create, name="goal_create"),
    path(mentorship + "check-ins/", views.check_ins, name="check_ins"),
    path(goal, views.goal_detail, name="goal"),
    path(goal + "edit/", views.goal_edit, name="goal_edit"),
    path(goal + "progress/", views.goal_progress, name="goal_progress"),
    path(goal + "status/", views.goal_status, name="goal_status"),
    path(goal + "share/", views.goal_share, name="goal_share"),
    path(goal + "milestones/new/", views.milestone_create, name="milestone_create"),
    path(milestone + "done/", views.milestone_done, name="milestone_done"),
    path(milestone + "reopen/", views.milestone_reopen, name="milestone_reopen"),
    path(milestone + "delete/", views.milestone_delete, name="milestone_delete"),
    path(milestone + "comment/", views.milestone_comment, name="milestone_comment"),
    path(step + "done/", views.relationship_milestone_done, name="relationship_milestone_done"),
    path(
        step + "reopen/", views.relationship_milestone_reopen, name="relationship_milestone_reopen"
    ),
    path(program, views.program_settings, name="program_settings"),
    path(program + "templates/", views.template_create, name="template_create"),
    path(
        program + "templates/<int:template_id>/delete/",
        views.template_delete,
        name="template_delete",
    ),
    path(program + "milestones/", views.program_milestone_create, name="program_milestone_create"),
    path(
        program + "milestones/<int:milestone_id>/delete/",
        views.program_milestone_delete,
        name="program_milestone_delete",
    ),
    path(program + "check-ins/", views.check_in_settings, name="check_in_settings"),
]
