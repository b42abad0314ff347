"""The seeded world the reports tests count on, built row by row so every number is known.

The dashboard reads what is stored, so the rows are written as they are stored, with exact
dates and states (the services would date everything today). Every text a pair writes carries
MARKER, which no report may show.

Program "Alpha ... Leadership", cohort "Spring ..." (today is T, W0 is this week's Monday):

people   role    account  profile (days ago)  state             department  pair
M1       mentor  yes      T-50                matched           -           A
M2       mentor  yes      T-50                matched           finance     B
M3       mentor  yes      T-120               matched           -           C
M4       mentor  yes      T-90                matched           -           D
M5       mentor  no       -                   invited           -           -
E1       mentee  yes      T-40                matched           Finance     A
E2       mentee  yes      T-35                matched           -           B
E3       mentee  yes      T-100               matched           Sales       C
E4       mentee  yes      T-63                matched           -           D
E5       mentee  no       -                   invited           -           -
E6       mentee  yes      -                   applied           -           -
E7       mentee  yes      -                   approved          -           -
E8       mentee  yes      T-20                profile_complete  -           -
E9       mentee  yes      T-25                withdrawn         -           -

pair  status       started  ended  score  meetings held        messages     check-in ratings
A     active       T-30     -      85     3 (+1 planned,       12           5, 4
                                          1 cancelled)
B     active       T-30     -      45     1 (over, unrecorded; 0            2, 3
                                          +1 mentee absent)
C     completed    T-80     T-10   72.5   7                    30           4, 4
D     ended_early  T-60     T-20   none   0                    1 (+1        1
                                                               deleted)

Goals: A has one in progress (milestones: done T-10, overdue since T-3, due T+10) and one
achieved (milestone done T-20); B one in progress (overdue since T-1; done T-6); C one achieved
(done T-30); D one dropped (due T-40, never done: not overdue, the goal is dropped).

Health snapshots: W0-16 (a Saturday): A, B, C on track; W0-11: A, B, C on track; W0-9: A on
track, B needs attention; W0-2: A on track, B at risk; today: A needs attention.
The pair enrolments were created at T-120, the others today.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from goals.models import CheckIn, Goal, GoalStatus, Milestone
from meetings.models import Attendance, Meeting, MeetingStatus
from messaging.models import Conversation, ConversationKind, Message
from organizations.models import Membership, Role
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import (
    Cohort,
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    Mentorship,
    MentorshipEndReason,
    MentorshipMentee,
    MentorshipOrigin,
    MentorshipStatus,
    Program,
)
from programs.services import CohortSettings, ProgramSettings
from relationships.models import HealthSnapshot, HealthStatus
from tests.conftest import World, _add_member
from tests.factories import make_user

MARKER = "hrsecretmarker"
DAY = datetime.timedelta(days=1)
_numbers = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def this_monday() -> datetime.date:
    return today() - datetime.timedelta(days=today().weekday())


def days_ago(days: int) -> datetime.date:
    return today() - days * DAY


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class ReportWorld:
    world: World
    program: Program
    cohort: Cohort
    empty_cohort: Cohort
    other_program: Program
    viewer: User
    viewer_membership: Membership
    people: dict[str, Enrolment] = field(default_factory=dict)
    pairs: dict[str, Mentorship] = field(default_factory=dict)

    @property
    def organization(self):
        return self.world.alpha

    def membership_of(self, user: User) -> Membership:
        return self.world.membership(self.world.alpha, user)


def enrol(organization, cohort, handle: str, role: str, *, state: str, account: bool = True,
          profile_days_ago: int | None = None, department: str = "") -> Enrolment:  # fmt: skip
    email = f"{handle.lower()}-{next(_numbers)}@people.example"
    user = make_user(email, f"{handle} Person") if account else None
    with organization_scope(organization):
        return Enrolment.objects.create(
            organization=organization, cohort=cohort, email=email, full_name=f"{handle} Person",
            user=user, role=role, state=state, department=department,
            profile_completed_at=(
                moment(days_ago(profile_days_ago), 12) if profile_days_ago is not None else None
            ),
        )  # fmt: skip


def start_pair(organization, mentor: Enrolment, mentee: Enrolment, *, status: str, started: int,
               ended: int | None = None, score: float | None) -> Mentorship:  # fmt: skip
    with organization_scope(organization):
        mentorship = Mentorship.objects.create(
            organization=organization, cohort=mentor.cohort, mentor=mentor, status=status,
            origin=MentorshipOrigin.REQUEST if score is None else MentorshipOrigin.MATCH_RUN,
            match_score=score, started_on=days_ago(started), ends_on=days_ago(started) + 180 * DAY,
            ended_on=days_ago(ended) if ended is not None else None,
        )  # fmt: skip
        MentorshipMentee.objects.create(
            organization=organization, mentorship=mentorship, mentee=mentee
        )
        Conversation.objects.create(
            organization=organization, kind=ConversationKind.MENTORSHIP, mentorship=mentorship
        )
    return mentorship


def meeting(mentorship: Mentorship, day: datetime.date, *, attendance: str = Attendance.HELD,
            status: str = MeetingStatus.SCHEDULED) -> Meeting:  # fmt: skip
    with organization_scope(mentorship.organization):
        return Meeting.objects.create(
            organization=mentorship.organization, mentorship=mentorship,
            title=f"Catch-up {MARKER}", agenda=f"Agenda {MARKER}", status=status,
            starts_at=moment(day), ends_at=moment(day) + datetime.timedelta(minutes=45),
            attendance=attendance, shared_notes=f"Notes {MARKER}", outcome=f"Outcome {MARKER}",
            uid=f"report-{mentorship.pk}-{next(_numbers)}@example.test",
        )  # fmt: skip


def messages(mentorship: Mentorship, count: int, *, deleted: int = 0) -> None:
    organization = mentorship.organization
    with organization_scope(organization):
        conversation = Conversation.objects.get(mentorship=mentorship)
        Message.objects.bulk_create(
            Message(
                organization=organization, conversation=conversation, sequence=number,
                sender=mentorship.mentor.user, body=f"Private words {MARKER} {number}",
                deleted_at=timezone.now() if number > count else None,
            )
            for number in range(1, count + deleted + 1)
        )  # fmt: skip


def goal(mentorship: Mentorship, status: str, milestones: list[tuple[int, int | None]]) -> Goal:
    """A goal with milestones given as (due, done) in days from today (negative: ago)."""
    organization = mentorship.organization
    with organization_scope(organization):
        created = Goal.objects.create(
            organization=organization, mentorship=mentorship,
            mentee=MentorshipMentee.objects.get(mentorship=mentorship).mentee, title=f"Goal {MARKER}",
            measure=f"Measure {MARKER}", why=f"Why {MARKER}", target_date=today() + 60 * DAY,
            status=status,
        )  # fmt: skip
        for due, done in milestones:
            Milestone.objects.create(
                organization=organization, goal=created, title=f"Step {MARKER}",
                due_on=today() + due * DAY, done_on=today() + done * DAY if done is not None else None,
                evidence=f"Evidence {MARKER}",
            )  # fmt: skip
    return created


def check_in(mentorship: Mentorship, author: Enrolment, rating: int) -> CheckIn:
    organization = mentorship.organization
    with organization_scope(organization):
        return CheckIn.objects.create(
            organization=organization, mentorship=mentorship, author=author.user,
            side=author.role, period=1, due_on=today(), rating=rating,
            progress=f"Progress {MARKER}", blockers=f"Blockers {MARKER}",
            next_steps=f"Next {MARKER}", note_to_manager=f"Note {MARKER}",
        )  # fmt: skip


def snapshot(mentorship: Mentorship, day: datetime.date, status: str, reasons=()) -> None:
    organization = mentorship.organization
    with organization_scope(organization):
        HealthSnapshot.objects.create(
            organization=organization, mentorship=mentorship, taken_on=day, status=status,
            reasons=list(reasons), signals={},
        )  # fmt: skip


def report_viewer(world: World, handle: str = "viewer") -> Membership:
    user = make_user(f"{handle}@reports.example", f"Rita {handle.title()}")
    return _add_member(world.alpha, world.alpha_owner_membership, user, Role.REPORT_VIEWER)


def pair_number(pair: str) -> int:
    return "ABCD".index(pair) + 1


def build_report_world(world: World) -> ReportWorld:
    organization = world.alpha
    owner = world.alpha_owner_membership
    cohort = world.alpha_cohort
    empty_cohort = program_services.cohort_create(
        actor_membership=owner, program=world.alpha_program,
        values=CohortSettings(
            name="Autumn (empty)", enrolment_opens_on=datetime.date(2027, 8, 1),
            enrolment_closes_on=datetime.date(2027, 8, 31), starts_on=datetime.date(2027, 9, 1),
            ends_on=datetime.date(2028, 2, 28),
        ),
    )  # fmt: skip
    other_program = program_services.program_create(
        actor_membership=owner, values=ProgramSettings(name="Graduate buddies", purpose="Buddies")
    )
    viewer = report_viewer(world)
    rw = ReportWorld(
        world=world, program=world.alpha_program, cohort=cohort, empty_cohort=empty_cohort,
        other_program=other_program, viewer=viewer.user, viewer_membership=viewer,
    )  # fmt: skip
    mentor, mentee = EnrolmentRole.MENTOR, EnrolmentRole.MENTEE
    matched = EnrolmentState.MATCHED
    people = rw.people
    people["M1"] = enrol(organization, cohort, "M1", mentor, state=matched, profile_days_ago=50)
    people["M2"] = enrol(organization, cohort, "M2", mentor, state=matched, profile_days_ago=50,
                         department="finance")  # fmt: skip
    people["M3"] = enrol(organization, cohort, "M3", mentor, state=matched, profile_days_ago=120)
    people["M4"] = enrol(organization, cohort, "M4", mentor, state=matched, profile_days_ago=90)
    people["M5"] = enrol(organization, cohort, "M5", mentor, state=EnrolmentState.INVITED,
                         account=False)  # fmt: skip
    people["E1"] = enrol(organization, cohort, "E1", mentee, state=matched, profile_days_ago=40,
                         department="Finance")  # fmt: skip
    people["E2"] = enrol(organization, cohort, "E2", mentee, state=matched, profile_days_ago=35)
    people["E3"] = enrol(organization, cohort, "E3", mentee, state=matched, profile_days_ago=100,
                         department="Sales")  # fmt: skip
    people["E4"] = enrol(organization, cohort, "E4", mentee, state=matched, profile_days_ago=63)
    people["E5"] = enrol(organization, cohort, "E5", mentee, state=EnrolmentState.INVITED,
                         account=False)  # fmt: skip
    people["E6"] = enrol(organization, cohort, "E6", mentee, state=EnrolmentState.APPLIED)
    people["E7"] = enrol(organization, cohort, "E7", mentee, state=EnrolmentState.APPROVED)
    people["E8"] = enrol(organization, cohort, "E8", mentee,
                         state=EnrolmentState.PROFILE_COMPLETE, profile_days_ago=20)  # fmt: skip
    people["E9"] = enrol(organization, cohort, "E9", mentee, state=EnrolmentState.WITHDRAWN,
                         profile_days_ago=25)  # fmt: skip
    pairs = rw.pairs
    pairs["A"] = start_pair(organization, people["M1"], people["E1"],
                            status=MentorshipStatus.ACTIVE, started=30, score=85.0)  # fmt: skip
    pairs["B"] = start_pair(organization, people["M2"], people["E2"],
                            status=MentorshipStatus.ACTIVE, started=30, score=45.0)  # fmt: skip
    pairs["C"] = start_pair(organization, people["M3"], people["E3"],
                            status=MentorshipStatus.COMPLETED, started=80, ended=10, score=72.5)  # fmt: skip
    pairs["D"] = start_pair(organization, people["M4"], people["E4"],
                            status=MentorshipStatus.ENDED_EARLY, started=60, ended=20, score=None)  # fmt: skip
    with organization_scope(organization):
        Enrolment.objects.filter(
            pk__in=[people[h].pk for h in ("M1", "M2", "M3", "M4", "E1", "E2", "E3", "E4")]
        ).update(created_at=moment(days_ago(120)))
        MentorshipEndReason.objects.create(
            organization=organization, mentorship=pairs["D"], user=people["E4"].user,
            role="mentee", reason=f"We did not click {MARKER}",
        )  # fmt: skip

    for day in (25, 15, 5):
        meeting(pairs["A"], days_ago(day))
    meeting(pairs["A"], today() + 5 * DAY, attendance="")  # planned: not held yet
    meeting(pairs["A"], days_ago(12), attendance="", status=MeetingStatus.CANCELLED)
    meeting(pairs["B"], days_ago(10), attendance="")  # over, nothing recorded: it took place
    meeting(pairs["B"], days_ago(20), attendance=Attendance.MENTEE_ABSENT)
    for day in (75, 65, 55, 45, 35, 25, 15):
        meeting(pairs["C"], days_ago(day))

    messages(pairs["A"], 12)
    messages(pairs["C"], 30)
    messages(pairs["D"], 1, deleted=1)

    goal(pairs["A"], GoalStatus.ACTIVE, [(-12, -10), (-3, None), (10, None)])
    goal(pairs["A"], GoalStatus.ACHIEVED, [(-15, -20)])
    goal(pairs["B"], GoalStatus.ACTIVE, [(-1, None), (-5, -6)])
    goal(pairs["C"], GoalStatus.ACHIEVED, [(-25, -30)])
    goal(pairs["D"], GoalStatus.DROPPED, [(-40, None)])

    for pair, ratings in (("A", (5, 4)), ("B", (2, 3)), ("C", (4, 4)), ("D", (None, 1))):
        mentorship = pairs[pair]
        mentor_enrolment, mentee_enrolment = (
            people[f"M{pair_number(pair)}"],
            people[f"E{pair_number(pair)}"],
        )
        for author, rating in zip((mentor_enrolment, mentee_enrolment), ratings, strict=True):
            if rating is not None:
                check_in(mentorship, author, rating)

    monday = this_monday()
    on_track, attention, risk = (
        HealthStatus.ON_TRACK,
        HealthStatus.NEEDS_ATTENTION,
        HealthStatus.AT_RISK,
    )
    for pair in ("A", "B", "C"):
        snapshot(pairs[pair], monday - 16 * DAY, on_track)
        snapshot(pairs[pair], monday - 11 * DAY, on_track)
    snapshot(pairs["A"], monday - 9 * DAY, on_track)
    snapshot(pairs["B"], monday - 9 * DAY, attention, ["no meeting for 20 days"])
    snapshot(pairs["A"], monday - 2 * DAY, on_track)
    snapshot(pairs["B"], monday - 2 * DAY, risk,
             ["no message yet, 28 days after the match",
              "rated the relationship 2 of 5 in the latest check-in"])  # fmt: skip
    snapshot(pairs["A"], today(), attention, ["no meeting for 5 days"])
    return rw


def seed_pairs(world: World, cohort: Cohort, count: int) -> None:
    """`count` more pairs with a bit of everything (the query count does not depend on it)."""
    organization = world.alpha
    statuses = [HealthStatus.ON_TRACK, HealthStatus.NEEDS_ATTENTION, HealthStatus.AT_RISK]
    for number in range(count):
        mentor = enrol(organization, cohort, f"Mentor{number}", EnrolmentRole.MENTOR,
                       state=EnrolmentState.MATCHED, profile_days_ago=40, department="Ops")  # fmt: skip
        mentee = enrol(organization, cohort, f"Mentee{number}", EnrolmentRole.MENTEE,
                       state=EnrolmentState.MATCHED, profile_days_ago=35)  # fmt: skip
        pair = start_pair(organization, mentor, mentee, status=MentorshipStatus.ACTIVE,
                          started=30, score=20.0 * (number % 5) + 10)  # fmt: skip
        meeting(pair, days_ago(7))
        messages(pair, 2 + number % 3)
        goal(pair, GoalStatus.ACTIVE, [(-2, None), (5, None)])
        check_in(pair, mentee, 1 + number % 5)
        snapshot(pair, today(), statuses[number % 3], ["no meeting for 20 days"])
