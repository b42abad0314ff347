"""Agreements not confirmed: a week (the program's setting) into an active mentorship, each
person who has not confirmed the current version hears of it, once."""

from __future__ import annotations

import datetime

from notifications.rules import RULES
from organizations.scope import organization_scope
from programs.models import Agreement, AgreementConfirmation
from tests.notifications import test_rules_helpers as h

KEY, KIND = "agreements", "agreement_pending"
STARTED = datetime.date(2027, 3, 1)  # nine days before h.NOON


def scenario(world, started_on=STARTED) -> h.Scenario:
    built = h.make_pair(world, started_on=started_on)
    return h.Scenario(
        KEY, KIND, world.alpha, h.NOON, built.mentee, world.alpha_program, extra={"built": built}
    )


def confirm(built: h.Built, user) -> None:
    organization = built.mentorship.organization
    with organization_scope(organization):
        agreement = Agreement.objects.get(mentorship=built.mentorship)
        AgreementConfirmation.objects.create(
            organization=organization, agreement=agreement, version=agreement.version, user=user
        )


def test_due_tells_whoever_has_not_confirmed(world):
    s = scenario(world)
    row = h.check_due(s)
    built = s.extra["built"]
    assert row.title == "Please confirm your mentoring agreement"
    assert row.url == f"/o/alpha/mentorships/{built.mentorship.pk}/#agreement-heading"
    assert row.action == "Read the agreement"
    assert f"You and {built.mentor.full_name} started on Monday 1 March" in row.body
    assert len(h.rows(KIND, built.mentor)) == 1


def test_those_who_confirmed_hear_nothing_and_the_others_hear_who_did(world):
    s = scenario(world)
    built = s.extra["built"]
    confirm(built, built.mentor)
    h.run(KEY, s.organization, s.now)
    assert h.rows(KIND, built.mentor) == []
    (row,) = h.rows(KIND, built.mentee)
    assert f"{built.mentor.full_name} confirmed it already." in row.body


def test_a_confirmation_of_an_older_version_does_not_count(world):
    s = scenario(world)
    built = s.extra["built"]
    confirm(built, built.mentor)
    with organization_scope(world.alpha):
        Agreement.objects.filter(mentorship=built.mentorship).update(version=2)
    h.run(KEY, s.organization, s.now)
    assert len(h.rows(KIND)) == 2


def test_not_before_the_programs_number_of_days(world):
    s = scenario(world, datetime.date(2027, 3, 5))
    assert h.run(KEY, s.organization, s.now) == []
    h.program_nudges(world.alpha, world.alpha_program, agreement_after_days=3)
    assert len(h.run(KEY, s.organization, s.now)) == 2


def test_once_per_person_and_mentorship(world):
    s = scenario(world)
    for days in (0, 1, 5):
        h.run(KEY, s.organization, s.now + datetime.timedelta(days=days))
    assert len(h.rows(KIND, s.user)) == 1


def test_mentorships_long_past_the_date_are_not_scanned(world):
    s = scenario(world, datetime.date(2027, 1, 4))
    assert list(RULES[KEY].scan(s.organization, s.now)) == []


def test_confirmed_since_the_scan_tells_nobody(world):
    s = scenario(world)
    (items,) = list(RULES[KEY].scan(s.organization, s.now))
    built = s.extra["built"]
    confirm(built, built.mentee)
    assert [d.user_id for d in RULES[KEY].drafts(s.organization, items, s.now)] == [built.mentor.pk]


def test_twice_is_once(world):
    h.check_twice(scenario(world))


def test_quiet_hours_hold_the_email_until_they_end(world):
    h.check_quiet_hours(scenario(world))


def test_email_switched_off_still_shows_in_the_app(world):
    h.check_email_off(scenario(world))


def test_a_daily_digest_holds_the_email_for_it(world):
    h.check_daily_digest(scenario(world))


def test_a_program_that_switched_agreement_reminders_off_tells_nobody(world):
    h.check_program_switched_off(scenario(world))


def test_a_scan_costs_the_same_queries_for_one_pair_and_for_thirty(
    world, django_assert_max_num_queries
):
    s = scenario(world)

    def more():
        for number in range(29):
            built = h.make_pair(world, started_on=STARTED)
            if number % 3 == 0:
                confirm(built, built.mentor)

    h.check_fixed_queries(
        KEY, s.organization, s.now, more, django_assert_max_num_queries, at_least=40
    )
