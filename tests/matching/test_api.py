"""The matching API: settings, match runs and their review, self-select requests."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.core import mail

from matching import services
from matching.models import MatchRun, MatchRunStatus, MentorshipRequest, MentorshipRequestStatus
from organizations.models import Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import CohortStatus, EnrolmentRole, Mentorship, MentorshipStatus, Program
from programs.services import CohortSettings
from tests.conftest import logged_in_api_client
from tests.matching.conftest import MatchingWorld, enrol_person, random_answers
from tests.matching.test_requests import ask, mentee_enrolment, self_select_cohort
from tests.programs.test_api import join_alpha

ORG = "/api/v1/orgs/alpha/"
REQUESTS = f"{ORG}mentorship-requests/"


def settings_url(mw: MatchingWorld) -> str:
    return f"{ORG}programs/{mw.cohort.program_id}/matching-settings/"


def runs_url(mw: MatchingWorld) -> str:
    return f"{ORG}programs/{mw.cohort.program_id}/cohorts/{mw.cohort.pk}/match-runs/"


def run_url(mw: MatchingWorld, run_id: int) -> str:
    return f"{runs_url(mw)}{run_id}/"


def proposal_url(mw: MatchingWorld, run_id: int, proposal_id: int) -> str:
    return f"{run_url(mw, run_id)}proposals/{proposal_id}/"


def suggestions_url(enrolment_id: int) -> str:
    return f"{ORG}my/enrolments/{enrolment_id}/suggestions/"


def request_url(request_id: int, action: str) -> str:
    return f"{REQUESTS}{request_id}/{action}/"


def manager_client(mw: MatchingWorld):
    return logged_in_api_client(mw.world.alpha_manager)


def client_of(mw: MatchingWorld, handle: str):
    return logged_in_api_client(mw.members[handle].user)


def enrolling(mw: MatchingWorld, status: str = CohortStatus.ENROLLING):
    return program_services.cohort_transition(
        actor_membership=mw.world.alpha_owner_membership,
        cohort=mw.cohort,
        to_status=status,
        force=True,
    )


def matching(mw: MatchingWorld):
    return enrolling(mw, CohortStatus.MATCHING)


def start_run(mw: MatchingWorld) -> dict:
    response = manager_client(mw).post(runs_url(mw), {"mode": "optimal"}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def proposals_of(mw: MatchingWorld, run_id: int) -> list[dict]:
    response = manager_client(mw).get(f"{run_url(mw, run_id)}proposals/")
    assert response.status_code == 200
    return response.json()["results"]


# Settings


def test_settings_show_each_criterion_with_its_weight_and_the_rules(matching_world):
    response = manager_client(matching_world).get(settings_url(matching_world))
    assert response.status_code == 200
    body = response.json()
    criteria = {criterion["key"]: criterion for criterion in body["criteria"]}
    assert criteria["skills_wanted"]["name"] == "Skills"
    assert body["weights"] == {key: c["weight"] for key, c in criteria.items()}
    assert body["exclude_same_department"] is True
    assert body["request_expiry_days"] == 7
    assert body["max_timezone_difference_hours"] is None


def test_patching_settings_changes_what_is_sent_and_keeps_the_rest(matching_world):
    mw = matching_world
    response = manager_client(mw).patch(
        settings_url(mw),
        {
            "weights": {"skills_wanted": 10, "goals": 0},
            "max_timezone_difference_hours": 6,
            "availability_target_hours": "2.5",
            "personality_modes": {"openness": "complementary"},
            "suggestions_shown": 4,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["weights"]["skills_wanted"], body["weights"]["goals"]) == (10, 0)
    assert body["max_timezone_difference_hours"] == 6
    assert body["availability_target_hours"] == "2.5"
    assert body["personality_modes"] == {"openness": "complementary"}
    assert (body["suggestions_shown"], body["request_expiry_days"]) == (4, 7)
    settings = services.matching_settings_for(mw.cohort.program)
    assert settings.weights["skills_wanted"] == 10
    assert settings.suggestions_shown == 4


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"weights": {"skills_wanted": 11}}, ("weights", "skills_wanted"), "less than or equal"),
        ({"weights": {"shoe_size": 3}}, ("weights", "shoe_size"), "not a matching criterion"),
        ({"seniority_gap_min": 3, "seniority_gap_max": 1}, ("seniority_gap_min",), "cannot be"),
        ({"request_expiry_days": 0}, ("request_expiry_days",), "greater than or equal to 1"),
        ({"personality_modes": {"humour": "similar"}}, ("personality_modes",), "similar or"),
    ],
)
def test_invalid_settings_answer_400_by_field_and_save_nothing(
    matching_world, body, field, message
):
    mw = matching_world
    response = manager_client(mw).patch(
        settings_url(mw), {**body, "suggestions_shown": 9}, format="json"
    )
    assert response.status_code == 400
    error = response.json()
    assert (error["status"], error["code"]) == (400, "invalid")
    messages = error["fields"]
    for key in field:
        messages = messages[key]
    assert message in " ".join(messages)
    assert services.matching_settings_for(mw.cohort.program).suggestions_shown == 5


def test_turning_every_criterion_off_is_refused_with_the_reason(matching_world):
    mw = matching_world
    weights = dict.fromkeys(manager_client(mw).get(settings_url(mw)).json()["weights"], 0)
    response = manager_client(mw).patch(settings_url(mw), {"weights": weights}, format="json")
    assert response.status_code == 400
    assert "Turn on at least one criterion" in response.json()["detail"]


def test_settings_are_for_those_who_run_the_program(matching_world):
    mw = matching_world
    viewer = join_alpha(mw.world, "viewer@example.com", Role.REPORT_VIEWER)
    response = logged_in_api_client(viewer).get(settings_url(mw))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    response = logged_in_api_client(viewer).patch(settings_url(mw), {"weights": 3}, format="json")
    assert response.status_code == 403
    assert client_of(mw, "mentee0").get(settings_url(mw)).status_code == 404


# Match runs


def test_starting_a_run_answers_its_summary_and_parameters(matching_world):
    mw = matching_world
    run = start_run(mw)
    assert (run["number"], run["status"], run["mode"]) == (1, "draft", "optimal")
    assert run["summary"]["matched"] == 5
    assert run["summary"]["mentees"] == 5
    assert run["created_by"]["email"] == mw.world.alpha_manager.email
    assert run["parameters"]["rules"]["exclude_same_department"] is True
    assert {c["key"] for c in run["parameters"]["criteria"]} >= {"skills_wanted", "goals"}

    detail = manager_client(mw).get(run_url(mw, run["id"]))
    assert detail.status_code == 200
    assert detail.json() == run


def test_runs_are_listed_newest_first_in_bounded_queries(
    matching_world, django_assert_max_num_queries
):
    mw = matching_world
    for _ in range(3):
        services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    client = manager_client(mw)
    # Session, user, organisation, membership, program, cohort, can manage, count, page.
    with django_assert_max_num_queries(9):
        response = client.get(runs_url(mw))
    body = response.json()
    assert body["count"] == 3
    assert [run["number"] for run in body["results"]] == [3, 2, 1]
    assert "parameters" not in body["results"][0]


def test_a_run_that_cannot_start_answers_400_with_the_reason(world):
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    owner = logged_in_api_client(world.alpha_owner)
    response = owner.post(runs_url(mw), {}, format="json")
    assert response.status_code == 400
    assert "Move the cohort to matching first" in response.json()["detail"]
    response = owner.post(runs_url(mw), {"mode": "greedy"}, format="json")
    assert response.status_code == 400
    assert "mode" in response.json()["fields"]


def test_a_cohort_without_mentors_cannot_be_matched(world):
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    mw.cohort = enrolling(mw)
    enrol_person(mw, "mentee0", EnrolmentRole.MENTEE, random_answers(random.Random(1), "mentee"))
    mw.cohort = matching(mw)
    response = logged_in_api_client(world.alpha_owner).post(runs_url(mw), {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "No mentors to match with: no mentor has completed their profile."
    )
    with organization_scope(world.alpha):
        assert not MatchRun.objects.exists()


def test_proposals_list_pairs_with_names_and_explanations(
    matching_world, django_assert_max_num_queries
):
    mw = matching_world
    run = start_run(mw)
    client = manager_client(mw)
    # Session, user, organisation, membership, program, cohort, can manage, run, count, page.
    with django_assert_max_num_queries(10):
        response = client.get(f"{run_url(mw, run['id'])}proposals/")
    body = response.json()
    assert body["count"] == 5
    pair = body["results"][0]
    assert set(pair) == {
        "id",
        "mentee",
        "mentor",
        "score",
        "explanation",
        "locked",
        "changed_by_admin",
    }
    names = {e.pk: e.full_name for e in [*mw.mentees.values(), *mw.mentors.values()]}
    assert pair["mentee"]["name"] == names[pair["mentee"]["id"]]
    assert pair["mentor"]["name"] == names[pair["mentor"]["id"]]
    assert sum(part["points"] for part in pair["explanation"]) == pytest.approx(pair["score"])
    scores = [p["score"] for p in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_removed_pairs_are_listed_unmatched_with_the_reason(
    matching_world, django_assert_max_num_queries
):
    mw = matching_world
    run = start_run(mw)
    client = manager_client(mw)
    pairs = proposals_of(mw, run["id"])
    for pair in pairs[:2]:
        response = client.delete(proposal_url(mw, run["id"], pair["id"]))
        assert response.status_code == 204
    with django_assert_max_num_queries(10):
        response = client.get(f"{run_url(mw, run['id'])}unmatched/")
    body = response.json()
    assert body["count"] == 2
    assert {row["mentee"]["id"] for row in body["results"]} == {
        pair["mentee"]["id"] for pair in pairs[:2]
    }
    assert {row["reason"] for row in body["results"]} == {"removed"}
    assert set(body["results"][0]) == {"id", "mentee", "reason", "exclusions", "feasible_mentors"}
    assert client.get(run_url(mw, run["id"])).json()["summary"]["matched"] == 3
    # A pair that is not (or no longer) among the run's proposals is not found.
    assert client.delete(proposal_url(mw, run["id"], pairs[0]["id"])).status_code == 404


def test_an_unmatchable_mentee_is_listed_with_the_rules_that_excluded_mentors(world):
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    mw.cohort = enrolling(mw)
    rng = random.Random(4)
    for handle, role in (("mentor0", EnrolmentRole.MENTOR), ("mentee0", EnrolmentRole.MENTEE)):
        answers = random_answers(rng, role)
        answers["department"] = "Finance"
        enrol_person(mw, handle, role, answers)
    mw.cohort = matching(mw)
    run = start_run(mw)
    assert run["summary"]["unmatched"] == 1
    response = manager_client(mw).get(f"{run_url(mw, run['id'])}unmatched/")
    (row,) = response.json()["results"]
    assert row["reason"] == "no_feasible_mentor"
    assert row["feasible_mentors"] == 0
    assert row["exclusions"][0]["label"] == "Same department"
    assert row["exclusions"][0]["mentors"] == [mw.mentors["mentor0"].full_name]


def test_swap_exchanges_the_mentors_of_two_pairs(matching_world):
    mw = matching_world
    run = start_run(mw)
    pairs = proposals_of(mw, run["id"])
    first = pairs[0]
    second = next(p for p in pairs if p["mentor"]["id"] != first["mentor"]["id"])
    response = manager_client(mw).post(
        f"{run_url(mw, run['id'])}swap/",
        {"first": first["id"], "second": second["id"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    swapped = {p["id"]: p for p in response.json()}
    assert swapped[first["id"]]["mentor"]["id"] == second["mentor"]["id"]
    assert swapped[second["id"]]["mentor"]["id"] == first["mentor"]["id"]
    assert swapped[first["id"]]["changed_by_admin"] is True

    response = manager_client(mw).post(
        f"{run_url(mw, run['id'])}swap/",
        {"first": first["id"], "second": first["id"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Choose two different pairs to swap."
    response = manager_client(mw).post(
        f"{run_url(mw, run['id'])}swap/", {"first": first["id"]}, format="json"
    )
    assert response.status_code == 400
    assert "second" in response.json()["fields"]


def test_a_locked_pair_stays_when_removed_or_rerun(matching_world):
    mw = matching_world
    run = start_run(mw)
    client = manager_client(mw)
    pair = proposals_of(mw, run["id"])[0]
    lock = f"{proposal_url(mw, run['id'], pair['id'])}lock/"
    assert client.post(lock, {}, format="json").status_code == 400
    response = client.post(lock, {"locked": True}, format="json")
    assert response.status_code == 200
    assert response.json()["locked"] is True

    response = client.delete(proposal_url(mw, run["id"], pair["id"]))
    assert response.status_code == 400
    assert "Unlock the pair first" in response.json()["detail"]

    response = client.post(f"{run_url(mw, run['id'])}rerun/")
    assert response.status_code == 201
    rerun = response.json()
    assert (rerun["number"], rerun["based_on"], rerun["status"]) == (2, run["id"], "draft")
    kept = proposals_of(mw, rerun["id"])
    assert any(
        p["locked"]
        and (p["mentee"]["id"], p["mentor"]["id"]) == (pair["mentee"]["id"], pair["mentor"]["id"])
        for p in kept
    )
    assert client.get(run_url(mw, run["id"])).json()["status"] == "discarded"


def test_publishing_starts_the_mentorships_and_answers_their_ids(matching_world):
    mw = matching_world
    run = start_run(mw)
    client = manager_client(mw)
    response = client.post(f"{run_url(mw, run['id'])}publish/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["run"]["status"] == "published"
    assert body["run"]["published_by"] == mw.world.alpha_manager.pk
    with organization_scope(mw.world.alpha):
        started = set(Mentorship.objects.filter(cohort=mw.cohort).values_list("pk", flat=True))
    assert set(body["mentorships"]) == started
    assert len(started) == 5

    response = client.post(f"{run_url(mw, run['id'])}publish/")
    assert response.status_code == 400
    assert "published" in response.json()["detail"]
    response = client.post(f"{run_url(mw, run['id'])}swap/", {"first": 1, "second": 2})
    assert response.status_code == 400


def test_discarding_a_draft_run(matching_world):
    mw = matching_world
    run = start_run(mw)
    response = manager_client(mw).post(f"{run_url(mw, run['id'])}discard/")
    assert response.status_code == 200
    assert response.json()["status"] == "discarded"
    with organization_scope(mw.world.alpha):
        assert MatchRun.objects.get(pk=run["id"]).status == MatchRunStatus.DISCARDED
        assert not Mentorship.objects.exists()


def test_match_runs_are_for_those_who_run_the_program(matching_world):
    mw = matching_world
    run = start_run(mw)
    viewer = logged_in_api_client(join_alpha(mw.world, "viewer@example.com", Role.REPORT_VIEWER))
    # Someone who sees the program but does not run it: 403, whatever they ask.
    assert viewer.get(runs_url(mw)).status_code == 403
    assert viewer.get(run_url(mw, run["id"])).status_code == 403
    assert viewer.post(f"{run_url(mw, run['id'])}publish/").status_code == 403
    # A participant does not see the program: 404.
    mentee = client_of(mw, "mentee0")
    assert mentee.get(runs_url(mw)).status_code == 404
    assert mentee.post(runs_url(mw), {}, format="json").status_code == 404
    # Another organisation's run answers 404 under its own slug, exactly like a missing one.
    bravo = logged_in_api_client(mw.world.bravo_owner)
    foreign = run_url(mw, run["id"]).replace("/orgs/alpha/", "/orgs/bravo/")
    response = bravo.post(f"{foreign}publish/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "Not found.",
        "fields": {},
    }
    with organization_scope(mw.world.alpha):
        assert MatchRun.objects.get(pk=run["id"]).status == MatchRunStatus.DRAFT
    # A run that does not exist answers the same.
    assert bravo.post(f"{foreign.replace(str(run['id']), '987654')}publish/").status_code == 404
    assert manager_client(mw).get(run_url(mw, 987654)).status_code == 404


# Self-select


def test_suggestions_list_mentors_with_scores_and_places(world, django_assert_max_num_queries):
    mw = self_select_cohort(world, mentors=3)
    ask(mw, "mentee0", "mentor1")
    client = client_of(mw, "mentee0")
    url = suggestions_url(mw.mentees["mentee0"].pk)
    # The request's own reads, then the pool (people, answers, rules, places) in fixed queries.
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 3
    first = body["results"][0]
    assert set(first) == {"mentor", "score", "places_left", "requested", "parts"}
    scores = [s["score"] for s in body["results"]]
    assert scores == sorted(scores, reverse=True)
    requested = {s["mentor"]["id"]: s["requested"] for s in body["results"]}
    assert requested[mw.mentors["mentor1"].pk] is True
    assert requested[mw.mentors["mentor0"].pk] is False
    assert sum(p["points"] for p in first["parts"]) == pytest.approx(first["score"])


def test_suggestions_say_why_choosing_is_not_possible(world, matching_world):
    mw = matching_world  # an admin-led program
    response = client_of(mw, "mentee0").get(suggestions_url(mw.mentees["mentee0"].pk))
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "In this program, the program managers match mentees with mentors."
    )
    response = client_of(mw, "mentor0").get(suggestions_url(mw.mentors["mentor0"].pk))
    assert response.status_code == 400
    assert response.json()["detail"] == "Only mentees choose a mentor."
    # Someone else's place is not found.
    response = client_of(mw, "mentee1").get(suggestions_url(mw.mentees["mentee0"].pk))
    assert response.status_code == 404


def test_sending_a_request_answers_201_and_both_sides_list_it(world):
    mw = self_select_cohort(world)
    mentee = client_of(mw, "mentee0")
    response = mentee.post(
        REQUESTS,
        {
            "enrolment": mw.mentees["mentee0"].pk,
            "mentor": mw.mentors["mentor0"].pk,
            "message": "Would you mentor me on negotiation?",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    sent = response.json()
    assert (sent["direction"], sent["status"]) == ("sent", "pending")
    assert sent["mentor"] == {"id": mw.mentors["mentor0"].pk, "name": "Mentor0 Alphacanary"}
    assert sent["program"]["id"] == mw.cohort.program_id
    assert sum(p["points"] for p in sent["explanation"]) == pytest.approx(sent["score"])

    received = client_of(mw, "mentor0").get(REQUESTS).json()
    assert received["count"] == 1
    assert received["results"][0]["direction"] == "received"
    assert received["results"][0]["message"] == "Would you mentor me on negotiation?"
    assert client_of(mw, "mentor1").get(REQUESTS).json()["count"] == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda mw: {"message": "  "}, "message", "Write a few words"),
        (lambda mw: {"mentor": 987654}, "mentor", "Choose one of the cohort's mentors."),
        (lambda mw: {"mentor": None}, "mentor", "may not be null"),
        # Someone else's place answers as a missing one does.
        (lambda mw: {"enrolment": mw.mentees["mentee1"].pk}, "enrolment", "your own places"),
        (lambda mw: {"enrolment": 987654}, "enrolment", "your own places"),
    ],
)
def test_an_invalid_request_answers_400_by_field(world, change, field, message):
    mw = self_select_cohort(world)
    body = {
        "enrolment": mw.mentees["mentee0"].pk,
        "mentor": mw.mentors["mentor0"].pk,
        "message": "Hello",
    }
    response = client_of(mw, "mentee0").post(REQUESTS, {**body, **change(mw)}, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["fields"][field])
    with organization_scope(world.alpha):
        assert not MentorshipRequest.objects.exists()


def self_select_cohort_apart(world, *, mentees: int, mentors: int) -> MatchingWorld:
    """A self-select cohort in matching whose people share a language and all work in different
    departments, so that every mentee may ask every mentor."""
    with organization_scope(world.alpha):
        Program.objects.filter(pk=world.alpha_program.pk).update(matching_mode="both")
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    mw.cohort = enrolling(mw)
    rng = random.Random(21)
    for role, count in ((EnrolmentRole.MENTOR, mentors), (EnrolmentRole.MENTEE, mentees)):
        for number in range(count):
            answers = random_answers(rng, role)
            answers["languages"] = ["English"]
            answers["department"] = f"{role} team {number}"
            enrol_person(mw, f"{role}{number}", role, answers)
    mw.cohort = matching(mw)
    return mw


def test_requests_filter_by_direction_in_bounded_queries(world, django_assert_max_num_queries):
    mw = self_select_cohort_apart(world, mentees=3, mentors=2)
    for mentee in ("mentee0", "mentee1", "mentee2"):
        ask(mw, mentee, "mentor0")
    ask(mw, "mentee0", "mentor1")
    mentor = client_of(mw, "mentor0")
    # Session, user, organisation, membership, count, page: however many requests.
    with django_assert_max_num_queries(6):
        response = mentor.get(REQUESTS)
    body = response.json()
    assert body["count"] == 3
    assert {r["direction"] for r in body["results"]} == {"received"}
    mentee = client_of(mw, "mentee0")
    with django_assert_max_num_queries(6):
        response = mentee.get(REQUESTS, {"direction": "sent"})
    assert response.json()["count"] == 2
    assert mentee.get(REQUESTS, {"direction": "received"}).json()["count"] == 0
    response = mentee.get(REQUESTS, {"direction": "sideways"})
    assert response.status_code == 400
    assert "direction" in response.json()["fields"]


def test_a_member_who_both_asks_and_is_asked_sees_both_directions(world):
    mw = self_select_cohort_apart(world, mentees=1, mentors=1)
    ask(mw, "mentee0", "mentor0")
    # The mentor also takes part as a mentee in another cohort of the same program.
    owner = world.alpha_owner_membership
    other = program_services.cohort_create(
        actor_membership=owner,
        program=mw.cohort.program,
        values=CohortSettings(
            name="Autumn",
            enrolment_opens_on=date(2027, 8, 1),
            enrolment_closes_on=date(2027, 8, 31),
            starts_on=date(2027, 9, 1),
            ends_on=date(2028, 2, 1),
        ),
    )
    second = MatchingWorld(world=world, cohort=other, members=mw.members)
    second.cohort = program_services.cohort_transition(
        actor_membership=owner, cohort=other, to_status=CohortStatus.ENROLLING, force=True
    )
    rng = random.Random(8)
    for handle, role in (("mentor9", EnrolmentRole.MENTOR), ("mentor0", EnrolmentRole.MENTEE)):
        answers = random_answers(rng, role)
        answers["languages"] = ["English"]
        answers["department"] = f"{handle} team"
        if handle == "mentor0":
            enrolment = program_services.enrolment_add_member(
                actor_membership=owner,
                cohort=second.cohort,
                member=mw.members["mentor0"],
                role=role,
            )
            program_services.enrolment_save_profile(
                user=mw.members["mentor0"].user, enrolment=enrolment, answers=answers
            )
            second.mentees["mentor0"] = enrolment
        else:
            enrol_person(second, handle, role, answers)
    second.cohort = matching(second)
    services.mentorship_request_send(
        actor=mw.members["mentor0"],
        enrolment=mentee_enrolment(second, "mentor0"),
        mentor_id=second.mentors["mentor9"].pk,
        message="My turn to learn.",
    )
    body = client_of(mw, "mentor0").get(REQUESTS).json()
    assert body["count"] == 2
    assert sorted(r["direction"] for r in body["results"]) == ["received", "sent"]


def test_the_mentor_accepts_and_the_mentorship_starts(world):
    mw = self_select_cohort(world)
    request = ask(mw, "mentee0", "mentor0")
    # The mentee cannot answer their own request; a stranger does not find it.
    response = client_of(mw, "mentee0").post(request_url(request.pk, "accept"))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the mentor asked can answer this request."
    assert client_of(mw, "mentor1").post(request_url(request.pk, "accept")).status_code == 404

    response = client_of(mw, "mentor0").post(request_url(request.pk, "accept"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["direction"]) == ("accepted", "received")
    with organization_scope(world.alpha):
        mentorship = Mentorship.objects.get(pk=body["mentorship"])
    assert mentorship.status == MentorshipStatus.ACTIVE

    response = client_of(mw, "mentor0").post(request_url(request.pk, "accept"))
    assert response.status_code == 400
    assert response.json()["detail"] == "This request is already accepted."


def test_the_mentor_declines_with_a_reason_the_mentee_reads(world):
    mw = self_select_cohort(world)
    request = ask(mw, "mentee0", "mentor0")
    mail.outbox.clear()
    response = client_of(mw, "mentor0").post(
        request_url(request.pk, "decline"), {"reason": "My places are full."}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["response"]) == (
        "declined",
        "My places are full.",
    )
    sent = client_of(mw, "mentee0").get(REQUESTS).json()["results"][0]
    assert (sent["status"], sent["response"]) == ("declined", "My places are full.")
    response = client_of(mw, "mentee0").post(request_url(request.pk, "decline"), {})
    assert response.status_code == 403


def test_the_mentee_withdraws_a_waiting_request(world):
    mw = self_select_cohort(world)
    request = ask(mw, "mentee0", "mentor0")
    assert client_of(mw, "mentor0").post(request_url(request.pk, "withdraw")).status_code == 403
    response = client_of(mw, "mentee0").post(request_url(request.pk, "withdraw"))
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    with organization_scope(world.alpha):
        status = MentorshipRequest.objects.get(pk=request.pk).status
    assert status == MentorshipRequestStatus.WITHDRAWN
    # Another organisation's member does not find it, under either slug.
    bravo = logged_in_api_client(world.bravo_owner)
    assert bravo.post(request_url(request.pk, "withdraw")).status_code == 404
    foreign = request_url(request.pk, "withdraw").replace("/orgs/alpha/", "/orgs/bravo/")
    assert bravo.post(foreign).status_code == 404
