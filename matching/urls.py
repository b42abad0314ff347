from django.urls import path

from matching import views

app_name = "matching"

program = "o/<slug:org_slug>/programs/<int:program_id>/"
cohort = program + "cohorts/<int:cohort_id>/matching/"
run = cohort + "runs/<int:run_id>/"
proposal = run + "proposals/<int:proposal_id>/"
mine = "o/<slug:org_slug>/my-programs/<int:enrolment_id>/mentors/"
request = "o/<slug:org_slug>/requests/<int:request_id>/"

urlpatterns = [
    path(program + "matching/", views.matching_settings, name="settings"),
    path(cohort, views.runs, name="runs"),
    path(cohort + "start/", views.run_start, name="run_start"),
    path(run, views.run_detail, name="run"),
    path(run + "swap/", views.run_swap, name="run_swap"),
    path(run + "rerun/", views.run_rerun, name="run_rerun"),
    path(run + "publish/", views.run_publish, name="run_publish"),
    path(run + "discard/", views.run_discard, name="run_discard"),
    path(proposal + "lock/", views.run_proposal_lock, name="proposal_lock"),
    path(proposal + "remove/", views.run_proposal_remove, name="proposal_remove"),
    path(mine, views.suggestions, name="suggestions"),
    path(mine + "<int:mentor_id>/request/", views.request_send, name="request_send"),
    path(mine + "<int:mentor_id>/exclude/", views.mentor_exclude, name="mentor_exclude"),
    path("o/<slug:org_slug>/requests/", views.requests_page, name="requests"),
    path(request + "accept/", views.request_accept, name="request_accept"),
    path(request + "decline/", views.request_decline, name="request_decline"),
    path(request + "withdraw/", views.request_withdraw, name="request_withdraw"),
]
