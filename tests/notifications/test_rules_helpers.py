"""What the rules' tests share: pairs built as plain rows (fast, so a test can have thirty of
them), a run of a rule as the task runs it but at a chosen moment, and the checks every rule
passes (due, twice, quiet hours, preferences, the daily digest, the program's switch, a fixed
number of queries). No tests of its own."""

from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from meetings.models import Meeting, MeetingStatus
from notifications.kinds import KINDS
from notifications.models import EmailState, Notification, ProgramNudgeSettings
from notifications.preferences import preferences_update
from notifications.rules import RULES
from notifications.tasks import send_drafts
from notifications.timing import quiet_until, zone_of
from organizations.models import Membership, Organization, Role
from organizations.scope import organization_scope
from programs.models import (
    Agreement,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    Mentorship,
    MentorshipMentee,
    MentorshipOrigin,
)
from tests.factories import make_user

UTC = datetime.UTC
# A Monday: 2027-03-08 (New York is still on standard time, UTC-5; Tokyo is UTC+9).
MONDAY = datetime.date(2027, 3, 8)
NOON = datetime.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # a Wednesday
_numbers = itertools.count(1)


@dataclass
class Built:
    mentorship: Mentorship
    mentor: User
    mentees: list[User]

    @property
    def mentee(self) -> User:
        return self.mentees[0]

    @property
    def people(self) -> list[User]:
        return [self.mentor, *self.mentees]


def person(organization: Organization, name: str, zone: str = "Europe/London", **fields) -> User:
    number = next(_numbers)
    user = make_user(
        f"{name.lower()}{number}@alphacanary.example", f"{name} Number{number}", timezone=zone,
        **fields,
    )  # fmt: skip
    with organization_scope(organization):
        Membership.objects.create(organization=organization, user=user, role=Role.MEMBER)
    return user


def enrol(world, user: User, role: str) -> Enrolment:
    return Enrolment.objects.create(
        organization=world.alpha, cohort=world.alpha_cohort, email=user.email,
        full_name=user.full_name, user=user, role=role, state=EnrolmentState.MATCHED,
    )  # fmt: skip


def make_pair(
    world, *, started_on: datetime.date, mentor_zone: str = "America/New_York",
    mentee_zone: str = "Europe/London", mentees: int = 1, **fields,
) -> Built:  # fmt: skip
    """An active mentorship of Alpha's program, started on that day, with its agreement."""
    mentor = person(world.alpha, "Mentor", mentor_zone)
    mentee_users = [person(world.alpha, "Mentee", mentee_zone) for _ in range(mentees)]
    with organization_scope(world.alpha):
        mentorship = Mentorship.objects.create(
            organization=world.alpha, cohort=world.alpha_cohort,
            mentor=enrol(world, mentor, EnrolmentRole.MENTOR),
            origin=MentorshipOrigin.MATCH_RUN, started_on=started_on,
            ends_on=started_on + datetime.timedelta(days=180), **fields,
        )  # fmt: skip
        Agreement.objects.create(
            organization=world.alpha, mentorship=mentorship, channels=["chat"],
            confidentiality="What we say stays between us.",
        )  # fmt: skip
        for user in mentee_users:
            MentorshipMentee.objects.create(
                organization=world.alpha, mentorship=mentorship,
                mentee=enrol(world, user, EnrolmentRole.MENTEE),
            )  # fmt: skip
    return Built(mentorship, mentor, mentee_users)


def make_meeting(
    built: Built, starts_at: datetime.datetime, *, scheduled_at: datetime.datetime | None = None,
    minutes: int = 45, **fields,
) -> Meeting:  # fmt: skip
    organization = built.mentorship.organization
    with organization_scope(organization):
        return Meeting.objects.create(
            organization=organization, mentorship=built.mentorship,
            title=fields.pop("title", "First conversation"),
            status=fields.pop("status", MeetingStatus.SCHEDULED), starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=minutes), uid=f"{uuid.uuid4()}@test",
            status_changed_at=scheduled_at or starts_at - datetime.timedelta(days=3), **fields,
        )  # fmt: skip


def switch_off(organization: Organization, program, *kinds: str) -> None:
    with organization_scope(organization):
        ProgramNudgeSettings.objects.update_or_create(
            program=program, defaults={"organization": organization, "disabled": list(kinds)}
        )


def program_nudges(organization: Organization, program, **fields) -> None:
    with organization_scope(organization):
        ProgramNudgeSettings.objects.update_or_create(
            program=program, defaults={"organization": organization, **fields}
        )


