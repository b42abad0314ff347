"""Check-ins due: each person of the pair, two days before the end of the period they write
for, once per period; nobody who already wrote it; nothing when the program's check-ins are
off."""

from __future__ import annotations

import datetime

from goals.models import CheckIn, CheckInSettings, PairSide
from notifications.rules import RULES
from organizations.scope import organization_scope
from tests.notifications import test_rules_helpers as h

KEY, KIND = "check_ins", "check_in_due"
# With the default fortnightly cadence, period 1 ends on Friday 12 March (h.NOON is the
# Wednesday before).
STARTED = datetime.date(2027, 2, 26)


def scenario(world, started_on=STARTED) -> h.Scenario:
    built = h.make_pair(world, started_on=started_on)
    return h.Scenario(
        KEY, KIND, world.alpha, h.NOON, built.mentee, world.alpha_program, extra={"built": built}
    )


def check_in(built: h.Built, user, period: int) -> CheckIn:
    organization = built.mentorship.organization
    with organization_scope(organization):
        return CheckIn.objects.create(
            organization=organization, mentorship=built.mentorship, author=user,
            side=PairSide.MENTOR if user == built.mentor else PairSide.MENTEE, period=period,
            due_on=built.mentorship.started_on + datetime.timedelta(days=14 * period),
            progress="We met twice.", rating=4,
        )  # fmt: skip


def cadence(world, days: int, enabled: bool = True) -> None:
    with organization_scope(world.alpha):
        CheckInSettings.objects.update_or_create(
            program=world.alpha_program,
            defaults={"organization": world.alpha, "cadence_days": days, "enabled": enabled},
        )


def test_due_tells_each_person_of_the_pair(world):
    s = scenario(world)
    row = h.check_due(s)
    built = s.extra["built"]
    assert row.title == "Time for your check-in"
    assert "is due on Friday 12 March" in row.body and built.mentor.full_name in row.body
    assert row.url == f"/o/alpha/mentorships/{built.mentorship.pk}/check-ins/"
    assert row.action == "Write your check-in"
    (mentor_row,) = h.rows(KIND, built.mentor)
    assert mentor_row.dedupe_key.endswith(f":check_in:{built.mentorship.pk}:1:u{built.mentor.pk}")


def test_not_before_two_days_ahead(world):
    s = scenario(world, STARTED + datetime.timedelta(days=1))
    assert h.run(KEY, s.organization, s.now) == []


def test_whoever_wrote_it_already_hears_nothing(world):
    s = scenario(world)
    built = s.extra["built"]
    check_in(built, built.mentee, 1)
    h.run(KEY, s.organization, s.now)
    assert h.rows(KIND, built.mentee) == [] and len(h.rows(KIND, built.mentor)) == 1


def test_once_per_period(world):
    s = scenario(world)
    for days in (0, 1, 2, 3, 10):
        h.run(KEY, s.organization, s.now + datetime.timedelta(days=days))
    assert len(h.rows(KIND, s.user)) == 1
    h.run(KEY, s.organization, s.now + datetime.timedelta(days=14))  # period 2 ends on 26 March
    assert [r.dedupe_key.split(":")[-2] for r in h.rows(KIND, s.user)] == ["1", "2"]


def test_someone_behind_hears_of_the_period_they_would_write_now(world):
    s = scenario(world, datetime.date(2027, 1, 29))  # period 3 ends on Friday 12 March
    h.run(KEY, s.organization, s.now)
    (row,) = h.rows(KIND, s.user)
    assert row.dedupe_key.split(":")[-2] == "3" and "Friday 12 March" in row.body


def test_the_programs_cadence_and_its_switch(world):
    s = scenario(world, datetime.date(2027, 3, 5))  # weekly: period 1 ends on Friday 12 March
    assert h.run(KEY, s.organization, s.now) == []
    cadence(world, 7)
    assert len(h.run(KEY, s.organization, s.now)) == 2
    cadence(world, 7, enabled=False)
    assert h.run(KEY, s.organization, s.now + datetime.timedelta(days=7)) == []


def test_written_since_the_scan_tells_nobody(world):
    s = scenario(world)
    (items,) = list(RULES[KEY].scan(s.organization, s.now))
    built = s.extra["built"]
    check_in(built, built.mentee, 1)
    drafts = RULES[KEY].drafts(s.organization, items, s.now)
    assert [d.user_id for d in drafts] == [built.mentor.pk]


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_email_switched_off_still_shows_in_the_app(world):
    h.check_email_off(scenario(world))


def test_a_daily_digest_holds_the_email_for_it(world):
    h.check_daily_digest(scenario(world))


def test_a_program_that_switched_check_in_reminders_off_tells_nobody(world):
    h.check_program_switched_off(scenario(world))


def test_a_scan_costs_the_same_queries_for_one_pair_and_for_thirty(
    world, django_assert_max_num_queries
):
    s = scenario(world)

    def more():
        for _ in range(29):
            built = h.make_pair(world, started_on=STARTED)
            check_in(built, built.mentor, 1)

    h.check_fixed_queries(
        KEY, s.organization, s.now, more, django_assert_max_num_queries, at_least=31
    )
