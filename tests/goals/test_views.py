"""The goals pages: what each role reads, forms that keep what was typed, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals import services
from goals.models import CheckIn, Goal, Milestone, ProgressSource
from organizations.scope import organization_scope

TODAY = timezone.localdate()
SECRET_TITLE = "Ask for the team lead role"


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"org_slug": world.alpha.slug, **kwargs})


def _login(client, membership) -> None:
    client.force_login(membership.user)


def _goal(mw, mentorship, **overrides) -> Goal:
    text = {
        "title": SECRET_TITLE,
        "measure": "A yes from my director",
        "why": "Private reasons",
        "target_date": TODAY + datetime.timedelta(days=50),
        **overrides,
    }
    return services.goal_create(
        actor=mw.members["mentee0"], mentorship=mentorship, text=services.GoalText(**text)
    )


def test_the_pair_reads_its_goals_and_milestones(client, world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    services.milestone_create(
        actor=mw.members["mentor0"], goal=goal, title="Write the pitch", due_on=TODAY
    )
    _login(client, mw.members["mentor0"])
    page = client.get(_url("mentorship_goals", world, mentorship_id=mentorship.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert SECRET_TITLE in text and "Write the pitch" in text
    assert "Agreement confirmed by both of you" in text  # the program milestones


def test_managers_read_numbers_not_words_until_the_mentee_shares(client, world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title="Private step", due_on=TODAY
    )
    _login(client, world.alpha_owner_membership)
    for url in (
        _url("mentorship_goals", world, mentorship_id=mentorship.pk),
        _url("goal", world, goal_id=goal.pk),
    ):
        text = client.get(url).content.decode()
        assert "0%" in text
        assert SECRET_TITLE not in text and "Private step" not in text
        assert "Private reasons" not in text and "A yes from my director" not in text
    services.goal_share(actor=mw.members["mentee0"], goal=goal, shared=True)
    text = client.get(_url("goal", world, goal_id=goal.pk)).content.decode()
    assert SECRET_TITLE in text and "Private step" in text


def test_someone_else_in_the_cohort_gets_404(client, world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    _login(client, mw.members["mentee1"])
    assert client.get(_url("goal", world, goal_id=goal.pk)).status_code == 404
    assert client.get(_url("check_ins", world, mentorship_id=mentorship.pk)).status_code == 404


def test_setting_a_goal_in_the_browser(client, world, pair):
    mw, mentorship = pair
    _login(client, mw.members["mentee0"])
    response = client.post(
        _url("goal_create", world, mentorship_id=mentorship.pk),
        {
            "title": "Run a workshop",
            "measure": "Ten people attend",
            "target_date": (TODAY + datetime.timedelta(days=30)).isoformat(),
            "progress_source": "milestones",
        },
    )
    with organization_scope(world.alpha):
        goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("goal", world, goal_id=goal.pk)
    assert goal.mentee == mw.mentees["mentee0"]


def test_a_goal_in_the_past_comes_back_with_the_error_and_what_was_typed(client, world, pair):
    mw, mentorship = pair
    _login(client, mw.members["mentee0"])
    response = client.post(
        _url("goal_create", world, mentorship_id=mentorship.pk),
        {
            "title": "Run a workshop",
            "measure": "Ten people attend",
            "target_date": "2020-01-01",
            "progress_source": "milestones",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The target date is in the past" in text
    assert 'value="Run a workshop"' in text
    with organization_scope(world.alpha):
        assert not Goal.objects.exists()


def test_a_milestone_after_the_target_date_and_a_progress_of_140_are_refused(client, world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship, progress_source=ProgressSource.MANUAL)
    _login(client, mw.members["mentee0"])
    late = client.post(
        _url("milestone_create", world, goal_id=goal.pk),
        {"title": "Later", "due_on": (goal.target_date + datetime.timedelta(days=3)).isoformat(),
         "owner": "mentee"},
    )  # fmt: skip
    assert late.status_code == 400
    assert "a milestone is due on or before it" in late.content.decode()
    too_much = client.post(_url("goal_progress", world, goal_id=goal.pk), {"progress": "140"})
    assert too_much.status_code == 400
    assert "Progress is from 0 to 100, not 140." in too_much.content.decode()
    with organization_scope(world.alpha):
        assert not Milestone.objects.exists()
        assert Goal.objects.get().progress == 0


def test_ticking_a_milestone_moves_the_goal(client, world, pair):
    mw, mentorship = pair
    goal = _goal(mw, mentorship)
    milestone = services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title="Step", due_on=TODAY
    )
    _login(client, mw.members["mentor0"])
    response = client.post(
        _url("milestone_done", world, milestone_id=milestone.pk), {"evidence": "Slides shared"}
    )
    assert response.status_code == 302
    with organization_scope(world.alpha):
        assert Goal.objects.get().progress == 100
        assert Milestone.objects.get().evidence == "Slides shared"


def test_check_ins_show_each_role_its_part(client, world, pair):
    mw, mentorship = pair
    services.check_in_submit(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        answers=services.CheckInAnswers(
            progress="Drafted my pitch", rating=2, note_to_manager="We rarely meet"
        ),
    )
    url = _url("check_ins", world, mentorship_id=mentorship.pk)
    _login(client, mw.members["mentor0"])
    text = client.get(url).content.decode()
    assert "Drafted my pitch" in text
    assert "We rarely meet" not in text and "2 of 5" not in text
    _login(client, world.alpha_owner_membership)
    text = client.get(url).content.decode()
    assert "We rarely meet" in text and "2 of 5" in text
    assert "Drafted my pitch" not in text


def test_a_check_in_from_the_browser_and_a_bad_one(client, world, pair):
    mw, mentorship = pair
    url = _url("check_ins", world, mentorship_id=mentorship.pk)
    _login(client, mw.members["mentor0"])
    bad = client.post(url, {"progress": "Good talk", "rating": "9"})
    assert bad.status_code == 400
    assert "Good talk" in bad.content.decode()
    good = client.post(url, {"progress": "Good talk", "rating": "4"})
    assert good.status_code == 302
    with organization_scope(world.alpha):
        assert CheckIn.objects.get().rating == 4
    # A manager reads, but does not check in for the pair.
    _login(client, world.alpha_owner_membership)
    assert client.post(url, {"progress": "x", "rating": "4"}).status_code == 403


def test_program_settings_are_for_its_managers(client, world, pair):
    mw, mentorship = pair
    program = mentorship.cohort.program
    url = _url("program_settings", world, program_id=program.pk)
    _login(client, world.alpha_owner_membership)
    page = client.get(url)
    assert page.status_code == 200
    assert "First meeting held" in page.content.decode()
    added = client.post(
        _url("template_create", world, program_id=program.pk),
        {
            "template-title": "Build a peer network",
            "template-measure": "Five coffees",
            "template-suggested_weeks": "8",
        },
    )
    assert added.status_code == 302
    _login(client, mw.members["mentee0"])
    assert client.get(url).status_code in (403, 404)
    # The pair starts a goal from the template: the form comes filled in.
    with organization_scope(world.alpha):
        template = program.goal_templates.get()
    page = client.get(
        _url("mentorship_goals", world, mentorship_id=mentorship.pk) + f"?template={template.pk}"
    )
    assert 'value="Build a peer network"' in page.content.decode()


@pytest.mark.parametrize("goals", [1, 6])
def test_the_goals_page_reads_the_same_number_of_rows_however_many_goals(
    client, world, pair, goals, django_assert_max_num_queries
):
    mw, mentorship = pair
    for number in range(goals):
        goal = _goal(mw, mentorship, title=f"Goal {number}")
        for step in range(3):
            milestone = services.milestone_create(
                actor=mw.members["mentee0"], goal=goal, title=f"Step {step}", due_on=TODAY
            )
            services.milestone_comment_add(
                actor=mw.members["mentor0"], milestone=milestone, body="Nice"
            )
    _login(client, mw.members["mentee0"])
    with django_assert_max_num_queries(17):
        response = client.get(_url("mentorship_goals", world, mentorship_id=mentorship.pk))
    assert response.status_code == 200
