"""Meeting reminders: a day and an hour before, to everyone in the pair, in their own time
zone; once each; again for a meeting moved to another time; never the hour's one for a meeting
booked within the hour."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from meetings.models import Meeting, MeetingStatus
from notifications.models import EmailState
from notifications.preferences import preferences_update
from notifications.rules import RULES
from notifications.tasks import run_nudge_scan
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus
from tests.meetings.conftest import Clock
from tests.notifications import test_rules_helpers as h

KEY, KIND = "meeting_reminders", "meeting_reminder"
HOUR = datetime.timedelta(hours=1)


def scenario(world, starts_in=datetime.timedelta(hours=23, minutes=30)) -> h.Scenario:
    built = h.make_pair(world, started_on=datetime.date(2027, 2, 1))
    meeting = h.make_meeting(built, h.NOON + starts_in)
    return h.Scenario(
        KEY, KIND, world.alpha, h.NOON, built.mentee, world.alpha_program,
        extra={"built": built, "meeting": meeting},
    )  # fmt: skip


def test_the_day_before_everyone_in_the_pair_hears_it_in_their_own_time(world):
    s = scenario(world)
    row = h.check_due(s)
    meeting, built = s.extra["meeting"], s.extra["built"]
    assert row.title == "Reminder: First conversation is tomorrow at 11:30 London time"
    assert row.url == f"/o/alpha/meetings/{meeting.pk}/" and row.action == "Open the meeting"
    assert row.expires_at == meeting.starts_at
    assert row.mentorship_id == built.mentorship.pk and row.program_id == world.alpha_program.pk
    assert built.mentor.full_name in row.body and "45 minutes" in row.body
    (mentor_row,) = h.rows(KIND, built.mentor)
    assert "tomorrow at 06:30 New York time" in mentor_row.title
    assert mentor_row.dedupe_key.endswith(
        f"meeting:{meeting.pk}:20270311T1130Z:24h:u{built.mentor.pk}"
    )


@pytest.mark.parametrize(
    "starts_in", [HOUR * 25, HOUR * 23 - datetime.timedelta(minutes=1), HOUR * 2, -HOUR]
)
def test_nothing_before_or_between_the_reminders(world, starts_in):
    s = scenario(world, starts_in)
    assert h.run(KEY, s.organization, s.now) == []
    assert h.rows() == []


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_quiet_hours_that_end_after_the_meeting_drop_the_hours_email(world):
    s = scenario(world, datetime.timedelta(minutes=40))
    preferences_update(user=s.user, quiet_start=datetime.time(11), quiet_end=datetime.time(14))
    h.run(KEY, s.organization, s.now)
    (row,) = h.rows(KIND, s.user)
    assert row.in_app and row.email_state == EmailState.NONE
    assert row.title == "Starting soon: First conversation, today at 12:40 London time"


def test_email_switched_off_still_shows_in_the_app(world):
    h.check_email_off(scenario(world))


def test_a_daily_digest_never_holds_a_meeting_reminder_back(world):
    s = scenario(world)
    preferences_update(user=s.user, digest="daily")
    h.run(KEY, s.organization, s.now)
    (row,) = h.rows(KIND, s.user)
    assert row.email_state == EmailState.SENT  # urgent: not for the digest
    assert len(h.emails_to(s.user.email)) == 1


def test_a_program_that_switched_reminders_off_tells_nobody(world):
    h.check_program_switched_off(scenario(world))


def test_a_meeting_moved_to_another_time_is_reminded_of_again(world):
    s = scenario(world)
    h.run(KEY, s.organization, s.now)
    meeting = s.extra["meeting"]
    later = meeting.starts_at + datetime.timedelta(days=2)
    with organization_scope(world.alpha):
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=later, ends_at=later + HOUR, status_changed_at=s.now + HOUR
        )
    h.run(KEY, s.organization, later - datetime.timedelta(hours=23, minutes=30))
    titles = [row.title for row in h.rows(KIND, s.user)]
    assert titles == [
        "Reminder: First conversation is tomorrow at 11:30 London time",
        "Reminder: First conversation is tomorrow at 11:30 London time",
    ]
    assert len({row.dedupe_key for row in h.rows(KIND, s.user)}) == 2


def test_the_hour_before_but_not_for_a_meeting_booked_half_an_hour_before(world):
    s = scenario(world, datetime.timedelta(minutes=45))
    booked_late = h.make_meeting(
        s.extra["built"], s.now + datetime.timedelta(minutes=30),
        scheduled_at=s.now, title="Quick call",
    )  # fmt: skip
    h.run(KEY, s.organization, s.now)
    (row,) = h.rows(KIND, s.user)
    assert row.title == "Starting soon: First conversation, today at 12:45 London time"
    assert row.dedupe_key.split(":")[-2] == "1h"
    assert not [r for r in h.rows(KIND) if f":meeting:{booked_late.pk}:" in r.dedupe_key]


def test_a_meeting_booked_a_few_hours_before_gets_only_the_hours_reminder(world):
    s = scenario(world, datetime.timedelta(minutes=50))
    with organization_scope(world.alpha):
        Meeting.objects.filter(pk=s.extra["meeting"].pk).update(
            status_changed_at=s.now - datetime.timedelta(hours=3)
        )
    h.run(KEY, s.organization, s.now)
    assert [r.dedupe_key.split(":")[-2] for r in h.rows(KIND, s.user)] == ["1h"]


@pytest.mark.parametrize("change", ["cancelled", "moved", "paused", "mentee_inactive"])
def test_what_changed_since_the_scan_tells_nobody(world, change):
    s = scenario(world)
    rule = RULES[KEY]
    (items,) = list(rule.scan(s.organization, s.now))
    meeting, built = s.extra["meeting"], s.extra["built"]
    with organization_scope(world.alpha):
        if change == "cancelled":
            Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
        elif change == "moved":
            Meeting.objects.filter(pk=meeting.pk).update(
                starts_at=meeting.starts_at + HOUR, ends_at=meeting.ends_at + HOUR
            )
        elif change == "paused":
            Mentorship.objects.filter(pk=built.mentorship.pk).update(status=MentorshipStatus.PAUSED)
        else:
            type(built.mentee).objects.filter(pk=built.mentee.pk).update(is_active=False)
    drafts = rule.drafts(s.organization, items, s.now)
    expected = [built.mentor.pk] if change == "mentee_inactive" else []
    assert [d.user_id for d in drafts] == expected


def test_a_scan_costs_the_same_queries_for_one_meeting_and_for_thirty(
    world, django_assert_max_num_queries
):
    s = scenario(world)

    def more():
        for _ in range(29):
            built = h.make_pair(world, started_on=datetime.date(2027, 2, 1))
            h.make_meeting(built, s.now + datetime.timedelta(hours=23, minutes=10))

    h.check_fixed_queries(
        KEY, s.organization, s.now, more, django_assert_max_num_queries, at_least=60
    )


def test_the_beat_task_runs_the_scan_and_sends_each_email_once(world):
    s = scenario(world)
    mail.outbox.clear()
    with Clock(s.now):
        assert run_nudge_scan(KEY) == 1
        run_nudge_scan(KEY)
    assert len(h.rows(KIND)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in s.extra["built"].people)
