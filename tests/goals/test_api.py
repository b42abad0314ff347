"""The goals API: the pair's goals, milestones and check-ins, what each role reads, the program's
settings for its pairs, refusals (400 with the field, nothing stored) and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from goals import services
from goals.models import (
    CheckIn,
    Goal,
    GoalProgressEntry,
    GoalTemplate,
    Milestone,
    MilestoneComment,
    ProgramMilestone,
    RelationshipMilestone,
)
from organizations.scope import organization_scope
from programs.services.mentorships import mentorship_end_early
from tests.conftest import logged_in_api_client

TODAY = timezone.localdate()
ORG = "/api/v1/orgs/alpha/"
SECRET_TITLE = "Ask for the team lead role"
SECRET_MEASURE = "A yes from my director"
SECRET_WHY = "Private reasons"
SECRET_STEP = "Write the pitch"
SECRET_EVIDENCE = "Sent it on Monday"


def client_of(membership):
    return logged_in_api_client(membership.user)


def mentorship_url(mentorship, action: str) -> str:
    return f"{ORG}mentorships/{mentorship.pk}/{action}/"


def goal_url(goal_id: int, action: str = "") -> str:
    return f"{ORG}goals/{goal_id}/" + (f"{action}/" if action else "")


def milestone_url(milestone_id: int, action: str = "") -> str:
    return f"{ORG}milestones/{milestone_id}/" + (f"{action}/" if action else "")


def step_url(step_id: int) -> str:
    return f"{ORG}relationship-milestones/{step_id}/complete/"


def program_url(program, action: str) -> str:
    return f"{ORG}programs/{program.pk}/{action}/"


def goal_body(**overrides) -> dict:
    return {
        "title": SECRET_TITLE,
        "measure": SECRET_MEASURE,
        "why": SECRET_WHY,
        "target_date": str(TODAY + datetime.timedelta(days=50)),
        **overrides,
    }


def make_goal(mw, mentorship, **overrides) -> Goal:
    body = {**goal_body(**overrides)}
    body["target_date"] = datetime.date.fromisoformat(body["target_date"])
    return services.goal_create(
        actor=mw.members["mentee0"], mentorship=mentorship, text=services.GoalText(**body)
    )


def count(world, model, **filters) -> int:
    with organization_scope(world.alpha):
        return model.objects.filter(**filters).count()


def stored(world, goal: Goal) -> Goal:
    with organization_scope(world.alpha):
        return Goal.objects.get(pk=goal.pk)


def check_in_body(**overrides) -> dict:
    return {
        "progress": "We mapped the stakeholders",
        "blockers": "Time",
        "next_steps": "Book the director",
        "rating": 4,
        "note_to_manager": "All good",
        **overrides,
    }


# The pair's goals -----------------------------------------------------------------------------


def test_the_pair_sets_reads_and_rewrites_a_goal(world, pair):
    mw, mentorship = pair
    mentee, mentor = client_of(mw.members["mentee0"]), client_of(mw.members["mentor0"])

    response = mentee.post(mentorship_url(mentorship, "goals"), goal_body(), format="json")
    assert response.status_code == 201
    created = response.json()
    assert (created["title"], created["measure"], created["why"]) == (
        SECRET_TITLE,
        SECRET_MEASURE,
        SECRET_WHY,
    )
    assert created["mentee"] == {"id": mw.mentees["mentee0"].pk, "name": "Mentee0 Alphacanary"}
    assert (created["status"], created["progress"], created["progress_source"]) == (
        "active",
        0,
        "milestones",
    )
    assert created["words_visible"] is True and created["milestones"] == []

    listed = mentor.get(mentorship_url(mentorship, "goals")).json()
    assert listed["count"] == 1
    assert listed["results"][0]["title"] == SECRET_TITLE

    # PATCH changes what is sent; the rest stays.
    response = mentor.patch(goal_url(created["id"]), {"title": "Lead the team"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Lead the team"
    saved = stored(world, Goal(pk=created["id"]))
    assert (saved.title, saved.measure, saved.why) == ("Lead the team", SECRET_MEASURE, SECRET_WHY)

    detail = mentee.get(goal_url(created["id"])).json()
    assert (
        detail["title"] == "Lead the team" and detail["target_date"] == goal_body()["target_date"]
    )


def test_a_goal_starts_from_one_of_the_programs_templates(world, pair):
    mw, mentorship = pair
    template = services.goal_template_create(
        actor=world.alpha_owner_membership, program=world.alpha_program, title="Grow your network"
    )
    mentee = client_of(mw.members["mentee0"])
    # The participants read their program's templates.
    templates = mentee.get(program_url(world.alpha_program, "goal-templates"))
    assert templates.status_code == 200
    assert [row["title"] for row in templates.json()["results"]] == ["Grow your network"]

    response = mentee.post(
        mentorship_url(mentorship, "goals"), goal_body(template=template.pk), format="json"
    )
    assert response.status_code == 201
    assert response.json()["template"] == template.pk

    response = mentee.post(
        mentorship_url(mentorship, "goals"), goal_body(template=987654), format="json"
    )
    assert response.status_code == 400
    assert "template" in response.json()["fields"]
    assert count(world, Goal) == 1


def test_a_goal_for_a_mentee_outside_the_mentorship_is_refused(world, pair):
    mw, mentorship = pair
    response = client_of(mw.members["mentor0"]).post(
        mentorship_url(mentorship, "goals"),
        goal_body(mentee=mw.mentees["mentee1"].pk),
        format="json",
    )
    assert response.status_code == 400
    assert "mentee" in response.json()["fields"]
    assert count(world, Goal) == 0


def test_progress_status_and_history(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship, progress_source="manual")
    mentee = client_of(mw.members["mentee0"])

    response = mentee.post(
        goal_url(goal.pk, "progress"), {"progress": 40, "note": "Halfway there"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["progress"] == 40

    response = client_of(mw.members["mentor0"]).post(
        goal_url(goal.pk, "status"), {"status": "achieved"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["progress"]) == ("achieved", 100)

    history = mentee.get(goal_url(goal.pk, "history"))
    assert history.status_code == 200
    rows = history.json()["results"]
    assert [(row["progress"], row["status"]) for row in rows] == [
        (100, "achieved"),
        (40, "active"),
        (0, "active"),
    ]
    assert rows[1]["note"] == "Halfway there"
    assert rows[1]["user"]["name"] == "Mentee0 Alphacanary"
    # The history's notes are the pair's.
    manager = client_of(world.alpha_owner_membership)
    assert manager.get(goal_url(goal.pk, "history")).status_code == 403


def test_a_goal_measured_by_milestones_refuses_progress_by_hand(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship)
    response = client_of(mw.members["mentee0"]).post(
        goal_url(goal.pk, "progress"), {"progress": 50}, format="json"
    )
    assert response.status_code == 400
    assert "progress" in response.json()["fields"]
    assert stored(world, goal).progress == 0


def test_the_pair_works_through_milestones_and_comments(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship)
    mentee, mentor = client_of(mw.members["mentee0"]), client_of(mw.members["mentor0"])
    due = str(TODAY + datetime.timedelta(days=10))

    first = mentee.post(
        goal_url(goal.pk, "milestones"), {"title": SECRET_STEP, "due_on": due}, format="json"
    )
    assert first.status_code == 201
    assert (first.json()["owner"], first.json()["done_on"]) == ("mentee", None)
    second = mentor.post(
        goal_url(goal.pk, "milestones"),
        {"title": "Rehearse", "due_on": due, "owner": "mentor"},
        format="json",
    )
    assert second.status_code == 201
    first_id, second_id = first.json()["id"], second.json()["id"]

    listed = mentee.get(goal_url(goal.pk, "milestones")).json()
    assert [row["title"] for row in listed["results"]] == [SECRET_STEP, "Rehearse"]

    done = mentee.post(
        milestone_url(first_id, "complete"), {"evidence": SECRET_EVIDENCE}, format="json"
    )
    assert done.status_code == 200
    assert (done.json()["done_on"], done.json()["evidence"]) == (str(TODAY), SECRET_EVIDENCE)
    assert stored(world, goal).progress == 50

    reopened = mentee.post(milestone_url(first_id, "complete"), {"done": False}, format="json")
    assert reopened.json()["done_on"] is None
    assert stored(world, goal).progress == 0

    renamed = mentor.patch(milestone_url(second_id), {"title": "Rehearse twice"}, format="json")
    assert renamed.status_code == 200
    assert (renamed.json()["title"], renamed.json()["owner"]) == ("Rehearse twice", "mentor")
    assert mentee.get(milestone_url(second_id)).json()["title"] == "Rehearse twice"

    comment = mentor.post(milestone_url(first_id, "comments"), {"body": "Nice!"}, format="json")
    assert comment.status_code == 201
    comments = mentee.get(milestone_url(first_id, "comments")).json()["results"]
    assert [(c["author"]["name"], c["body"]) for c in comments] == [
        ("Mentor0 Alphacanary", "Nice!")
    ]
    detail = mentee.get(goal_url(goal.pk)).json()
    assert detail["milestone_count"] == 2
    assert [m["comment_count"] for m in detail["milestones"]] == [1, 0]

    assert mentee.delete(milestone_url(second_id)).status_code == 204
    assert count(world, Milestone) == 1


def test_the_pair_ticks_off_relationship_milestones(world, pair):
    mw, mentorship = pair
    mentee = client_of(mw.members["mentee0"])
    steps = mentee.get(mentorship_url(mentorship, "relationship-milestones"))
    assert steps.status_code == 200
    rows = steps.json()["results"]
    assert "Agreement confirmed by both of you" in [row["title"] for row in rows]
    step = next(row for row in rows if row["step"] == "reflection")

    response = mentee.post(step_url(step["id"]), {}, format="json")
    assert response.status_code == 200
    assert response.json()["done_on"] == str(TODAY)
    assert response.json()["done_by"] == {
        "id": mw.mentees["mentee0"].pk,
        "name": "Mentee0 Alphacanary",
    }
    reopened = mentee.post(step_url(step["id"]), {"done": False}, format="json").json()
    assert (reopened["done_on"], reopened["done_by"]) == (None, None)

    # The managers follow them, and do not tick them for the pair.
    manager = client_of(world.alpha_owner_membership)
    assert manager.get(mentorship_url(mentorship, "relationship-milestones")).status_code == 200
    assert manager.post(step_url(step["id"]), {}, format="json").status_code == 403
    assert count(world, RelationshipMilestone, pk=step["id"], done_on__isnull=False) == 0


def test_an_ended_mentorships_goals_no_longer_change(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship, progress_source="manual")
    mentorship_end_early(actor=mw.members["mentor0"], mentorship=mentorship, reason="Moved on")
    response = client_of(mw.members["mentee0"]).post(
        goal_url(goal.pk, "progress"), {"progress": 30}, format="json"
    )
    assert response.status_code == 400
    assert "ended" in response.json()["detail"]
    assert stored(world, goal).progress == 0


# Who reads what -------------------------------------------------------------------------------


def test_managers_read_numbers_not_words_until_the_mentee_shares(world, pair):
    mw, mentorship = pair
    template = services.goal_template_create(
        actor=world.alpha_owner_membership, program=world.alpha_program, title="Grow"
    )
    goal = services.goal_create(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        template=template,
        text=services.GoalText(
            title=SECRET_TITLE,
            measure=SECRET_MEASURE,
            why=SECRET_WHY,
            target_date=TODAY + datetime.timedelta(days=50),
        ),
    )
    milestone = services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title=SECRET_STEP, due_on=TODAY
    )
    services.milestone_complete(
        actor=mw.members["mentee0"], milestone=milestone, evidence=SECRET_EVIDENCE
    )
    secrets = (SECRET_TITLE, SECRET_MEASURE, SECRET_WHY, SECRET_STEP, SECRET_EVIDENCE)

    for manager in (world.alpha_owner_membership, mw.manager):
        client = client_of(manager)
        for url in (
            mentorship_url(mentorship, "goals"),
            goal_url(goal.pk),
            goal_url(goal.pk, "milestones"),
            milestone_url(milestone.pk),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert not any(secret in response.content.decode() for secret in secrets), url
        (row,) = client.get(mentorship_url(mentorship, "goals")).json()["results"]
        assert (row["title"], row["measure"], row["why"], row["template"]) == (None,) * 4
        assert (row["progress"], row["status"], row["target_date"]) == (
            100,
            "active",
            goal_body()["target_date"],
        )
        assert (row["milestone_count"], row["milestones_done"], row["words_visible"]) == (
            1,
            1,
            False,
        )
        (step,) = row["milestones"]
        assert (step["title"], step["evidence"], step["done_on"]) == (None, None, str(TODAY))
        assert client.get(milestone_url(milestone.pk, "comments")).status_code == 403

    # Only the goal's mentee shares it.
    for other in (mw.members["mentor0"], world.alpha_owner_membership):
        response = client_of(other).post(goal_url(goal.pk, "share"), {"shared": True})
        assert response.status_code == 403
    response = client_of(mw.members["mentee0"]).post(
        goal_url(goal.pk, "share"), {"shared": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["shared_with_managers"] is True

    shared = client_of(world.alpha_owner_membership).get(goal_url(goal.pk)).json()
    assert (shared["title"], shared["measure"], shared["template"]) == (
        SECRET_TITLE,
        SECRET_MEASURE,
        template.pk,
    )
    assert shared["milestones"][0]["evidence"] == SECRET_EVIDENCE


def test_managers_do_not_write_the_pairs_goals(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship, progress_source="manual")
    manager = client_of(world.alpha_owner_membership)
    # Refused before the body is read: 403, not field errors.
    attempts = [
        ("post", mentorship_url(mentorship, "goals"), {}),
        ("patch", goal_url(goal.pk), {"title": "Managed"}),
        ("post", goal_url(goal.pk, "progress"), {"progress": 80}),
        ("post", goal_url(goal.pk, "status"), {"status": "dropped"}),
        ("post", goal_url(goal.pk, "milestones"), {"title": "x", "due_on": str(TODAY)}),
        ("post", mentorship_url(mentorship, "check-ins"), check_in_body()),
    ]
    for method, url, body in attempts:
        response = getattr(manager, method)(url, body, format="json")
        assert response.status_code == 403, url
    saved = stored(world, goal)
    assert (saved.title, saved.progress, saved.status) == (SECRET_TITLE, 0, "active")
    assert count(world, Goal) == 1 and count(world, Milestone) == 0 and count(world, CheckIn) == 0


def test_someone_outside_the_pair_gets_404(world, pair):
    """mentee1 is in the same cohort, not in this mentorship: as if none of it existed."""
    mw, mentorship = pair
    goal = make_goal(mw, mentorship)
    milestone = services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title=SECRET_STEP, due_on=TODAY
    )
    with organization_scope(world.alpha):
        step = RelationshipMilestone.objects.filter(mentorship=mentorship).first()
    urls = [
        mentorship_url(mentorship, "goals"),
        mentorship_url(mentorship, "relationship-milestones"),
        mentorship_url(mentorship, "check-ins"),
        goal_url(goal.pk),
        goal_url(goal.pk, "progress"),
        goal_url(goal.pk, "status"),
        goal_url(goal.pk, "share"),
        goal_url(goal.pk, "history"),
        goal_url(goal.pk, "milestones"),
        milestone_url(milestone.pk),
        milestone_url(milestone.pk, "complete"),
        milestone_url(milestone.pk, "comments"),
        step_url(step.pk),
    ]
    for outsider in (mw.members["mentee1"], world.alpha_member_membership):
        client = client_of(outsider)
        for url in urls:
            for method in ("get", "post", "patch", "delete"):
                response = getattr(client, method)(url, {"title": "x"}, format="json")
                assert response.status_code == 404, f"{method} {url}"
                assert SECRET_TITLE not in response.content.decode()
    assert count(world, Milestone) == 1 and count(world, MilestoneComment) == 0


# Refusals: 400 with the field, nothing stored -------------------------------------------------


def test_a_progress_out_of_range_is_refused(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship, progress_source="manual")
    entries = count(world, GoalProgressEntry)
    response = client_of(mw.members["mentee0"]).post(
        goal_url(goal.pk, "progress"), {"progress": 140}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["progress"]
    assert stored(world, goal).progress == 0
    assert count(world, GoalProgressEntry) == entries


def test_a_milestone_due_after_the_goal_is_refused(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship)
    late = str(TODAY + datetime.timedelta(days=51))
    client = client_of(mw.members["mentee0"])
    response = client.post(
        goal_url(goal.pk, "milestones"), {"title": "Too late", "due_on": late}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["due_on"]
    assert count(world, Milestone) == 0
    # Moving one there is refused too.
    milestone = services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title="On time", due_on=TODAY
    )
    response = client.patch(milestone_url(milestone.pk), {"due_on": late}, format="json")
    assert response.status_code == 400 and "due_on" in response.json()["fields"]
    with organization_scope(world.alpha):
        assert Milestone.objects.get(pk=milestone.pk).due_on == TODAY


def test_a_target_date_in_the_past_is_refused(world, pair):
    mw, mentorship = pair
    yesterday = str(TODAY - datetime.timedelta(days=1))
    client = client_of(mw.members["mentee0"])
    response = client.post(
        mentorship_url(mentorship, "goals"), goal_body(target_date=yesterday), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["target_date"]
    assert count(world, Goal) == 0
    # Nor may an existing goal move its date into the past.
    goal = make_goal(mw, mentorship)
    response = client.patch(goal_url(goal.pk), {"target_date": yesterday}, format="json")
    assert response.status_code == 400 and "target_date" in response.json()["fields"]
    assert stored(world, goal).target_date == TODAY + datetime.timedelta(days=50)


def test_a_rating_out_of_range_is_refused(world, pair):
    mw, mentorship = pair
    response = client_of(mw.members["mentee0"]).post(
        mentorship_url(mentorship, "check-ins"), check_in_body(rating=9), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["rating"]
    assert count(world, CheckIn) == 0


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("status", {"status": "won"}, "status"),
        ("share", {}, "shared"),
        ("", {"title": "   "}, "title"),
        ("", {"progress_source": "guess"}, "progress_source"),
    ],
)
def test_bad_goal_input_names_the_field(world, pair, action, body, field):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship)
    client = client_of(mw.members["mentee0"])
    url = goal_url(goal.pk, action)
    method = client.post if action else client.patch
    response = method(url, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    saved = stored(world, goal)
    assert (saved.title, saved.status, saved.shared_with_managers) == (
        SECRET_TITLE,
        "active",
        False,
    )


def test_an_empty_comment_is_refused(world, pair):
    mw, mentorship = pair
    goal = make_goal(mw, mentorship)
    milestone = services.milestone_create(
        actor=mw.members["mentee0"], goal=goal, title=SECRET_STEP, due_on=TODAY
    )
    response = client_of(mw.members["mentor0"]).post(
        milestone_url(milestone.pk, "comments"), {"body": "  "}, format="json"
    )
    assert response.status_code == 400 and "body" in response.json()["fields"]
    assert count(world, MilestoneComment) == 0


# Check-ins ------------------------------------------------------------------------------------


def test_check_ins_are_private_per_role(world, pair):
    mw, mentorship = pair
    mentee, mentor = client_of(mw.members["mentee0"]), client_of(mw.members["mentor0"])
    response = mentee.post(
        mentorship_url(mentorship, "check-ins"),
        check_in_body(rating=2, note_to_manager="Mentor cancels a lot"),
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["period"], response.json()["rating"]) == (1, 2)
    response = mentor.post(
        mentorship_url(mentorship, "check-ins"),
        check_in_body(progress="Good first talk", rating=5, note_to_manager="Keen mentee"),
        format="json",
    )
    assert response.status_code == 201

    def rows(client) -> dict[str, dict]:
        body = client.get(mentorship_url(mentorship, "check-ins")).json()
        assert body["count"] == 2
        return {row["author"]["name"]: row for row in body["results"]}

    # Each side reads the other's reflection, not their rating nor their note.
    seen_by_mentee = rows(mentee)
    own, partners = seen_by_mentee["Mentee0 Alphacanary"], seen_by_mentee["Mentor0 Alphacanary"]
    assert (own["yours"], own["rating"], own["note_to_manager"]) == (
        True,
        2,
        "Mentor cancels a lot",
    )
    assert (partners["yours"], partners["progress"], partners["side"]) == (
        False,
        "Good first talk",
        "mentor",
    )
    assert (partners["rating"], partners["note_to_manager"]) == (None, None)
    assert "Mentor cancels a lot" not in mentor.get(mentorship_url(mentorship, "check-ins")).text

    # The managers read ratings and the notes written to them, not the reflections.
    for manager in (world.alpha_owner_membership, mw.manager):
        response = client_of(manager).get(mentorship_url(mentorship, "check-ins"))
        seen = {row["author"]["name"]: row for row in response.json()["results"]}
        mentee_row = seen["Mentee0 Alphacanary"]
        assert (mentee_row["rating"], mentee_row["note_to_manager"]) == (2, "Mentor cancels a lot")
        assert (mentee_row["progress"], mentee_row["blockers"], mentee_row["next_steps"]) == (
            None,
            None,
            None,
        )
        assert "Good first talk" not in response.content.decode()


def test_check_ins_show_when_each_of_the_pair_is_due(world, pair):
    mw, mentorship = pair
    client = client_of(mw.members["mentee0"])
    client.post(mentorship_url(mentorship, "check-ins"), check_in_body(), format="json")
    schedule = client.get(mentorship_url(mentorship, "check-ins")).json()["schedule"]
    cadence = services.program_goal_settings(world.alpha_program).cadence_days
    assert [(row["person"]["name"], row["side"]) for row in schedule] == [
        ("Mentor0 Alphacanary", "mentor"),
        ("Mentee0 Alphacanary", "mentee"),
    ]
    assert schedule[0]["due"] == {
        "period": 1,
        "due_on": str(mentorship.started_on + datetime.timedelta(days=cadence)),
        "overdue_days": 0,
        "overdue": False,
    }
    assert schedule[1]["due"]["period"] == 2

    # With check-ins off, nobody is asked.
    services.check_in_settings_update(
        actor=world.alpha_owner_membership,
        program=world.alpha_program,
        cadence_days=cadence,
        enabled=False,
    )
    schedule = client.get(mentorship_url(mentorship, "check-ins")).json()["schedule"]
    assert [row["due"] for row in schedule] == [None, None]


def test_a_check_in_ahead_of_its_period_is_refused(world, pair):
    mw, mentorship = pair
    client = client_of(mw.members["mentee0"])
    url = mentorship_url(mentorship, "check-ins")
    assert client.post(url, check_in_body(), format="json").status_code == 201
    assert client.post(url, check_in_body(), format="json").status_code == 201  # the next one
    response = client.post(url, check_in_body(), format="json")
    assert response.status_code == 400
    assert "already checked in" in response.json()["detail"]
    assert count(world, CheckIn) == 2


# A program's settings for its pairs -----------------------------------------------------------


def test_managers_set_the_programs_check_ins_and_milestones(world, pair):
    mw, mentorship = pair
    program = world.alpha_program
    manager = client_of(mw.manager)

    settings = manager.get(program_url(program, "check-in-settings"))
    assert settings.status_code == 200
    assert settings.json() == {"cadence_days": 14, "enabled": True}
    response = manager.put(
        program_url(program, "check-in-settings"),
        {"cadence_days": 28, "enabled": False},
        format="json",
    )
    assert response.status_code == 200 and response.json() == {"cadence_days": 28, "enabled": False}
    response = manager.put(
        program_url(program, "check-in-settings"),
        {"cadence_days": 5, "enabled": True},
        format="json",
    )
    assert response.status_code == 400 and "cadence_days" in response.json()["fields"]
    assert services.program_goal_settings(program).cadence_days == 28

    milestones = manager.get(program_url(program, "relationship-milestones")).json()
    assert [row["step"] for row in milestones["results"]] == [
        "agreement",
        "first_meeting",
        "check_in",
        "reflection",
    ]
    steps = count(world, RelationshipMilestone, mentorship=mentorship)
    response = manager.post(
        program_url(program, "relationship-milestones"),
        {"title": "Meet each other's teams", "step": "other", "due_after_days": 30},
        format="json",
    )
    assert response.status_code == 201
    added_url = f"{program_url(program, 'relationship-milestones')}{response.json()['id']}/"
    # Every open mentorship gets it too.
    assert count(world, RelationshipMilestone, mentorship=mentorship) == steps + 1
    refused = manager.post(
        program_url(program, "relationship-milestones"),
        {"title": "Far", "step": "other", "due_after_days": 5000},
        format="json",
    )
    assert refused.status_code == 400 and "due_after_days" in refused.json()["fields"]
    assert count(world, ProgramMilestone) == 5

    assert manager.delete(added_url).status_code == 204
    assert count(world, RelationshipMilestone, mentorship=mentorship) == steps
    assert manager.delete(added_url).status_code == 404


def test_managers_set_the_programs_goal_templates(world, pair):
    program = world.alpha_program
    owner = client_of(world.alpha_owner_membership)
    response = owner.post(
        program_url(program, "goal-templates"),
        {"title": "Grow your network", "measure": "Five new contacts", "suggested_weeks": 8},
        format="json",
    )
    assert response.status_code == 201
    template_id = response.json()["id"]
    assert response.json()["suggested_weeks"] == 8
    duplicate = owner.post(
        program_url(program, "goal-templates"), {"title": "grow your network"}, format="json"
    )
    assert duplicate.status_code == 400 and "title" in duplicate.json()["fields"]
    assert count(world, GoalTemplate) == 1

    url = f"{program_url(program, 'goal-templates')}{template_id}/"
    assert owner.delete(url).status_code == 204
    assert count(world, GoalTemplate) == 0
    assert owner.delete(url).status_code == 404


def test_the_programs_settings_are_for_those_who_run_it(world, pair):
    mw, _ = pair
    program = world.alpha_program
    template = services.goal_template_create(
        actor=world.alpha_owner_membership, program=program, title="Grow your network"
    )
    with organization_scope(world.alpha):
        milestone = ProgramMilestone.objects.filter(program=program).first()
    template_url = f"{program_url(program, 'goal-templates')}{template.pk}/"
    milestone_url_ = f"{program_url(program, 'relationship-milestones')}{milestone.pk}/"
    participant = client_of(mw.members["mentee0"])
    refused = [
        ("post", program_url(program, "goal-templates"), {"title": "Mine"}),
        ("delete", template_url, {}),
        ("get", program_url(program, "relationship-milestones"), {}),
        ("post", program_url(program, "relationship-milestones"), {"title": "x"}),
        ("delete", milestone_url_, {}),
        ("get", program_url(program, "check-in-settings"), {}),
        ("put", program_url(program, "check-in-settings"), {"cadence_days": 7}),
    ]
    for method, url, body in refused:
        response = getattr(participant, method)(url, body, format="json")
        assert response.status_code == 403, f"{method} {url}"
    assert count(world, GoalTemplate) == 1
    assert count(world, ProgramMilestone, pk=milestone.pk) == 1
    assert services.program_goal_settings(program).cadence_days == 14

    # A member who takes no part in the program does not see it at all.
    outsider = client_of(world.alpha_member_membership)
    for method, url, _ in [("get", program_url(program, "goal-templates"), {}), *refused]:
        assert getattr(outsider, method)(url).status_code == 404, f"{method} {url}"


# Query counts ---------------------------------------------------------------------------------


def _goals_with_milestones(mw, mentorship, goals: int) -> None:
    for number in range(goals):
        goal = make_goal(mw, mentorship, title=f"Goal {number}")
        for step in range(2):
            milestone = services.milestone_create(
                actor=mw.members["mentee0"], goal=goal, title=f"Step {step}", due_on=TODAY
            )
            services.milestone_comment_add(
                actor=mw.members["mentor0"], milestone=milestone, body="Go!"
            )


@pytest.mark.parametrize("goals", [1, 6])
@pytest.mark.parametrize("reader", ["mentee0", "manager"])
def test_the_goal_list_reads_in_a_bounded_number_of_queries(
    world, pair, django_assert_max_num_queries, goals, reader
):
    mw, mentorship = pair
    _goals_with_milestones(mw, mentorship, goals)
    client = client_of(mw.manager if reader == "manager" else mw.members[reader])
    url = mentorship_url(mentorship, "goals")
    client.get(url)  # the session is warm, as for any reader after their first request
    # Session, user, organisation, membership, the mentorship with its people (4), whether a
    # program manager runs the program (asked twice), the organisation, goals, milestones,
    # comments with their authors.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.json()["count"] == goals
    assert all(len(row["milestones"]) == 2 for row in response.json()["results"])


@pytest.mark.parametrize("check_ins", [1, 8])
@pytest.mark.parametrize("reader", ["mentee0", "manager"])
def test_the_check_in_list_reads_in_a_bounded_number_of_queries(
    world, pair, django_assert_max_num_queries, check_ins, reader
):
    mw, mentorship = pair
    services.check_in_submit(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        answers=services.CheckInAnswers(progress="Started", rating=4),
    )
    with organization_scope(world.alpha):
        # Earlier periods' check-ins as rows: the services only take the current one.
        first = CheckIn.objects.get()
        CheckIn.objects.bulk_create(
            CheckIn(
                organization_id=first.organization_id,
                mentorship=mentorship,
                author=mw.members["mentor0"].user if period % 2 else first.author,
                side="mentor" if period % 2 else "mentee",
                period=period,
                due_on=first.due_on,
                progress=f"Period {period}",
                rating=3,
            )
            for period in range(2, check_ins + 1)
        )
    client = client_of(mw.manager if reader == "manager" else mw.members[reader])
    url = mentorship_url(mentorship, "check-ins")
    client.get(url)
    # Session, user, organisation, membership, the mentorship with its people (4), whether a
    # program manager runs the program (asked twice), check-ins with their authors, the
    # organisation, the program's check-in settings.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.json()["count"] == check_ins
    assert len(response.json()["schedule"]) == 2
