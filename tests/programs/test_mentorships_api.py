"""The mentorships API: the pair's own mentorships, their agreement, status and ending."""

from __future__ import annotations

import pytest

from matching import services as matching_services
from organizations.models import Role
from organizations.scope import organization_scope
from programs.models import AgreementRevision, MentorshipStatus
from tests.conftest import CANARY, logged_in_api_client
from tests.matching.test_requests import ask, self_select_cohort
from tests.programs.test_api import join_alpha

MENTORSHIPS = "/api/v1/orgs/alpha/mentorships/"


def mentorship_url(mentorship_id: int) -> str:
    return f"{MENTORSHIPS}{mentorship_id}/"


def agreement_url(mentorship_id: int) -> str:
    return f"{mentorship_url(mentorship_id)}agreement/"


@pytest.fixture
def pair(world):
    """A mentee's request to a mentor, accepted: their mentorship has started."""
    mw = self_select_cohort(world, mentees=1, mentors=1)
    request = ask(mw, "mentee0", "mentor0")
    mentorship = matching_services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=request.pk
    )
    return mw, mentorship


def client_of(mw, handle: str):
    return logged_in_api_client(mw.members[handle].user)


# Reading


def test_each_side_lists_the_mentorship_with_their_role(pair, world):
    mw, mentorship = pair
    for handle, role in (("mentee0", "mentee"), ("mentor0", "mentor")):
        response = client_of(mw, handle).get(MENTORSHIPS)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        (row,) = body["results"]
        assert (row["id"], row["role"], row["status"], row["origin"]) == (
            mentorship.pk,
            role,
            "active",
            "request",
        )
        assert row["mentor"] == {"id": mw.mentors["mentor0"].pk, "name": "Mentor0 Alphacanary"}
        assert row["mentees"] == [{"id": mw.mentees["mentee0"].pk, "name": "Mentee0 Alphacanary"}]
        assert row["program"]["id"] == mw.cohort.program_id
    # The list is the reader's own mentorships: a manager of the program has none.
    assert logged_in_api_client(world.alpha_manager).get(MENTORSHIPS).json()["count"] == 0


def test_the_list_reads_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    mw = self_select_cohort(world, mentees=3, mentors=1, capacity=3)
    for mentee in ("mentee0", "mentee1", "mentee2"):
        matching_services.mentorship_request_accept(
            actor=mw.members["mentor0"], request_id=ask(mw, mentee, "mentor0").pk
        )
    client = client_of(mw, "mentor0")
    # Session, user, organisation, membership, mentorships, their members, the mentees.
    with django_assert_max_num_queries(7):
        response = client.get(MENTORSHIPS)
    body = response.json()
    assert body["count"] == 3
    assert all(len(row["mentees"]) == 1 for row in body["results"])
    assert {row["role"] for row in body["results"]} == {"mentor"}


def test_the_pair_reads_the_agreement_and_the_managers_only_where_it_stands(pair, world):
    mw, mentorship = pair
    response = client_of(mw, "mentee0").get(mentorship_url(mentorship.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "mentee"
    assert (body["agreement_version"], body["agreement_confirmed"]) == (1, False)
    assert body["agreement"]["confidentiality"] == mentorship.agreement.confidentiality
    assert body["agreement"]["channels"] == ["chat", "video"]
    assert sum(p["points"] for p in body["match_explanation"]) == pytest.approx(body["match_score"])

    manager = logged_in_api_client(world.alpha_manager).get(mentorship_url(mentorship.pk))
    assert manager.status_code == 200
    seen = manager.json()
    assert (seen["role"], seen["agreement"]) == (None, None)
    assert (seen["agreement_version"], seen["agreement_confirmed"]) == (1, False)
    assert mentorship.agreement.confidentiality not in manager.content.decode()
    assert seen["match_score"] == body["match_score"]


def test_people_outside_the_mentorship_do_not_find_it(pair, world):
    _, mentorship = pair
    outsiders = [
        logged_in_api_client(world.alpha_member),
        logged_in_api_client(join_alpha(world, "viewer@example.com", Role.REPORT_VIEWER)),
    ]
    for client in outsiders:
        for url in (mentorship_url(mentorship.pk), agreement_url(mentorship.pk)):
            response = client.get(url)
            assert response.status_code == 404
            assert CANARY not in response.content.decode()
        response = client.post(f"{mentorship_url(mentorship.pk)}end/", {"reason": "Because."})
        assert response.status_code == 404
    bravo = logged_in_api_client(world.bravo_owner)
    foreign = mentorship_url(mentorship.pk).replace("/orgs/alpha/", "/orgs/bravo/")
    assert bravo.get(foreign).status_code == 404
    assert bravo.post(f"{foreign}status/", {"status": "paused"}).status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


# The agreement


def test_a_change_raises_the_version_and_asks_the_other_to_confirm(pair):
    mw, mentorship = pair
    mentee, mentor = client_of(mw, "mentee0"), client_of(mw, "mentor0")
    response = mentee.patch(
        agreement_url(mentorship.pk),
        {"goals_scope": "Negotiating my next role.", "channels": ["video", "in_person"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["version"], body["goals_scope"]) == (2, "Negotiating my next role.")
    assert body["channels"] == ["video", "in_person"]
    assert body["meeting_cadence"] == mentorship.agreement.meeting_cadence  # not sent, kept
    assert [p["id"] for p in body["confirmed_by"]] == [mw.mentees["mentee0"].pk]
    assert body["confirmed"] is False
    with organization_scope(mw.cohort.organization):
        assert AgreementRevision.objects.filter(agreement=mentorship.agreement).count() == 1

    response = mentor.post(f"{agreement_url(mentorship.pk)}confirm/", {"version": 1})
    assert response.status_code == 400
    assert "changed since you opened it" in " ".join(response.json()["fields"]["version"])
    response = mentor.post(f"{agreement_url(mentorship.pk)}confirm/", {"version": 2})
    assert response.status_code == 200
    assert response.json()["confirmed"] is True
    assert mentor.get(mentorship_url(mentorship.pk)).json()["agreement_confirmed"] is True


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"channels": []}, "channels", "at least one way"),
        ({"meeting_cadence": "hourly"}, "meeting_cadence", "not a valid choice"),
        ({"confidentiality": "  "}, "confidentiality", "what stays between you"),
        ({"off_limits": "x" * 2001}, "off_limits", "no more than 2000 characters"),
    ],
)
def test_an_invalid_agreement_answers_400_by_field_and_changes_nothing(pair, data, field, message):
    mw, mentorship = pair
    response = client_of(mw, "mentor0").patch(agreement_url(mentorship.pk), data, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()["fields"][field])
    mentorship.agreement.refresh_from_db()
    assert mentorship.agreement.version == 1


