"""Pairs out of contact: the pair hears of it at 7 and 14 days without a message or a meeting;
at 21 the program's managers hear of it too (the organisation's owners and admins when the
program has none). Talking again starts the count again."""

from __future__ import annotations

import datetime

import pytest

from meetings.models import Attendance, MeetingStatus
from messaging.models import Conversation, ConversationKind
from notifications.rules import RULES
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus, ProgramManager
from tests.notifications import test_rules_helpers as h

KEY, KIND, ESCALATION = "inactive_pairs", "pair_inactive", "pair_escalation"
STARTED = datetime.date(2027, 1, 4)
DAY = datetime.timedelta(days=1)


def talked(built: h.Built, when: datetime.datetime | None) -> None:
    organization = built.mentorship.organization
    with organization_scope(organization):
        Conversation.objects.update_or_create(
            mentorship=built.mentorship,
            defaults={
                "organization": organization, "kind": ConversationKind.MENTORSHIP,
                "last_message_at": when,
            },
        )  # fmt: skip


def scenario(world, silent_days: int = 7, started_on=STARTED) -> h.Scenario:
    built = h.make_pair(world, started_on=started_on)
    talked(built, h.NOON - DAY * silent_days - datetime.timedelta(hours=2))
    return h.Scenario(
        KEY, KIND, world.alpha, h.NOON, built.mentee, world.alpha_program, extra={"built": built}
    )


def test_a_week_of_silence_tells_the_pair(world):
    s = scenario(world)
    row = h.check_due(s)
    built = s.extra["built"]
    assert row.title == f"It has been 7 days since you were in touch with {built.mentor.full_name}"
    assert "since Wednesday 3 March" in row.body and "managers" not in row.body
    assert row.url == f"/o/alpha/mentorships/{built.mentorship.pk}/"
    assert row.dedupe_key.endswith(
        f":inactive:{built.mentorship.pk}:7:2027-03-03:u{built.mentee.pk}"
    )
    assert len(h.rows(KIND, built.mentor)) == 1
    assert h.rows(ESCALATION) == []


def test_at_the_last_threshold_the_programs_managers_hear_of_it(world):
    s = scenario(world, 21)
    h.run(KEY, s.organization, s.now)
    built = s.extra["built"]
    assert len(h.rows(KIND)) == 2
    assert "managers hear of it too" in h.rows(KIND, built.mentee)[0].body
    (row,) = h.rows(ESCALATION)
    assert row.user_id == world.alpha_manager.pk
    assert (row.mentorship_id, row.program_id) == (built.mentorship.pk, world.alpha_program.pk)
    assert row.title == (
        f"No contact for 21 days: {built.mentor.full_name} with {built.mentee.full_name}"
    )
    assert world.alpha_program.name in row.body and "since Wednesday 17 February" in row.body
    assert row.url == f"/o/alpha/mentorships/{built.mentorship.pk}/"


def test_a_program_without_managers_escalates_to_the_owners_and_admins(world):
    s = scenario(world, 21)
    with organization_scope(world.alpha):
        ProgramManager.objects.filter(program=world.alpha_program).delete()
    h.run(KEY, s.organization, s.now)
    assert sorted(r.user_id for r in h.rows(ESCALATION)) == sorted(
        [world.alpha_owner.pk, world.alpha_admin.pk]
    )


def test_every_threshold_once_as_the_days_go_by(world):
    s = scenario(world, 0)
    for day in range(40):
        h.run(KEY, s.organization, s.now + DAY * day)
    built = s.extra["built"]
    assert [r.dedupe_key.split(":")[-3] for r in h.rows(KIND, built.mentee)] == ["7", "14", "21"]
    assert len(h.rows(ESCALATION)) == 1


def test_talking_again_then_falling_silent_again_is_nudged_again(world):
    s = scenario(world)
    h.run(KEY, s.organization, s.now)
    talked(s.extra["built"], s.now + DAY)
    h.run(KEY, s.organization, s.now + DAY * 3)
    assert len(h.rows(KIND, s.user)) == 1
    h.run(KEY, s.organization, s.now + DAY * 8)
    assert [r.dedupe_key.split(":")[-2] for r in h.rows(KIND, s.user)] == [
        "2027-03-03", "2027-03-11",
    ]  # fmt: skip


