from django.urls import path

from matching.api import views

PROGRAM = "orgs/<slug:org_slug>/programs/<int:program_id>/"
RUNS = PROGRAM + "cohorts/<int:cohort_id>/match-runs/"
RUN = RUNS + "<int:run_id>/"
PROPOSAL = RUN + "proposals/<int:proposal_id>/"
REQUESTS = "orgs/<slug:org_slug>/mentorship-requests/"
REQUEST = REQUESTS + "<int:request_id>/"

urlpatterns = [
    path(
        PROGRAM + "matching-settings/",
        views.MatchingSettingsView.as_view(),
        name="api_matching_settings",
    ),
    path(RUNS, views.MatchRunListCreateView.as_view(), name="api_match_runs"),
    path(RUN, views.MatchRunDetailView.as_view(), name="api_match_run"),
    path(RUN + "proposals/", views.ProposalListView.as_view(), name="api_match_run_proposals"),
    path(RUN + "unmatched/", views.UnmatchedListView.as_view(), name="api_match_run_unmatched"),
    path(RUN + "swap/", views.MatchRunSwapView.as_view(), name="api_match_run_swap"),
    path(RUN + "rerun/", views.MatchRunRerunView.as_view(), name="api_match_run_rerun"),
    path(RUN + "publish/", views.MatchRunPublishView.as_view(), name="api_match_run_publish"),
    path(RUN + "discard/", views.MatchRunDiscardView.as_view(), name="api_match_run_discard"),
    path(PROPOSAL, views.ProposalDetailView.as_view(), name="api_match_proposal"),
    path(PROPOSAL + "lock/", views.ProposalLockView.as_view(), name="api_match_proposal_lock"),
    path(
        "orgs/<slug:org_slug>/my/enrolments/<int:enrolment_id>/suggestions/",
        views.SuggestionListView.as_view(),
        name="api_my_suggestions",
    ),
    path(REQUESTS, views.MentorshipRequestListCreateView.as_view(), name="api_mentorship_requests"),
    path(
        REQUEST + "accept/",
        views.MentorshipRequestAcceptView.as_view(),
        name="api_mentorship_request_accept",
    ),
    path(
        REQUEST + "decline/",
        views.MentorshipRequestDeclineView.as_view(),
        name="api_mentorship_request_decline",
    ),
    path(
        REQUEST + "withdraw/",
        views.MentorshipRequestWithdrawView.as_view(),
        name="api_mentorship_request_withdraw",
    ),
]
