from django.urls import path

from programs.api import views

PROGRAM = "orgs/<slug:org_slug>/programs/<int:program_id>/"
COHORT = PROGRAM + "cohorts/<int:cohort_id>/"
QUESTION = PROGRAM + "questions/<int:question_id>/"
MY_ENROLMENTS = "orgs/<slug:org_slug>/my/enrolments/"
MENTORSHIPS = "orgs/<slug:org_slug>/mentorships/"
MENTORSHIP = MENTORSHIPS + "<int:mentorship_id>/"

urlpatterns = [
    path(
        "orgs/<slug:org_slug>/programs/", views.ProgramListCreateView.as_view(), name="api_programs"
    ),
    path(PROGRAM, views.ProgramDetailView.as_view(), name="api_program"),
    path(
        "orgs/<slug:org_slug>/program-templates/",
        views.ProgramTemplateListView.as_view(),
        name="api_program_templates",
    ),
    path(
        PROGRAM + "managers/",
        views.ProgramManagerListView.as_view(),
        name="api_program_managers",
    ),
    path(
        PROGRAM + "managers/<int:user_id>/",
        views.ProgramManagerDetailView.as_view(),
        name="api_program_manager",
    ),
    path(PROGRAM + "cohorts/", views.CohortListCreateView.as_view(), name="api_cohorts"),
    path(COHORT, views.CohortDetailView.as_view(), name="api_cohort"),
    path(
        COHORT + "transition/", views.CohortTransitionView.as_view(), name="api_cohort_transition"
    ),
    path(COHORT + "enrolments/", views.EnrolmentListCreateView.as_view(), name="api_enrolments"),
    path(
        COHORT + "enrolments/import/",
        views.EnrolmentImportView.as_view(),
        name="api_enrolments_import",
    ),
    path(MY_ENROLMENTS, views.MyEnrolmentListView.as_view(), name="api_my_enrolments"),
    path(
        MY_ENROLMENTS + "<int:enrolment_id>/profile/",
        views.MyProfileView.as_view(),
        name="api_my_profile",
    ),
    path(PROGRAM + "questions/", views.QuestionListCreateView.as_view(), name="api_questions"),
    path(QUESTION, views.QuestionDetailView.as_view(), name="api_question"),
    path(QUESTION + "move/", views.QuestionMoveView.as_view(), name="api_question_move"),
    path(MENTORSHIPS, views.MentorshipListView.as_view(), name="api_mentorships"),
    path(MENTORSHIP, views.MentorshipDetailView.as_view(), name="api_mentorship"),
    path(MENTORSHIP + "agreement/", views.AgreementView.as_view(), name="api_agreement"),
    path(
        MENTORSHIP + "agreement/confirm/",
        views.AgreementConfirmView.as_view(),
        name="api_agreement_confirm",
    ),
    path(MENTORSHIP + "end/", views.MentorshipEndView.as_view(), name="api_mentorship_end"),
    path(
        MENTORSHIP + "end/reason/",
        views.MentorshipEndReasonView.as_view(),
        name="api_mentorship_end_reason",
    ),
    path(
        MENTORSHIP + "status/", views.MentorshipStatusView.as_view(), name="api_mentorship_status"
    ),
]
