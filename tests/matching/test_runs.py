"""Match runs through the services: propose, review, publish, all within the rules."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matching import services
from matching.models import MatchProposal, MatchRunStatus, UnmatchedMentee, UnmatchedReason
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import (
    CohortStatus,
    EnrolmentRole,
    EnrolmentState,
    Mentorship,
    MentorshipStatus,
    Program,
)
from programs.services.mentorships import mentorship_end_early
from tests.matching.conftest import MatchingWorld, enrol_person, random_answers


def proposals(run):
    with organization_scope(run.organization):
        return list(MatchProposal.objects.filter(run=run).select_related("mentee", "mentor"))


def test_a_run_proposes_pairs_within_capacity_with_explanations(matching_world):
    mw = matching_world
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    pairs = proposals(run)
    assert run.status == MatchRunStatus.DRAFT
    assert len(pairs) == 5  # 3 mentors x 2 places for 5 mentees
    load = {}
    for pair in pairs:
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
        assert sum(part["points"] for part in pair.explanation) == pytest.approx(pair.score)
        assert all(part["words"] for part in pair.explanation)
    assert max(load.values()) <= 2
    assert run.summary["matched"] == 5
    assert run.summary["mentees"] == 5
    assert sum(band["count"] for band in run.summary["quality"]) == 5
    assert run.parameters["criteria"][0]["weight"] >= 0


def test_publishing_starts_mentorships_and_marks_everyone_matched(matching_world):
    mw = matching_world
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    started = services.match_run_publish(actor=mw.manager, run=run)
    assert len(started) == 5
    with organization_scope(mw.cohort.organization):
        assert (
            Mentorship.objects.filter(cohort=mw.cohort, status=MentorshipStatus.ACTIVE).count() == 5
        )
    for enrolment in list(mw.mentees.values()) + list(mw.mentors.values()):
        assert mw.refresh(enrolment).state == EnrolmentState.MATCHED
    with pytest.raises(ValidationError, match="published"):
        services.match_run_publish(actor=mw.manager, run=run)


def test_swap_exchanges_mentors_and_rescores(matching_world):
    mw = matching_world
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    pairs = proposals(run)
    first = pairs[0]
    second = next(p for p in pairs if p.mentor_id != first.mentor_id)
    services.match_run_swap(actor=mw.manager, run=run, first_id=first.pk, second_id=second.pk)
    after = {p.pk: p for p in proposals(run)}
    assert after[first.pk].mentor_id == second.mentor_id
    assert after[second.pk].mentor_id == first.mentor_id
    assert after[first.pk].changed_by_admin
    assert sum(p["points"] for p in after[first.pk].explanation) == pytest.approx(
        after[first.pk].score
    )


def test_remove_and_lock_then_rerun_keeps_the_locked_pair(matching_world):
    mw = matching_world
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    pairs = proposals(run)
    services.match_run_set_locked(actor=mw.manager, run=run, proposal_id=pairs[0].pk, locked=True)
    services.match_run_remove_pair(actor=mw.manager, run=run, proposal_id=pairs[1].pk)
    with organization_scope(run.organization):
        removed = UnmatchedMentee.objects.get(run=run)
    assert removed.mentee_id == pairs[1].mentee_id
    assert removed.reason == "removed"
    with pytest.raises(ValidationError, match="Unlock the pair first"):
        services.match_run_remove_pair(actor=mw.manager, run=run, proposal_id=pairs[0].pk)

    rerun = services.match_run_rerun(actor=mw.manager, run=run)
    run.refresh_from_db()
    assert run.status == MatchRunStatus.DISCARDED
    kept = {(p.mentee_id, p.mentor_id, p.locked) for p in proposals(rerun)}
    assert (pairs[0].mentee_id, pairs[0].mentor_id, True) in kept
    assert len(kept) == 5


def test_a_run_without_mentors_or_mentees_says_so(world):
    from programs import services as program_services
    from programs.models import CohortStatus

    owner = world.alpha_owner_membership
    cohort = world.alpha_cohort
    for status in (CohortStatus.ENROLLING, CohortStatus.MATCHING):
        cohort = program_services.cohort_transition(
            actor_membership=owner, cohort=cohort, to_status=status, force=True
        )
    with pytest.raises(ValidationError, match="no mentee of this cohort is waiting"):
        services.match_run_create(actor=owner, cohort=cohort)


def test_a_cohort_still_enrolling_cannot_be_matched(world):
    with pytest.raises(ValidationError, match="Move the cohort to matching first"):
        services.match_run_create(actor=world.alpha_owner_membership, cohort=world.alpha_cohort)


def test_only_the_programs_managers_run_matching(matching_world):
    mw = matching_world
    with pytest.raises(PermissionDenied):
        services.match_run_create(actor=mw.members["mentee0"], cohort=mw.cohort)


def small_cohort(world, mentees: int, *, capacity: int = 1) -> MatchingWorld:
    mw = MatchingWorld(world=world, cohort=world.alpha_cohort)
    program_services.cohort_transition(
        actor_membership=world.alpha_owner_membership,
        cohort=mw.cohort,
        to_status=CohortStatus.ENROLLING,
        force=True,
    )
    rng = random.Random(5)
    mentor_answers = random_answers(rng, "mentor")
    mentor_answers["languages"] = ["English"]
    enrol_person(mw, "mentor0", EnrolmentRole.MENTOR, mentor_answers,
                 capacity=capacity, department="Team A")  # fmt: skip
    for number in range(mentees):
        answers = random_answers(rng, "mentee")
        answers["languages"] = ["English"]
        enrol_person(mw, f"mentee{number}", EnrolmentRole.MENTEE, answers,
                     department=f"Team {number + 1}")  # fmt: skip
    mw.cohort = program_services.cohort_transition(
        actor_membership=world.alpha_owner_membership,
        cohort=mw.cohort,
        to_status=CohortStatus.MATCHING,
        force=True,
    )
    return mw


def test_all_mentors_full_reports_every_mentee_with_the_reason(world):
    mw = small_cohort(world, mentees=2, capacity=1)
    first = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    assert len(proposals(first)) == 1
    with organization_scope(first.organization):
        waiting = UnmatchedMentee.objects.get(run=first)
    assert waiting.reason == UnmatchedReason.PLACES_TAKEN
    assert waiting.feasible_mentors == 1
    services.match_run_publish(actor=mw.manager, run=first)

    second = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    assert proposals(second) == []
    with organization_scope(second.organization):
        still_waiting = UnmatchedMentee.objects.get(run=second)
    assert still_waiting.mentee_id == waiting.mentee_id
    assert still_waiting.reason == UnmatchedReason.NO_FEASIBLE_MENTOR
    assert still_waiting.exclusions == [
        {"rule": "at_capacity", "label": "No free place left", "count": 1,
         "mentors": ["Mentor0 Alphacanary"]}
    ]  # fmt: skip
    assert second.summary["matched"] == 0
    assert second.summary["unmatched"] == 1
    with pytest.raises(ValidationError, match="nothing to publish"):
        services.match_run_publish(actor=mw.manager, run=second)


def test_ending_early_returns_the_mentee_and_never_repeats_the_pair(world):
    mw = small_cohort(world, mentees=1, capacity=2)
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    (mentorship,) = services.match_run_publish(actor=mw.manager, run=run)
    mentorship_end_early(actor=mw.members["mentee0"], mentorship=mentorship, reason="Not a fit.")
    assert mw.refresh(mw.mentees["mentee0"]).state == EnrolmentState.PROFILE_COMPLETE
    assert mw.refresh(mw.mentors["mentor0"]).state == EnrolmentState.PROFILE_COMPLETE

    again = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    assert proposals(again) == []
    with organization_scope(again.organization):
        (waiting,) = UnmatchedMentee.objects.filter(run=again)
    assert [item["rule"] for item in waiting.exclusions] == ["earlier_pair"]


def test_publishing_is_all_or_nothing_when_the_cohort_changed(world):
    mw = small_cohort(world, mentees=2, capacity=2)
    stale = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    fresh = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    services.match_run_publish(actor=mw.manager, run=fresh)
    stale.refresh_from_db()
    assert stale.status == MatchRunStatus.DISCARDED
    with organization_scope(world.alpha):
        before = Mentorship.objects.count()
    with pytest.raises(ValidationError, match="discarded"):
        services.match_run_publish(actor=mw.manager, run=stale)
    with organization_scope(world.alpha):
        assert Mentorship.objects.count() == before


def test_stable_mode_proposes_pairs_nobody_would_swap(matching_world):
    mw = matching_world
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort, mode="stable")
    assert run.mode == "stable"
    pairs = proposals(run)
    assert len(pairs) == 5
    assert run.parameters["mode"] == "stable"


def test_a_group_program_publishes_one_group_per_mentor(matching_world):
    mw = matching_world
    with organization_scope(mw.cohort.organization):
        Program.objects.filter(pk=mw.cohort.program_id).update(format="group")
    mw.cohort.program.refresh_from_db()
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    by_mentor: dict[int, int] = {}
    for pair in proposals(run):
        by_mentor[pair.mentor_id] = by_mentor.get(pair.mentor_id, 0) + 1
    services.match_run_publish(actor=mw.manager, run=run)
    with organization_scope(mw.cohort.organization):
        groups = {
            m.mentor_id: m.members.count() for m in Mentorship.objects.filter(cohort=mw.cohort)
        }
    assert groups == by_mentor


def test_new_mentorships_are_announced_once_by_email_and_live(
    matching_world, django_capture_on_commit_callbacks, settings
):
    from asgiref.sync import async_to_sync

    # The test listens from synchronous code, one event loop per call, which the Redis
    # publish/subscribe layer does not support; the socket tests cover Redis end to end.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import get_channel_layer
    from django.core import mail

    from notifications.tasks import send_mentorship_announcements
    from organizations.realtime import user_group_name

    mw = matching_world
    layer = get_channel_layer()
    mentee = mw.mentees["mentee0"]
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(
        user_group_name(mw.cohort.organization_id, mentee.user_id), channel
    )
    run = services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        started = services.match_run_publish(actor=mw.manager, run=run)
    # Everyone in the five new mentorships: five mentees and their mentors.
    assert len(mail.outbox) == 10
    assert all(m.subject.startswith("You have been matched with ") for m in mail.outbox)
    assert any("/mentorships/" in m.body for m in mail.outbox)
    # Other news for the mentee's sockets (what they may read changed) may come first.
    received = [async_to_sync(layer.receive)(channel) for _ in range(2)]
    (message,) = [m for m in received if m["type"] == "notification.message"]
    assert message["notification"]["kind"] == "mentorship_started"
    # A redelivered task tells nobody twice.
    send_mentorship_announcements(mw.cohort.organization_id, [m.pk for m in started])
    assert len(mail.outbox) == 10
