"""The matching pages: what managers and participants see and can do, in bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchingSettings, MatchRun, MatchRunStatus
from organizations.scope import organization_scope
from programs.models import Mentorship
from tests.conftest import logged_in_client
from tests.matching.test_requests import ask, self_select_cohort


def url(name: str, mw, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": "alpha", **kwargs})


def cohort_kwargs(mw) -> dict:
    return {"program_id": mw.cohort.program_id, "cohort_id": mw.cohort.pk}


def test_settings_page_saves_weights_and_rules(matching_world, world):
    mw = matching_world
    client = logged_in_client(world.alpha_manager)
    page = url("matching:settings", mw, program_id=mw.cohort.program_id)
    response = client.get(page)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Skills" in body and "Never pair people from the same department" in body
    form = {
        "exclude_same_department": "on",
        "require_shared_language": "on",
        "max_timezone_difference_hours": "6",
        "seniority_gap_min": "1",
        "seniority_gap_max": "3",
        "availability_target_hours": "2.5",
        "request_expiry_days": "10",
        "suggestions_shown": "4",
        "weight_skills_wanted": "10",
    }
    for key in ("goals", "function", "experience_years", "department", "languages", "timezone",
                "availability", "learning_style", "communication_style", "values", "personality"):  # fmt: skip
        form[f"weight_{key}"] = "3"
    for trait in (
        "extraversion",
        "agreeableness",
        "conscientiousness",
        "emotional_stability",
        "openness",
    ):
        form[f"trait_{trait}"] = "similar"
    form["trait_openness"] = "complementary"
    response = client.post(page, {**form, "weight_skills_wanted": "11"})
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    response = client.post(page, {**form, "seniority_gap_min": "3", "seniority_gap_max": "1"})
    assert response.status_code == 400
    assert "smallest experience gap cannot be larger" in response.content.decode()
    response = client.post(page, form)
    assert response.status_code == 302
    with organization_scope(world.alpha):
        saved = MatchingSettings.objects.get(program=mw.cohort.program)
    assert saved.weights["skills_wanted"] == 10
    assert saved.max_timezone_difference_hours == 6
    assert saved.exclude_reporting_line is False
    assert saved.personality_modes["openness"] == "complementary"
    assert saved.request_expiry_days == 10
    # A participant of the organisation does not see the program at all.
    assert logged_in_client(world.alpha_member).get(page).status_code == 404


def test_start_review_and_publish_in_the_browser_pages(
    matching_world, world, django_assert_max_num_queries
):
    mw = matching_world
    client = logged_in_client(world.alpha_manager)
    response = client.post(
        url("matching:run_start", mw, **cohort_kwargs(mw)),
        {"mode": "optimal", "maximize_matched": "on"},
    )
    assert response.status_code == 302
    with organization_scope(world.alpha):
        run = MatchRun.objects.get(cohort=mw.cohort)
    run_page = url("matching:run", mw, **cohort_kwargs(mw), run_id=run.pk)
    assert response["Location"] == run_page
    with django_assert_max_num_queries(14):  # with the navigation's two unread counts
        response = client.get(run_page)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Publish 5 pairs" in body
    assert "Score by criterion" in body

    response = client.post(
        url("matching:run_swap", mw, **cohort_kwargs(mw), run_id=run.pk), {"pair": []}, follow=True
    )
    assert "Tick exactly two pairs" in response.content.decode()

    response = client.post(
        url("matching:run_publish", mw, **cohort_kwargs(mw), run_id=run.pk), follow=True
    )
    assert "Published: 5 mentorships have started" in response.content.decode()
    run.refresh_from_db()
    assert run.status == MatchRunStatus.PUBLISHED
    runs_page = client.get(url("matching:runs", mw, **cohort_kwargs(mw)))
    assert "Run 1" in runs_page.content.decode()


def test_a_starting_error_is_shown_on_the_page(world):
    client = logged_in_client(world.alpha_manager)
    page = reverse(
        "matching:run_start",
        kwargs={
            "org_slug": "alpha",
            "program_id": world.alpha_program.pk,
            "cohort_id": world.alpha_cohort.pk,
        },
    )
    response = client.post(page, {"mode": "optimal"})
    assert response.status_code == 400
    assert "Move the cohort to matching first" in response.content.decode()


def test_an_unknown_mode_is_refused_on_the_form(matching_world, world):
    mw = matching_world
    client = logged_in_client(world.alpha_manager)
    response = client.post(url("matching:run_start", mw, **cohort_kwargs(mw)), {"mode": "random"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with organization_scope(world.alpha):
        assert not MatchRun.objects.exists()


def test_self_select_pages(world):
    mw = self_select_cohort(world, mentees=1, mentors=2)
    mentee = logged_in_client(mw.members["mentee0"].user)
    enrolment = mw.mentees["mentee0"]
    page = url("matching:suggestions", mw, enrolment_id=enrolment.pk)
    response = mentee.get(page)
    assert response.status_code == 200
    body = response.content.decode()
    assert mw.mentors["mentor0"].full_name in body and mw.mentors["mentor1"].full_name in body
    assert "Not this person" in body
    send = url(
        "matching:request_send", mw, enrolment_id=enrolment.pk, mentor_id=mw.mentors["mentor1"].pk
    )
    response = mentee.post(send, {f"mentor-{mw.mentors['mentor1'].pk}-message": ""}, follow=True)
    assert "Your message: This field is required." in response.content.decode()
    response = mentee.post(
        send, {f"mentor-{mw.mentors['mentor1'].pk}-message": "Hello!"}, follow=True
    )
    assert f"Request sent to {mw.mentors['mentor1'].full_name}" in response.content.decode()

    mentor = logged_in_client(mw.members["mentor1"].user)
    requests_page = mentor.get(url("matching:requests", mw)).content.decode()
    assert "Hello!" in requests_page and "Accept" in requests_page
    with organization_scope(world.alpha):
        from matching.models import MentorshipRequest

        request_id = MentorshipRequest.objects.get().pk
    # The mentee cannot accept their own request; the mentor can.
    response = mentee.post(url("matching:request_accept", mw, request_id=request_id), follow=True)
    assert "Only the mentor asked can answer" in response.content.decode()
    response = mentor.post(url("matching:request_accept", mw, request_id=request_id), follow=True)
    assert "Accepted: your mentorship has started" in response.content.decode()
    # Someone else's request is not there at all.
    outsider = logged_in_client(world.alpha_admin)
    assert (
        outsider.post(url("matching:request_accept", mw, request_id=request_id)).status_code == 404
    )


def test_mentorship_page_shows_the_agreement_to_the_pair_only(world, django_assert_max_num_queries):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    request = ask(mw, "mentee0", "mentor0")
    mentorship = services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=request.pk
    )
    page = reverse(
        "relationships:mentorship", kwargs={"org_slug": "alpha", "mentorship_id": mentorship.pk}
    )
    pair = logged_in_client(mw.members["mentee0"].user)
    # The home page's own count is asserted in tests/relationships; here the program's goal
    # settings are also created on this first view (the start event did not run).
    with django_assert_max_num_queries(36):
        body = pair.get(page).content.decode()
    assert "What we discuss stays between us" in body
    assert "I agree to this" in body
    manager = logged_in_client(world.alpha_manager).get(page).content.decode()
    assert "Waiting for confirmation" in manager
    assert "What we discuss stays between us" not in manager
    assert "program managers see whether it is confirmed, not what it says" in manager
    # A member outside the pair and the program's management gets nothing.
    assert logged_in_client(world.alpha_member).get(page).status_code == 404

    response = pair.post(
        reverse(
            "relationships:agreement_edit",
            kwargs={"org_slug": "alpha", "mentorship_id": mentorship.pk},
        ),
        {
            "channels": [],
            "meeting_cadence": "weekly",
            "response_time": "week",
            "confidentiality": "Ours.",
        },
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = pair.post(
        reverse(
            "relationships:mentorship_end",
            kwargs={"org_slug": "alpha", "mentorship_id": mentorship.pk},
        ),
        {"reason": "Our schedules never meet."},
        follow=True,
    )
    assert "The mentorship has ended" in response.content.decode()
    with organization_scope(world.alpha):
        assert Mentorship.objects.get(pk=mentorship.pk).status == "ended_early"


@pytest.mark.parametrize("handle", ["mentee0", "mentor0"])
def test_my_programs_lists_the_mentorship(world, handle):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    request = ask(mw, "mentee0", "mentor0")
    services.mentorship_request_accept(actor=mw.members["mentor0"], request_id=request.pk)
    body = (
        logged_in_client(mw.members[handle].user)
        .get(reverse("programs:my_programs", kwargs={"org_slug": "alpha"}))
        .content.decode()
    )
    expected = "Mentored by Mentor0" if handle == "mentee0" else "Mentoring Mentee0"
    assert expected in body


def test_shown_parts_add_up_to_the_score_shown():
    from matching.templatetags.matching import shown_parts

    parts = [
        {"key": k, "name": k, "points": 100 / 3, "max_points": 100 / 3, "words": "."}
        for k in ("a", "b", "c")
    ]
    assert [p["shown"] for p in shown_parts(parts)] == [33.4, 33.3, 33.3]