def test_a_pair_that_never_talked_counts_from_its_start(world):
    built = h.make_pair(world, started_on=datetime.date(2027, 3, 3))
    h.run(KEY, world.alpha, h.NOON)
    assert {r.dedupe_key.split(":")[-3:-1][1] for r in h.rows(KIND)} == {"2027-03-03"}
    assert len(h.rows(KIND)) == len(built.people)


@pytest.mark.parametrize(
    ("contact", "nudged"),
    [
        ("message_yesterday", False),
        ("meeting_held_two_days_ago", False),
        ("meeting_over_unrecorded", False),
        ("meeting_cancelled", True),
        ("meeting_missed", True),
        ("meeting_ahead", True),
    ],
)
def test_what_counts_as_contact(world, contact, nudged):
    s = scenario(world)
    built = s.extra["built"]
    if contact == "message_yesterday":
        talked(built, s.now - DAY)
    elif contact == "meeting_held_two_days_ago":
        h.make_meeting(built, s.now - DAY * 2, attendance=Attendance.HELD)
    elif contact == "meeting_over_unrecorded":
        h.make_meeting(built, s.now - DAY * 2)
    elif contact == "meeting_cancelled":
        h.make_meeting(built, s.now - DAY * 2, status=MeetingStatus.CANCELLED)
    elif contact == "meeting_missed":
        h.make_meeting(built, s.now - DAY * 2, attendance=Attendance.MENTEE_ABSENT)
    else:
        h.make_meeting(built, s.now + DAY)
    h.run(KEY, s.organization, s.now)
    assert bool(h.rows(KIND)) is nudged


def test_a_paused_pair_hears_nothing(world):
    s = scenario(world, 21)
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=s.extra["built"].mentorship.pk).update(
            status=MentorshipStatus.PAUSED
        )
    assert h.run(KEY, s.organization, s.now) == []


def test_in_touch_since_the_scan_tells_nobody(world):
    s = scenario(world, 21)
    (items,) = list(RULES[KEY].scan(s.organization, s.now))
    talked(s.extra["built"], s.now - datetime.timedelta(minutes=5))
    assert RULES[KEY].drafts(s.organization, items, s.now) == []


def test_the_programs_own_thresholds(world):
    s = scenario(world, 10)
    h.program_nudges(world.alpha, world.alpha_program, inactive_days=[5, 10])
    h.run(KEY, s.organization, s.now)
    assert len(h.rows(KIND)) == 2 and len(h.rows(ESCALATION)) == 1


def test_escalation_without_the_pairs_nudge(world):
    s = scenario(world, 21)
    h.switch_off(world.alpha, world.alpha_program, KIND)
    h.run(KEY, s.organization, s.now)
    assert h.rows(KIND) == [] and len(h.rows(ESCALATION)) == 1
    assert "They have been reminded" not in h.rows(ESCALATION)[0].body


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_email_switched_off_still_shows_in_the_app(world):
    h.check_email_off(scenario(world))


def test_a_daily_digest_holds_the_email_for_it(world):
    h.check_daily_digest(scenario(world))


def test_a_program_that_switched_both_off_tells_nobody(world):
    h.check_program_switched_off(scenario(world, 21), KIND, ESCALATION)


def test_a_scan_costs_the_same_queries_for_one_pair_and_for_thirty(
    world, django_assert_max_num_queries
):
    s = scenario(world, 21)

    def more():
        for number in range(29):
            built = h.make_pair(world, started_on=STARTED)
            talked(built, s.now - DAY * (7, 14, 21)[number % 3] if number % 4 else None)

    h.check_fixed_queries(
        KEY, s.organization, s.now, more, django_assert_max_num_queries, at_least=40
    )


def test_a_pair_back_from_a_pause_starts_counting_again(world):
    s = scenario(world, 30)
    built = s.extra["built"]
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=built.mentorship.pk).update(
            status_changed_at=h.NOON - 2 * DAY  # resumed two days ago
        )
    h.run(KEY, s.organization, s.now)
    assert h.rows(KIND) == [] and h.rows(ESCALATION) == []
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=built.mentorship.pk).update(status_changed_at=h.NOON - 8 * DAY)
    h.run(KEY, s.organization, s.now)
    assert len(h.rows(KIND)) == 2 and h.rows(ESCALATION) == []