def run(key: str, organization: Organization, now: datetime.datetime) -> list:
    """The rule's scan, then each batch as notify_batch handles it, at `now`. Returns the
    drafts."""
    rule = RULES[key]
    made = []
    for items in rule.scan(organization, now):
        drafts = rule.drafts(organization, items, now)
        send_drafts(organization, drafts, now)
        made += drafts
    return made


def rows(kind: str | None = None, user: User | None = None, **filters) -> list[Notification]:
    found = Notification.all_organizations.order_by("pk")
    if kind:
        found = found.filter(kind=kind)
    if user is not None:
        found = found.filter(user=user)
    return list(found.filter(**filters))


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


# The checks every rule passes -------------------------------------------------------------------


@dataclass
class Scenario:
    """Something due at `now` that tells `user` (kind `kind`) of rule `key`."""

    key: str
    kind: str
    organization: Organization
    now: datetime.datetime
    user: User
    program: object
    extra: dict = field(default_factory=dict)


def check_due(scenario: Scenario) -> Notification:
    mail.outbox.clear()
    run(scenario.key, scenario.organization, scenario.now)
    (row,) = rows(scenario.kind, scenario.user)
    assert row.in_app == KINDS[scenario.kind].in_app
    assert row.email_state == EmailState.SENT
    (email,) = emails_to(scenario.user.email)
    assert email.subject == row.title
    assert row.url.startswith("/o/") and row.action
    return row


def check_twice(scenario: Scenario) -> None:
    mail.outbox.clear()
    run(scenario.key, scenario.organization, scenario.now)
    run(scenario.key, scenario.organization, scenario.now + datetime.timedelta(minutes=5))
    assert len(rows(scenario.kind, scenario.user)) == 1
    assert len(emails_to(scenario.user.email)) == 1


def check_quiet_hours(scenario: Scenario) -> None:
    """Quiet hours from an hour before now to two hours after (the person's clock)."""
    zone, _ = zone_of(scenario.user.timezone)
    local = scenario.now.astimezone(zone)
    start = (local - datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + datetime.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    preferences_update(user=scenario.user, quiet_start=start, quiet_end=end)
    mail.outbox.clear()
    run(scenario.key, scenario.organization, scenario.now)
    (row,) = rows(scenario.kind, scenario.user)
    assert row.in_app == KINDS[scenario.kind].in_app
    assert row.email_state == EmailState.PENDING
    expected = quiet_until(scenario.now, zone, start, end)
    assert expected > scenario.now
    assert row.email_due_at == expected
    assert row.email_due_at.astimezone(zone).time() == end
    assert emails_to(scenario.user.email) == []


def check_email_off(scenario: Scenario) -> None:
    preferences_update(user=scenario.user, channels={scenario.kind: {"email": False}})
    mail.outbox.clear()
    run(scenario.key, scenario.organization, scenario.now)
    (row,) = rows(scenario.kind, scenario.user)
    assert row.in_app == KINDS[scenario.kind].in_app
    assert row.email_state == EmailState.NONE
    assert emails_to(scenario.user.email) == []


def check_daily_digest(scenario: Scenario) -> None:
    preferences_update(user=scenario.user, digest="daily")
    mail.outbox.clear()
    run(scenario.key, scenario.organization, scenario.now)
    (row,) = rows(scenario.kind, scenario.user)
    assert row.email_state == EmailState.DIGEST
    assert row.email_due_at > scenario.now
    assert emails_to(scenario.user.email) == []


def check_program_switched_off(scenario: Scenario, *kinds: str) -> None:
    switch_off(scenario.organization, scenario.program, *(kinds or (scenario.kind,)))
    mail.outbox.clear()
    assert run(scenario.key, scenario.organization, scenario.now) == []
    assert rows() == []
    assert mail.outbox == []


def count_queries(key: str, organization: Organization, now: datetime.datetime) -> tuple[int, int]:
    """(queries, drafts) of the scan and every batch's drafts."""
    rule = RULES[key]
    with CaptureQueriesContext(connection) as captured:
        drafts = [
            d
            for items in rule.scan(organization, now)
            for d in rule.drafts(organization, items, now)
        ]
    return len(captured), len(drafts)


def check_fixed_queries(
    key: str, organization: Organization, now: datetime.datetime, more: Callable[[], None],
    assert_max_num_queries, *, at_least: int = 30,
) -> None:  # fmt: skip
    """The scan and drafts of one due person cost as many queries as those of thirty (and
    more): `more()` makes the others due."""
    one, drafted = count_queries(key, organization, now)
    assert drafted >= 1
    more()
    with assert_max_num_queries(one):
        rule = RULES[key]
        drafts = [
            d
            for items in rule.scan(organization, now)
            for d in rule.drafts(organization, items, now)
        ]
    assert len(drafts) >= at_least
