"""Self-select: suggestions, requests, answers, expiry and capacity under concurrency."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from matching import services
from matching.models import MentorshipRequest, MentorshipRequestStatus
from matching.tasks import send_request_email
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import CohortStatus, EnrolmentRole, EnrolmentState, Mentorship, Program
from programs.services import mentorships as mentorship_services
from tests.conftest import require_service
from tests.matching.conftest import MatchingWorld, enrol_person, random_answers


def self_select_cohort(world, *, mentees: int = 2, mentors: int = 2, capacity: int = 1):
    with organization_scope(world.alpha):
        Program.objects.filter(pk=world.alpha_program.pk).update(matching_mode="both")
    world.alpha_program.refresh_from_db()
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    mw.cohort = program_services.cohort_transition(
        actor_membership=world.alpha_owner_membership, cohort=mw.cohort,
        to_status=CohortStatus.ENROLLING, force=True,
    )  # fmt: skip
    rng = random.Random(21)
    for number in range(mentors):
        answers = random_answers(rng, "mentor")
        answers["languages"] = ["English"]
        enrol_person(mw, f"mentor{number}", EnrolmentRole.MENTOR, answers,
                     capacity=capacity, department=f"Mentor team {number}")  # fmt: skip
    for number in range(mentees):
        answers = random_answers(rng, "mentee")
        answers["languages"] = ["English"]
        enrol_person(mw, f"mentee{number}", EnrolmentRole.MENTEE, answers,
                     department=f"Mentee team {number}")  # fmt: skip
    mw.cohort = program_services.cohort_transition(
        actor_membership=world.alpha_owner_membership, cohort=mw.cohort,
        to_status=CohortStatus.MATCHING, force=True,
    )  # fmt: skip
    mail.outbox.clear()  # the invitations of setting up
    return mw


def mentee_enrolment(mw, handle):
    return mw.refresh(mw.mentees[handle])


def ask(mw, mentee: str, mentor: str, message: str = "Would you mentor me?"):
    return services.mentorship_request_send(
        actor=mw.members[mentee],
        enrolment=mentee_enrolment(mw, mentee),
        mentor_id=mw.mentors[mentor].pk,
        message=message,
    )


def test_suggestions_rank_mentors_and_explain_them(world):
    mw = self_select_cohort(world, mentors=3)
    found = services.suggestions_for(
        actor=mw.members["mentee0"], enrolment=mentee_enrolment(mw, "mentee0")
    )
    assert len(found) == 3
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    for suggestion in found:
        assert sum(p["points"] for p in suggestion.parts) == pytest.approx(suggestion.score)
        assert suggestion.places_left == 1
        assert not suggestion.requested


def test_a_mentor_at_capacity_is_not_suggested(world):
    mw = self_select_cohort(world, mentees=2, mentors=2, capacity=1)
    request = ask(mw, "mentee1", "mentor0")
    services.mentorship_request_accept(actor=mw.members["mentor0"], request_id=request.pk)
    found = services.suggestions_for(
        actor=mw.members["mentee0"], enrolment=mentee_enrolment(mw, "mentee0")
    )
    assert [s.mentor.pk for s in found] == [mw.mentors["mentor1"].pk]


def test_not_this_person_hides_the_mentor_and_refuses_a_request(world):
    mw = self_select_cohort(world, mentors=2)
    enrolment = mentee_enrolment(mw, "mentee0")
    services.mentor_exclusion_set(
        actor=mw.members["mentee0"],
        enrolment=enrolment,
        mentor_id=mw.mentors["mentor0"].pk,
        excluded=True,
    )
    found = services.suggestions_for(actor=mw.members["mentee0"], enrolment=enrolment)
    assert [s.mentor.pk for s in found] == [mw.mentors["mentor1"].pk]
    with pytest.raises(ValidationError, match="“not this person” list"):
        ask(mw, "mentee0", "mentor0")


def test_a_request_emails_the_mentor_once_and_accepting_starts_the_mentorship(
    world, django_capture_on_commit_callbacks
):
    mw = self_select_cohort(world, mentees=2, mentors=2)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(mw, "mentee0", "mentor0", "I would love to learn negotiation from you.")
    assert request.status == MentorshipRequestStatus.PENDING
    assert request.expires_at > timezone.now() + timedelta(days=6)
    (email,) = mail.outbox
    assert email.to == [mw.mentors["mentor0"].email]
    assert "I would love to learn negotiation from you." in email.body
    # A redelivered task sends nothing more.
    send_request_email(request.organization_id, request.pk, "pending")
    assert len(mail.outbox) == 1

    other = ask(mw, "mentee0", "mentor1")
    mentorship = services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=request.pk
    )
    assert mentorship.mentor_id == mw.mentors["mentor0"].pk
    with organization_scope(world.alpha):
        assert (
            MentorshipRequest.objects.get(pk=request.pk).status == MentorshipRequestStatus.ACCEPTED
        )
        # The mentee's other request is withdrawn: they have a mentor now.
        assert (
            MentorshipRequest.objects.get(pk=other.pk).status == MentorshipRequestStatus.WITHDRAWN
        )
        assert mentorship.agreement.version == 1
        assert mentorship.match_explanation
    assert mentee_enrolment(mw, "mentee0").state == EnrolmentState.MATCHED


def test_a_full_mentor_declines_the_other_waiting_requests(
    world, django_capture_on_commit_callbacks
):
    mw = self_select_cohort(world, mentees=2, mentors=1, capacity=1)
    first = ask(mw, "mentee0", "mentor0")
    second = ask(mw, "mentee1", "mentor0")
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_request_accept(actor=mw.members["mentor0"], request_id=first.pk)
    with organization_scope(world.alpha):
        declined = MentorshipRequest.objects.get(pk=second.pk)
    assert declined.status == MentorshipRequestStatus.DECLINED
    assert declined.response == "The mentor has no free place left."
    # Both sides of the new mentorship hear of it; the other mentee hears the answer.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted([
        (mw.mentors["mentor0"].email, f"You have been matched with {mw.mentees['mentee0'].full_name}"),
        (mw.mentees["mentee0"].email, f"You have been matched with {mw.mentors['mentor0'].full_name}"),
        (mw.mentees["mentee1"].email, f"{mw.mentors['mentor0'].full_name} cannot take you on this time"),
    ])  # fmt: skip


def test_decline_with_a_reason_and_withdraw(world, django_capture_on_commit_callbacks):
    mw = self_select_cohort(world, mentees=1, mentors=2)
    first = ask(mw, "mentee0", "mentor0")
    second = ask(mw, "mentee0", "mentor1")
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_request_decline(
            actor=mw.members["mentor0"], request_id=first.pk, reason="I am away until June."
        )
    assert "I am away until June." in mail.outbox[-1].body
    with pytest.raises(PermissionDenied):
        services.mentorship_request_withdraw(actor=mw.members["mentor1"], request_id=second.pk)
    services.mentorship_request_withdraw(actor=mw.members["mentee0"], request_id=second.pk)
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.mentorship_request_accept(actor=mw.members["mentor1"], request_id=second.pk)


def test_only_the_mentor_asked_can_accept(world):
    mw = self_select_cohort(world, mentees=1, mentors=2)
    request = ask(mw, "mentee0", "mentor0")
    with pytest.raises(PermissionDenied):
        services.mentorship_request_accept(actor=mw.members["mentor1"], request_id=request.pk)
    with pytest.raises(PermissionDenied):
        services.mentorship_request_accept(actor=mw.members["mentee0"], request_id=request.pk)


@pytest.mark.parametrize(
    ("message", "error"),
    [("   ", "Write a few words"), ("x" * 2001, "under 2000 characters")],
)
def test_a_request_needs_a_message_of_sensible_length(world, message, error):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    with pytest.raises(ValidationError, match=error):
        ask(mw, "mentee0", "mentor0", message)
    with organization_scope(world.alpha):
        assert not MentorshipRequest.objects.exists()


def test_asking_twice_or_too_many_is_refused(world):
    mw = self_select_cohort(world, mentees=1, mentors=5)
    ask(mw, "mentee0", "mentor0")
    with pytest.raises(ValidationError, match="already asked this mentor"):
        ask(mw, "mentee0", "mentor0")
    ask(mw, "mentee0", "mentor1")
    ask(mw, "mentee0", "mentor2")
    with pytest.raises(ValidationError, match="3 requests waiting"):
        ask(mw, "mentee0", "mentor3")


def test_requests_expire_and_the_mentee_hears_once(world, django_capture_on_commit_callbacks):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    request = ask(mw, "mentee0", "mentor0")
    later = timezone.now() + timedelta(days=8)
    assert services.mentorship_requests_expire(now=timezone.now()) == 0
    assert services.mentorship_requests_expire(now=later) == 1
    assert services.mentorship_requests_expire(now=later) == 0
    with organization_scope(world.alpha):
        assert (
            MentorshipRequest.objects.get(pk=request.pk).status == MentorshipRequestStatus.EXPIRED
        )
    assert [m.subject for m in mail.outbox] == [
        f"Your request to {mw.mentors['mentor0'].full_name} has expired"
    ]
    with pytest.raises(ValidationError, match="already expired"):
        services.mentorship_request_accept(actor=mw.members["mentor0"], request_id=request.pk)


def test_a_request_past_its_date_cannot_be_accepted_before_the_scan(world):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    request = ask(mw, "mentee0", "mentor0")
    with organization_scope(world.alpha):
        MentorshipRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    with pytest.raises(ValidationError, match="expired"):
        services.mentorship_request_accept(actor=mw.members["mentor0"], request_id=request.pk)


def test_admin_led_programs_do_not_offer_self_select(world):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    with organization_scope(world.alpha):
        Program.objects.filter(pk=world.alpha_program.pk).update(matching_mode="admin_led")
    with pytest.raises(ValidationError, match="program managers match mentees"):
        services.suggestions_for(
            actor=mw.members["mentee0"], enrolment=mentee_enrolment(mw, "mentee0")
        )


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_the_same_moment_never_exceed_capacity(world, monkeypatch):
    """Two mentees asked one mentor with one place; the mentor accepts both at once (two
    browser tabs). The places are counted inside the lock on the mentor's row, and the count
    is slowed down here so that, without the lock, both accepts would see the place free."""
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    mw = self_select_cohort(world, mentees=2, mentors=1, capacity=1)
    requests = [ask(mw, "mentee0", "mentor0"), ask(mw, "mentee1", "mentor0")]
    from matching.services import requests as request_services

    counted = request_services.open_mentee_counts

    def slow_count(*args, **kwargs):
        result = counted(*args, **kwargs)
        threading.Event().wait(0.3)
        return result

    monkeypatch.setattr(request_services, "open_mentee_counts", slow_count)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(request_id: int) -> None:
        try:
            start.wait()
            services.mentorship_request_accept(actor=mw.members["mentor0"], request_id=request_id)
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(r.pk,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2
    assert outcomes.count("accepted") == 1
    # The second accept waited for the first, which filled the place and declined the rest.
    (refused,) = [outcome for outcome in outcomes if outcome != "accepted"]
    assert refused in ("This request is already declined.", "You have no free place left. "
                       "End or complete a mentorship first, or decline.")  # fmt: skip
    with organization_scope(world.alpha):
        assert Mentorship.objects.filter(mentor=mw.mentors["mentor0"], status="active").count() == 1


def test_ending_early_needs_a_reason_and_asks_the_other_side(world):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    request = ask(mw, "mentee0", "mentor0")
    mentorship = services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=request.pk
    )
    with pytest.raises(ValidationError, match="why it is ending"):
        mentorship_services.mentorship_end_early(
            actor=mw.members["mentee0"], mentorship=mentorship, reason=" "
        )
    mentorship_services.mentorship_end_early(
        actor=mw.members["mentee0"], mentorship=mentorship, reason="We could not find a time."
    )
    mentorship.refresh_from_db()
    assert mentorship.status == "ended_early"
    mentorship_services.mentorship_add_end_reason(
        actor=mw.members["mentor0"], mentorship=mentorship, reason="Different time zones."
    )
    with organization_scope(world.alpha):
        reasons = dict(mentorship.end_reasons.values_list("role", "reason"))
    assert reasons == {"mentee": "We could not find a time.", "mentor": "Different time zones."}
    with pytest.raises(PermissionDenied):
        mentorship_services.mentorship_add_end_reason(
            actor=world.alpha_member_membership, mentorship=mentorship, reason="Nosy."
        )
