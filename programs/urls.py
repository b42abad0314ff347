from django.urls import path

from programs import views

app_name = "programs"

prefix = "o/<slug:org_slug>/programs/"
program = prefix + "<int:program_id>/"
cohort = program + "cohorts/<int:cohort_id>/"
question = program + "questions/<int:question_id>/"

urlpatterns = [
    path(prefix, views.program_list, name="list"),
    path(prefix + "new/", views.program_create, name="create"),
    path(program, views.program_detail, name="detail"),
    path(program + "edit/", views.program_edit, name="edit"),
    path(program + "status/", views.program_status, name="status"),
    path(program + "managers/", views.manager_assign, name="manager_assign"),
    path(program + "managers/<int:user_id>/remove/", views.manager_remove, name="manager_remove"),
    path(program + "cohorts/new/", views.cohort_create, name="cohort_create"),
    path(cohort, views.cohort_detail, name="cohort_detail"),
    path(cohort + "edit/", views.cohort_edit, name="cohort_edit"),
    path(cohort + "status/", views.cohort_status, name="cohort_status"),
    path(cohort + "participants/", views.participants, name="participants"),
    path(cohort + "participants/add/", views.participant_add, name="participant_add"),
    path(cohort + "participants/invite/", views.participant_invite, name="participant_invite"),
    path(cohort + "participants/import/", views.participant_import, name="participant_import"),
    path(cohort + "participants/bulk/", views.participants_bulk, name="participants_bulk"),
    path(
        cohort + "participants/<int:enrolment_id>/edit/",
        views.participant_edit,
        name="participant_edit",
    ),
    path(cohort + "applications/", views.cohort_applications, name="cohort_applications"),
    path("o/<slug:org_slug>/apply/<int:cohort_id>/<str:key>/", views.apply, name="apply"),
    path("o/<slug:org_slug>/my-programs/", views.my_programs, name="my_programs"),
    path(
        "o/<slug:org_slug>/my-programs/<int:enrolment_id>/profile/",
        views.profile_edit,
        name="profile",
    ),
    path(
        "o/<slug:org_slug>/my-programs/<int:enrolment_id>/withdraw/",
        views.enrolment_withdraw,
        name="withdraw",
    ),
    path(program + "questions/", views.questions, name="questions"),
    path(program + "questions/new/", views.question_create, name="question_create"),
    path(program + "skills/", views.skills_update, name="skills"),
    path(question + "edit/", views.question_edit, name="question_edit"),
    path(question + "move/", views.question_move, name="question_move"),
    path(question + "delete/", views.question_delete, name="question_delete"),
]