def test_the_agreement_is_the_pairs_own(pair, world):
    mw, mentorship = pair
    manager = logged_in_api_client(world.alpha_manager)
    response = manager.get(agreement_url(mentorship.pk))
    assert response.status_code == 403
    assert mentorship.agreement.confidentiality not in response.content.decode()
    # Refused before the body is read: no field errors for someone who may not write.
    response = manager.patch(agreement_url(mentorship.pk), {"channels": []}, format="json")
    assert response.status_code == 403
    assert manager.post(f"{agreement_url(mentorship.pk)}confirm/", {}).status_code == 403
    response = client_of(mw, "mentee0").post(f"{agreement_url(mentorship.pk)}confirm/", {})
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


# Status and ending


def test_pause_resume_and_complete(pair, world):
    mw, mentorship = pair
    mentor = client_of(mw, "mentor0")
    url = f"{mentorship_url(mentorship.pk)}status/"
    response = mentor.post(url, {"status": "paused"})
    assert response.status_code == 200
    assert response.json()["status"] == "paused"
    response = mentor.post(url, {"status": "ended_early"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]
    response = mentor.post(url, {"status": "paused"})
    assert response.status_code == 400
    assert "cannot be set" in " ".join(response.json()["fields"]["status"])
    # The program's managers may change it too.
    response = logged_in_api_client(world.alpha_manager).post(url, {"status": "completed"})
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert response.json()["ended_on"] is not None


def test_ending_early_asks_each_side_for_a_reason(pair, world):
    mw, mentorship = pair
    mentee, mentor = client_of(mw, "mentee0"), client_of(mw, "mentor0")
    end = f"{mentorship_url(mentorship.pk)}end/"
    reason = f"{end}reason/"
    response = mentor.post(reason, {"reason": "Too early."})
    assert response.status_code == 400
    assert "when a mentorship ends early" in response.json()["detail"]
    response = mentee.post(end, {"reason": " "})
    assert response.status_code == 400
    assert "why it is ending" in " ".join(response.json()["fields"]["reason"])

    response = mentee.post(end, {"reason": "I changed teams."})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ended_early"
    assert [(r["role"], r["reason"]) for r in body["end_reasons"]] == [
        ("mentee", "I changed teams.")
    ]
    response = mentor.post(reason, {"reason": "We met twice."})
    assert response.status_code == 200
    assert len(response.json()["end_reasons"]) == 2
    # The managers read why, to match better next time.
    seen = logged_in_api_client(world.alpha_manager).get(mentorship_url(mentorship.pk)).json()
    assert {r["reason"] for r in seen["end_reasons"]} == {"I changed teams.", "We met twice."}
    response = mentor.post(end, {"reason": "Again."})
    assert response.status_code == 400
    assert response.json()["detail"] == "This mentorship has already ended."
    assert (
        logged_in_api_client(world.alpha_manager).post(reason, {"reason": "x"}).status_code == 403
    )
