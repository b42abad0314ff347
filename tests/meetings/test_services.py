"""The services of a meeting's life, the rules they enforce, and the database's own rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from meetings import selectors, services
from meetings.models import (
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingPrivateNote,
    MeetingSlot,
    MeetingStatus,
)
from organizations.scope import organization_scope
from programs.services.mentorships import mentorship_end_early
from tests.meetings.conftest import Clock, propose, scheduled, soon


def stored(pair) -> tuple[int, int]:
    with organization_scope(pair.world.alpha):
        return Meeting.objects.count(), MeetingSlot.objects.count()


def test_a_proposal_stores_its_times_in_order_with_a_calendar_uid(pair):
    later, earlier = soon(days=3), soon(days=2)
    meeting = propose(
        pair, starts=[later, earlier], agenda="  Goals  ", video_link="https://x.example/r"
    )
    assert meeting.status == MeetingStatus.PROPOSED
    assert meeting.proposed_by_id == pair.mentee.user_id
    assert (meeting.agenda, meeting.video_link, meeting.sequence) == (
        "Goals",
        "https://x.example/r",
        0,
    )
    uid, at, domain = meeting.uid.partition("@")
    assert len(uid) == 32 and at and domain
    with organization_scope(pair.world.alpha):
        slots = list(
            MeetingSlot.objects.filter(meeting=meeting).values_list("starts_at", flat=True)
        )
    assert slots == [earlier, later]


def test_a_generated_link_follows_the_organisations_template(pair):
    meeting = propose(pair, generate_video_link=True)
    assert meeting.video_link == f"https://meet.jit.si/alpha-{meeting.room_key}"
    services.meeting_settings_update(
        actor=pair.world.alpha_owner_membership,
        video_link_template="https://video.example/{meeting}?team={organization}",
    )
    meeting = propose(pair, generate_video_link=True)
    assert meeting.video_link == f"https://video.example/{meeting.room_key}?team=alpha"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"starts": [soon(days=-1)]}, "slots", "The time is in the past."),
        ({"minutes": -30}, "slots", "The time ends before it starts."),
        ({"minutes": 8 * 60 + 1}, "slots", "The time lasts longer than 8 hours."),
        (
            {"starts": [soon(days=d) for d in range(1, 7)]},
            "slots",
            "Propose at most 5 times (6 now).",
        ),
        ({"starts": [soon(), soon()]}, "slots", "Time 2 is the same as time 1."),
        ({"starts": [soon(days=400)]}, "slots", "The time is more than a year ahead."),
        ({"title": "  "}, "title", "Give the meeting a title, e.g. “First conversation”."),
        (
            {"video_link": "javascript:alert(1)"},
            "video_link",
            "Paste a web address starting with https://.",
        ),
        (
            {"video_link": "ftp://files.example/x"},
            "video_link",
            "Paste a web address starting with https://.",
        ),
        (
            {"video_link": "https://x.example", "generate_video_link": True},
            "video_link",
            "Paste a link or generate one, not both.",
        ),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_stored(pair, change, field, message):
    with pytest.raises(ValidationError) as caught:
        propose(pair, **change)
    assert message in caught.value.message_dict[field]
    assert stored(pair) == (0, 0)


def test_every_problem_is_named_at_once(pair):
    with pytest.raises(ValidationError) as caught:
        services.meeting_propose(
            actor=pair.mentee,
            mentorship=pair.mentorship,
            title="",
            slots=[
                services.Slot(soon(days=-1), soon(days=-1) + timedelta(hours=1)),
                services.Slot(soon(), soon() - timedelta(hours=1)),
            ],
            video_link="not a link",
        )
    errors = caught.value.message_dict
    assert errors["slots"] == ["Time 1 is in the past.", "Time 2 ends before it starts."]
    assert set(errors) == {"title", "slots", "video_link"}
    assert stored(pair) == (0, 0)


def test_only_the_pair_proposes_and_an_ended_mentorship_takes_no_meetings(pair):
    world = pair.world
    for user in (world.alpha_manager, world.alpha_admin, world.alpha_owner):
        with pytest.raises(PermissionDenied):
            propose(pair, by=pair.member(user))
    meeting = propose(pair)
    mentorship_end_early(actor=pair.mentor, mentorship=pair.mentorship, reason="Moving abroad")
    pair.mentorship.refresh_from_db()
    with pytest.raises(ValidationError, match="This mentorship has ended: it takes no new"):
        propose(pair)
    meeting = pair.meeting_for(pair.mentor, meeting)
    with pytest.raises(ValidationError, match="has ended"):
        services.meeting_accept(actor=pair.mentor, meeting=meeting, slot_id=meeting.slots.get().pk)
    # Calling off what was planned still works.
    assert services.meeting_cancel(actor=pair.mentee, meeting=meeting).status == "cancelled"
    assert stored(pair) == (1, 1)


def test_the_other_side_accepts_one_of_the_times(pair):
    first, second = soon(days=2), soon(days=3)
    meeting = pair.meeting_for(pair.mentor, propose(pair, starts=[first, second]))
    slots = list(meeting.slots.all())
    with pytest.raises(ValidationError, match="You proposed these times"):
        services.meeting_accept(actor=pair.mentee, meeting=meeting, slot_id=slots[0].pk)
    other = pair.meeting_for(pair.mentee, propose(pair, by=pair.mentor))
    with pytest.raises(ValidationError) as caught:
        services.meeting_accept(actor=pair.mentor, meeting=meeting, slot_id=other.slots.get().pk)
    assert caught.value.message_dict == {"slot": ["Choose one of the proposed times."]}
    accepted = services.meeting_accept(actor=pair.mentor, meeting=meeting, slot_id=slots[1].pk)
    assert (accepted.status, accepted.starts_at, accepted.ends_at) == (
        MeetingStatus.SCHEDULED,
        second,
        second + timedelta(minutes=45),
    )
    # The first time the meeting is in calendars: revision 0.
    assert accepted.sequence == 0
    with pytest.raises(ValidationError, match="nothing to accept"):
        services.meeting_accept(actor=pair.mentor, meeting=meeting, slot_id=slots[0].pk)


def test_a_time_that_has_passed_cannot_be_accepted(pair):
    meeting = pair.meeting_for(pair.mentor, propose(pair))
    with Clock(soon() + timedelta(minutes=1)), pytest.raises(ValidationError) as caught:
        services.meeting_accept(actor=pair.mentor, meeting=meeting, slot_id=meeting.slots.get().pk)
    assert caught.value.message_dict == {
        "slot": ["This time has passed: propose new times instead."]
    }


def test_declining_is_for_the_other_side(pair):
    meeting = pair.meeting_for(pair.mentor, propose(pair))
    with pytest.raises(ValidationError, match="cancel the meeting instead"):
        services.meeting_decline(actor=pair.mentee, meeting=meeting)
    declined = services.meeting_decline(actor=pair.mentor, meeting=meeting)
    assert declined.status == MeetingStatus.DECLINED
    assert declined.status_changed_by_id == pair.mentor.user_id


def test_rescheduling_proposes_again_keeping_the_uid_and_raising_the_sequence(pair):
    meeting = scheduled(pair)
    agreed, uid = meeting.starts_at, meeting.uid
    new_time = soon(days=5)
    moved = services.meeting_reschedule(
        actor=pair.mentor,
        meeting=meeting,
        slots=[services.Slot(new_time, new_time + timedelta(hours=1))],
    )
    assert (moved.status, moved.proposed_by_id, moved.uid, moved.sequence) == (
        MeetingStatus.PROPOSED,
        pair.mentor.user_id,
        uid,
        1,
    )
    # The time last agreed stays until another is accepted.
    assert moved.starts_at == agreed
    moved = pair.meeting_for(pair.mentee, moved)
    assert [s.starts_at for s in moved.slots.all()] == [new_time]
    accepted = services.meeting_accept(
        actor=pair.mentee, meeting=moved, slot_id=moved.slots.get().pk
    )
    assert (accepted.starts_at, accepted.sequence, accepted.uid) == (new_time, 2, uid)
    cancelled = services.meeting_cancel(actor=pair.mentee, meeting=accepted)
    assert (cancelled.status, cancelled.sequence, cancelled.uid) == ("cancelled", 3, uid)


def test_the_other_side_answers_a_proposal_with_times_of_their_own(pair):
    meeting = pair.meeting_for(pair.mentor, propose(pair))
    mine = soon(days=4)
    answered = services.meeting_reschedule(
        actor=pair.mentor, meeting=meeting, slots=[services.Slot(mine, mine + timedelta(hours=1))]
    )
    # Never in a calendar yet: nothing to revise.
    assert (answered.proposed_by_id, answered.sequence) == (pair.mentor.user_id, 0)
    answered = pair.meeting_for(pair.mentee, answered)
    services.meeting_accept(actor=pair.mentee, meeting=answered, slot_id=answered.slots.get().pk)


def test_a_meeting_that_started_is_not_moved_or_cancelled_but_its_attendance_recorded(pair):
    meeting = scheduled(pair)
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.meeting_attendance_record(actor=pair.mentee, meeting=meeting, attendance="held")
    with Clock(meeting.starts_at + timedelta(minutes=5)):
        with pytest.raises(ValidationError, match="has started: record how it went instead"):
            services.meeting_cancel(actor=pair.mentee, meeting=meeting)
        with pytest.raises(ValidationError, match="has started"):
            services.meeting_reschedule(
                actor=pair.mentee,
                meeting=meeting,
                slots=[services.Slot(soon(days=9), soon(days=9) + timedelta(hours=1))],
            )
        with pytest.raises(ValidationError) as caught:
            services.meeting_attendance_record(
                actor=pair.mentee, meeting=meeting, attendance="maybe", outcome="x" * 4001
            )
        assert set(caught.value.message_dict) == {"attendance", "outcome"}
        recorded = services.meeting_attendance_record(
            actor=pair.mentor,
            meeting=meeting,
            attendance=Attendance.MENTEE_ABSENT,
            outcome="Waited 20 minutes.",
        )
    assert (recorded.attendance, recorded.outcome) == ("mentee_absent", "Waited 20 minutes.")
    with pytest.raises(PermissionDenied):
        services.meeting_attendance_record(
            actor=pair.member(pair.world.alpha_manager), meeting=meeting, attendance="held"
        )


def test_attendance_is_only_for_scheduled_meetings(pair):
    meeting = pair.meeting_for(pair.mentor, propose(pair))
    services.meeting_cancel(actor=pair.mentee, meeting=meeting)
    with Clock(soon(days=3)), pytest.raises(ValidationError, match="scheduled meetings"):
        services.meeting_attendance_record(actor=pair.mentee, meeting=meeting, attendance="held")


def test_shared_notes_belong_to_the_pair(pair):
    meeting = scheduled(pair)
    services.meeting_notes_update(actor=pair.mentee, meeting=meeting, shared_notes="Read chapter 3")
    updated = services.meeting_notes_update(
        actor=pair.mentor, meeting=meeting, shared_notes="Read chapters 3 and 4 "
    )
    assert updated.shared_notes == "Read chapters 3 and 4"
    for user in (pair.world.alpha_manager, pair.world.alpha_admin):
        with pytest.raises(PermissionDenied):
            services.meeting_notes_update(
                actor=pair.member(user), meeting=meeting, shared_notes="x"
            )
    with pytest.raises(ValidationError):
        services.meeting_notes_update(actor=pair.mentee, meeting=meeting, shared_notes="x" * 10001)


def test_a_private_note_is_kept_per_person_and_an_empty_one_deleted(pair):
    meeting = scheduled(pair)
    services.private_note_save(actor=pair.mentee, meeting=meeting, body="Ask about the promotion")
    services.private_note_save(actor=pair.mentor, meeting=meeting, body="Mentee seems stuck")
    note = services.private_note_save(actor=pair.mentee, meeting=meeting, body="Ask about pay")
    assert selectors.private_note_of(pair.mentee, meeting).body == "Ask about pay"
    assert selectors.private_note_of(pair.mentor, meeting).body == "Mentee seems stuck"
    assert note.user_id == pair.mentee.user_id
    assert services.private_note_save(actor=pair.mentee, meeting=meeting, body="  ") is None
    assert selectors.private_note_of(pair.mentee, meeting) is None
    with organization_scope(pair.world.alpha):
        assert MeetingPrivateNote.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.private_note_save(
            actor=pair.member(pair.world.alpha_admin), meeting=meeting, body="Watching"
        )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "https://meet.jit.si/{organization}",
            "Include {meeting}, so that each meeting gets a room of its own.",
        ),
        (
            "https://meet.jit.si/{room}-{meeting}",
            "Unknown placeholder {room}: use {organization} and {meeting}.",
        ),
        ("meet.jit.si/{meeting}", "Write a web address starting with https://."),
        ("javascript:alert('{meeting}')", "Write a web address starting with https://."),
        (
            "https://meet.jit.si/{meeting",
            "Check the braces: placeholders are written {organization} and {meeting}.",
        ),
    ],
)
def test_a_video_link_template_must_give_each_meeting_its_own_room(world, template, message):
    with pytest.raises(ValidationError) as caught:
        services.meeting_settings_update(
            actor=world.alpha_owner_membership, video_link_template=template
        )
    assert caught.value.message_dict == {"video_link_template": [message]}
    assert (
        selectors.video_link_template_for(world.alpha)
        == "https://meet.jit.si/{organization}-{meeting}"
    )


def test_only_owners_and_admins_set_the_template_and_empty_turns_generation_off(pair):
    with pytest.raises(PermissionDenied):
        services.meeting_settings_update(
            actor=pair.member(pair.world.alpha_manager), video_link_template=""
        )
    services.meeting_settings_update(
        actor=pair.member(pair.world.alpha_admin), video_link_template=""
    )
    with pytest.raises(ValidationError) as caught:
        propose(pair, generate_video_link=True)
    assert caught.value.message_dict == {
        "video_link": ["Your organisation does not generate video links; paste one instead."]
    }
    assert stored(pair) == (0, 0)


def test_one_calendar_address_at_a_time(pair):
    first, first_token = services.calendar_feed_create(actor=pair.mentee)
    second, second_token = services.calendar_feed_create(actor=pair.mentee)
    assert first_token != second_token
    with organization_scope(pair.world.alpha):
        assert CalendarFeed.objects.get(pk=first.pk).revoked_at is not None
        # Only the hash is kept.
        assert not CalendarFeed.objects.filter(token_hash=second_token).exists()
    assert selectors.active_calendar_feed(pair.mentee) == second
    assert services.calendar_feed_revoke(actor=pair.mentee) == second
    assert selectors.active_calendar_feed(pair.mentee) is None
    assert services.calendar_feed_revoke(actor=pair.mentee) is None


def test_the_database_refuses_what_the_services_never_write(pair):
    meeting = scheduled(pair)
    alpha = pair.world.alpha
    broken = [
        lambda: MeetingSlot.objects.create(
            organization=alpha, meeting=meeting, starts_at=soon(), ends_at=soon()
        ),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(status="maybe"),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(ends_at=meeting.starts_at),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(attendance="sometimes"),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(status="cancelled", attendance="held"),
        lambda: Meeting.objects.filter(pk=meeting.pk).update(starts_at=None, ends_at=None),
        lambda: Meeting.objects.create(
            organization=alpha, mentorship=pair.mentorship, title="Copy", uid=meeting.uid
        ),
        lambda: MeetingPrivateNote.objects.bulk_create(
            [
                MeetingPrivateNote(
                    organization=alpha, meeting=meeting, user=pair.mentee.user, body=b
                )
                for b in ("one", "two")
            ]
        ),
    ]
    with organization_scope(alpha):
        for write in broken:
            with pytest.raises(IntegrityError), transaction.atomic():
                write()
