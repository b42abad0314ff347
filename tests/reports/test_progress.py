"""The progress report's rows, against values counted by hand on a small seeded world."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goals.models import CheckIn, Goal, GoalStatus, Milestone, PairSide
from meetings.models import Attendance, Meeting, MeetingPrivateNote, MeetingStatus
from messaging import services as messaging_services
from organizations.scope import organization_scope
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentState,
    Mentorship,
    MentorshipMentee,
    MentorshipOrigin,
    MentorshipStatus,
)
from relationships.models import HealthSnapshot, HealthStatus
from reports.filters import parse_filters
from reports.progress import (
    PROGRESS_HEADERS,
    Columns,
    ProgressRow,
    progress_headers,
    progress_rows,
)
from tests.goals.conftest import pair  # noqa: F401 - a mentorship started through matching

# Every word the pair writes carries this marker: no export may contain it.
SECRET = "zzsecretzz"
TODAY = timezone.localdate()


@dataclass
class Seeded:
    mw: object
    mentorship: Mentorship


def _meeting(
    world, mentorship, *, days: int, status: str, attendance: str = "", n: int = 0
) -> Meeting:
    start = timezone.now() + datetime.timedelta(days=days)
    return Meeting.objects.create(
        organization=world.alpha, mentorship=mentorship, title=f"Meeting {SECRET}",
        agenda=f"Agenda {SECRET}", status=status, starts_at=start,
        ends_at=start + datetime.timedelta(hours=1), attendance=attendance,
        shared_notes=f"Notes {SECRET}", outcome=f"Outcome {SECRET}",
        uid=f"seed-{mentorship.pk}-{days}-{n}@example.test",
    )  # fmt: skip


def _goal(world, mentorship, mentee, status: str) -> Goal:
    return Goal.objects.create(
        organization=world.alpha, mentorship=mentorship, mentee=mentee,
        title=f"Goal {SECRET}", measure=f"Measure {SECRET}", why=f"Why {SECRET}",
        target_date=TODAY + datetime.timedelta(days=60), status=status,
    )  # fmt: skip


def _milestone(world, goal, *, due_in: int, done: bool) -> None:
    Milestone.objects.create(
        organization=world.alpha, goal=goal, title=f"Milestone {SECRET}",
        due_on=TODAY + datetime.timedelta(days=due_in), owner=PairSide.MENTEE,
        done_on=TODAY - datetime.timedelta(days=1) if done else None,
        evidence=f"Evidence {SECRET}",
    )  # fmt: skip


def seed(world, mw, mentorship) -> Seeded:
    """The pair's activity, counted by hand:
    meetings held 2 (one marked held, one over and not marked; a missed one, a cancelled one and
    one to come do not count); messages 3 (a fourth is deleted); goals set 3, achieved 1;
    milestones done 2, overdue 1 (a late one of a dropped goal does not count); check-ins 2,
    rated 4 and 2 (average 3.0); health at risk (the latest of two snapshots). No survey
    answers (blank scores). Every word written carries SECRET: the meetings' texts and a
    private note, the goals and milestones, the check-ins and their note to the managers, the
    messages."""
    mentor, mentee = mw.members["mentor0"], mw.members["mentee0"]
    with organization_scope(world.alpha):
        held = _meeting(world, mentorship, days=-20, status=MeetingStatus.SCHEDULED,
                        attendance=Attendance.HELD)  # fmt: skip
        MeetingPrivateNote.objects.create(
            organization=world.alpha, meeting=held, user=mentee.user, body=f"Private {SECRET}"
        )
        _meeting(world, mentorship, days=-10, status=MeetingStatus.SCHEDULED)
        _meeting(world, mentorship, days=-5, status=MeetingStatus.SCHEDULED,
                 attendance=Attendance.MENTEE_ABSENT)  # fmt: skip
        _meeting(world, mentorship, days=-3, status=MeetingStatus.CANCELLED)
        _meeting(world, mentorship, days=4, status=MeetingStatus.SCHEDULED)
        mentee_enrolment = Enrolment.objects.get(pk=mw.mentees["mentee0"].pk)
        achieved = _goal(world, mentorship, mentee_enrolment, GoalStatus.ACHIEVED)
        active = _goal(world, mentorship, mentee_enrolment, GoalStatus.ACTIVE)
        dropped = _goal(world, mentorship, mentee_enrolment, GoalStatus.DROPPED)
        _milestone(world, achieved, due_in=-5, done=True)
        _milestone(world, active, due_in=-3, done=True)
        _milestone(world, active, due_in=-2, done=False)  # overdue
        _milestone(world, active, due_in=5, done=False)
        _milestone(world, dropped, due_in=-2, done=False)  # late, but the goal was dropped
        for number, (member, side, rating) in enumerate(
            ((mentor, PairSide.MENTOR, 4), (mentee, PairSide.MENTEE, 2)), start=1
        ):
            CheckIn.objects.create(
                organization=world.alpha, mentorship=mentorship, author=member.user, side=side,
                period=number, due_on=TODAY, progress=f"Progress {SECRET}",
                blockers=f"Blockers {SECRET}", next_steps=f"Next {SECRET}", rating=rating,
                note_to_manager=f"Note {SECRET}",
            )  # fmt: skip
        for days, status in ((2, HealthStatus.ON_TRACK), (1, HealthStatus.AT_RISK)):
            HealthSnapshot.objects.create(
                organization=world.alpha, mentorship=mentorship,
                taken_on=TODAY - datetime.timedelta(days=days), status=status,
            )  # fmt: skip
    conversation = messaging_services.conversation_for_mentorship(mentorship)
    for number in range(3):
        messaging_services.message_send(
            membership=mentee if number % 2 else mentor,
            conversation=conversation,
            body=f"Message {number} {SECRET}",
        )
    deleted, _ = messaging_services.message_send(
        membership=mentee, conversation=conversation, body=f"Oops {SECRET}"
    )
    messaging_services.message_delete(membership=mentee, message=deleted)
    return Seeded(mw=mw, mentorship=mentorship)


@pytest.fixture
def seeded(world, pair):  # noqa: F811 - the fixture imported above
    mw, mentorship = pair
    return seed(world, mw, mentorship)


def add_pairs(world, count: int, *, department: str = "Plain", cohort=None) -> list[int]:
    """`count` plain mentorships (a mentor and a mentee each) in Alpha's cohort, as rows."""
    cohort = cohort or world.alpha_cohort
    with organization_scope(world.alpha):
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                organization=world.alpha, cohort=cohort, email=f"{role}{n}.{department}@x.example",
                full_name=f"{role.title()} {n} {department}", role=role,
                state=EnrolmentState.MATCHED, department=department,
            )
            for n in range(count) for role in (EnrolmentRole.MENTOR, EnrolmentRole.MENTEE)
        )  # fmt: skip
        mentorships = Mentorship.objects.bulk_create(
            Mentorship(
                organization=world.alpha, cohort=cohort, mentor=enrolments[2 * n],
                origin=MentorshipOrigin.MATCH_RUN, started_on=TODAY - datetime.timedelta(days=30),
                ends_on=TODAY + datetime.timedelta(days=150),
            )
            for n in range(count)
        )  # fmt: skip
        MentorshipMentee.objects.bulk_create(
            MentorshipMentee(organization=world.alpha, mentorship=m, mentee=enrolments[2 * n + 1])
            for n, m in enumerate(mentorships)
        )
    return [m.pk for m in mentorships]


def rows_for(world, params: dict | None = None, membership=None, **kwargs) -> list[ProgressRow]:
    membership = membership or world.alpha_owner_membership
    filters = parse_filters(membership, params or {})
    return list(progress_rows(world.alpha, filters, **kwargs))


def departments_of(world, seeded) -> tuple[str, str]:
    """(mentor's, mentee's) department, as their profiles set them."""
    with organization_scope(world.alpha):
        return (
            Enrolment.objects.get(pk=seeded.mw.mentors["mentor0"].pk).department,
            Enrolment.objects.get(pk=seeded.mw.mentees["mentee0"].pk).department,
        )


def test_a_row_holds_the_counts_worked_out_by_hand(world, seeded):
    mentorship = seeded.mentorship
    mentor_department, mentee_department = departments_of(world, seeded)
    assert mentor_department and mentee_department and mentor_department != mentee_department
    [row] = rows_for(world)
    assert row == ProgressRow.of(
        mentorship_id=mentorship.pk,
        program=world.alpha_program.name,
        cohort=world.alpha_cohort.name,
        mentor="Mentor0 Alphacanary",
        mentees="Mentee0 Alphacanary",
        departments=f"{mentor_department}; {mentee_department}",
        started_on=mentorship.started_on,
        ends_on=mentorship.ends_on,
        ended_on=None,
        status="Active",
        health="At risk",
        meetings_held=2,
        messages=3,
        goals_set=3,
        goals_achieved=1,
        milestones_done=2,
        milestones_overdue=1,
        check_ins=2,
        average_rating=3.0,
        extra=(None, None, None),  # the survey scores: nobody answered
    )
    assert len(row) == len(progress_headers()) == len(PROGRESS_HEADERS) + 3
    assert (row.status, row.health, row.messages) == ("Active", "At risk", 3)


def test_a_pair_with_nothing_yet_has_zeros_and_no_health(world):
    [pk] = add_pairs(world, 1)
    [row] = rows_for(world)
    assert row.mentorship_id == pk
    assert (row.meetings_held, row.messages, row.goals_set, row.check_ins) == (0, 0, 0, 0)
    assert row.average_rating is None
    assert row.health == ""


def test_an_ended_mentorship_shows_no_health(world, seeded):
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=seeded.mentorship.pk).update(
            status=MentorshipStatus.ENDED_EARLY, ended_on=TODAY
        )
    [row] = rows_for(world)
    assert (row.status, row.health, row.ended_on) == ("Ended early", "", TODAY)


def test_filters_choose_the_mentorships(world, seeded):
    plain = add_pairs(world, 2, department="Finance")
    mentorship = seeded.mentorship
    mentor_department, mentee_department = departments_of(world, seeded)
    ids = lambda params: [r.mentorship_id for r in rows_for(world, params)]  # noqa: E731
    assert ids({}) == sorted([mentorship.pk, *plain])
    # The department of the mentor or of a mentee, whatever the case.
    assert ids({"department": mentee_department.lower()}) == [mentorship.pk]
    assert ids({"department": mentor_department.upper()}) == [mentorship.pk]
    assert ids({"department": "Finance"}) == plain
    assert ids({"department": "Nobody"}) == []
    assert ids({"cohort": str(world.alpha_cohort.pk)}) == sorted([mentorship.pk, *plain])


def test_the_date_range_keeps_mentorships_active_at_some_time_in_it(world):
    ids = add_pairs(world, 3)
    early, ended, running = ids
    with organization_scope(world.alpha):
        # Started 2025-01-01, ended 2025-03-31.
        Mentorship.objects.filter(pk=ended).update(
            started_on=datetime.date(2025, 1, 1), ended_on=datetime.date(2025, 3, 31),
            status=MentorshipStatus.COMPLETED,
        )  # fmt: skip
        # Started 2024-06-01 and still running.
        Mentorship.objects.filter(pk=early).update(started_on=datetime.date(2024, 6, 1))
        # Started 2025-06-01, still running.
        Mentorship.objects.filter(pk=running).update(started_on=datetime.date(2025, 6, 1))

    def found(since: str, until: str) -> list[int]:
        return [r.mentorship_id for r in rows_for(world, {"since": since, "until": until})]

    assert found("2025-02-01", "2025-02-28") == [early, ended]
    assert found("2025-04-01", "2025-05-31") == [early]
    assert found("2025-03-31", "2025-06-01") == [early, ended, running]
    assert found("2024-01-01", "2024-05-31") == []


def other_program_cohort(world, name: str = "Sales mentoring"):
    """A second program of Alpha's (its manager does not run it), with a cohort."""
    from programs import services as program_services
    from programs.services import CohortSettings, ProgramSettings

    owner = world.alpha_owner_membership
    program = program_services.program_create(
        actor_membership=owner, values=ProgramSettings(name=name, purpose="P")
    )
    return program_services.cohort_create(
        actor_membership=owner, program=program,
        values=CohortSettings(
            name="Autumn", enrolment_opens_on=datetime.date(2027, 1, 1),
            enrolment_closes_on=datetime.date(2027, 1, 31), starts_on=datetime.date(2027, 2, 1),
            ends_on=datetime.date(2027, 7, 31),
        ),
    )  # fmt: skip


def test_a_program_manager_reads_only_their_programs(world, seeded):
    other = add_pairs(world, 2, cohort=other_program_cohort(world))
    manager = world.membership(world.alpha, world.alpha_manager)
    assert [r.mentorship_id for r in rows_for(world, membership=manager)] == [seeded.mentorship.pk]
    assert [r.mentorship_id for r in rows_for(world)] == [seeded.mentorship.pk, *other]
    assert {r.program for r in rows_for(world)} == {world.alpha_program.name, "Sales mentoring"}


def test_extra_columns_come_from_providers(world, seeded):
    calls = []

    def scores(organization, mentorship_ids):
        calls.append(list(mentorship_ids))
        return {mentorship_ids[0]: (4.5, 9)}

    providers = [Columns(("Mid-point score", "NPS"), scores)]
    add_pairs(world, 1)
    rows = rows_for(world, extra_columns=providers)
    assert progress_headers(providers)[-2:] == ("Mid-point score", "NPS")
    assert [row.extra for row in rows] == [(4.5, 9), (None, None)]
    assert rows[0][-2:] == (4.5, 9)
    assert len(rows[0]) == len(PROGRESS_HEADERS) + 2
    assert len(calls) == 1  # once per chunk


def reads(captured) -> list[str]:
    """The statements that read rows (on PostgreSQL the export also sets how its statements
    are planned, and resets it)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SET ", "RESET "))
    ]


def test_queries_per_chunk_are_fixed(world):
    add_pairs(world, 3)
    filters = parse_filters(world.alpha_owner_membership, {})
    with CaptureQueriesContext(connection) as few:
        assert len(list(progress_rows(world.alpha, filters, extra_columns=()))) == 3
    add_pairs(world, 27, department="More")
    with CaptureQueriesContext(connection) as many:
        assert len(list(progress_rows(world.alpha, filters, extra_columns=()))) == 30
    # The chunks' ends, then the chunk's rows (its mentorships joined with every count) and
    # its mentees.
    assert len(reads(few)) == len(reads(many)) == 3
    # A second chunk costs the same again.
    with CaptureQueriesContext(connection) as chunked:
        found = list(progress_rows(world.alpha, filters, extra_columns=(), chunk_size=16))
    assert len(found) == 30
    assert [r.mentorship_id for r in found] == sorted(r.mentorship_id for r in found)
    assert len(reads(chunked)) == 1 + 2 * 2


def test_no_program_means_no_rows_and_no_queries(world):
    member_filters = parse_filters(world.alpha_owner_membership, {})
    empty = type(member_filters)(programs=())
    with CaptureQueriesContext(connection) as queries:
        assert list(progress_rows(world.alpha, empty, extra_columns=())) == []
    assert len(queries) == 0


# The surveys' columns (surveys/report_columns.py) ---------------------------------------------

SCORE_HEADERS = ("Mid-point score", "Closing score", "NPS (average 0-10)")


def _respond(world, built, user, survey, answers: dict) -> None:
    from surveys import services as survey_services
    from tests.surveys import support

    member = support.membership(world, user)
    survey_services.survey_respond(
        actor=member, mentorship=support.mentorship_for(member, built.mentorship.pk),
        survey=survey, answers=answers,
    )  # fmt: skip


def surveyed(world):
    """Alpha's program with the suggested surveys and, on the mid-point one, an anonymous scale
    question "Rate your mentor". Two pairs: `answered` and `quiet` (nobody answers).

    Answers of `answered`, by hand:
    - mid-point: the mentor gives the scale 4 and the recommendation 10, the mentee 2 and 7;
      both rate their mentor 1 anonymously, and the mentee writes an anonymous text;
    - closing (its end moved 5 days ahead, so the closing survey opens): the mentee gives
      the scale 5 and the recommendation 9.
    Mid-point score (4 + 2) / 2 = 3.0 (2.0 if the anonymous 1s counted); closing score 5.0;
    NPS (average 0-10) (10 + 7 + 9) / 3 = 8.67."""
    from surveys import services as survey_services
    from tests.surveys import support

    surveys = support.suggested(world)
    rate_mentor = survey_services.question_create(
        actor=world.alpha_owner_membership, program=world.alpha_program, moment="mid_point",
        values=survey_services.QuestionSettings(
            label="Rate your mentor", kind="scale", anonymous=True
        ),
    )  # fmt: skip
    with organization_scope(world.alpha):
        # By kind, the scale question that is not anonymous (two are scales).
        mid = {q.kind: q for q in surveys["mid_point"].questions.exclude(pk=rate_mentor.pk)}
    answered = support.pair_at_mid_point(world)
    quiet = support.pair_at_mid_point(world)
    for user, scale, nps, text in (
        (answered.mentor, 4, 10, ""),
        (answered.mentee, 2, 7, f"Anonymous {SECRET}"),
    ):
        _respond(world, answered, user, surveys["mid_point"], {
            mid["scale"].pk: scale, mid["nps"].pk: nps, rate_mentor.pk: 1, mid["text"].pk: text,
        })  # fmt: skip
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=answered.mentorship.pk).update(
            ends_on=TODAY + datetime.timedelta(days=5)
        )
    closing = support.questions(surveys["closing"])
    _respond(world, answered, answered.mentee, surveys["closing"], {
        closing["scale"].pk: 5, closing["nps"].pk: 9, closing["single_choice"].pk: "Yes",
    })  # fmt: skip
    return answered, quiet


def test_survey_scores_are_computed_by_hand_and_never_use_anonymous_answers(world):
    answered, quiet = surveyed(world)
    assert progress_headers()[-3:] == SCORE_HEADERS
    rows = {row.mentorship_id: row for row in rows_for(world)}
    assert rows[answered.mentorship.pk].extra == (3.0, 5.0, 8.67)
    assert rows[quiet.mentorship.pk].extra == (None, None, None)


def test_the_survey_columns_are_joined_to_each_chunks_statement(world):
    """The surveys' provider offers its query (chunk_query): the report joins it to its own
    statement, so the score columns cost no query of their own."""
    from surveys.report_columns import PROGRESS_COLUMNS

    surveyed(world)
    filters = parse_filters(world.alpha_owner_membership, {})
    with CaptureQueriesContext(connection) as without:
        list(progress_rows(world.alpha, filters, extra_columns=()))
    with CaptureQueriesContext(connection) as with_scores:
        rows = list(progress_rows(world.alpha, filters, extra_columns=PROGRESS_COLUMNS))
    assert len(reads(with_scores)) == len(reads(without))
    assert "surveys_surveyanswer" in reads(with_scores)[1]
    assert any(row.extra != (None, None, None) for row in rows)
    add_pairs(world, 20)
    with CaptureQueriesContext(connection) as chunked:
        found = list(progress_rows(world.alpha, filters, extra_columns=PROGRESS_COLUMNS,
                                   chunk_size=10))  # fmt: skip
    assert len(found) == 22
    assert len(reads(chunked)) == 1 + 2 * 3  # the chunks' ends, then 2 per chunk of 10


def _enrol(world, email: str, full_name: str, role: str, department: str) -> Enrolment:
    return Enrolment.objects.create(
        organization=world.alpha, cohort=world.alpha_cohort, email=email, full_name=full_name,
        role=role, state=EnrolmentState.MATCHED, department=department,
    )  # fmt: skip


def test_group_mentorships_name_every_mentee_and_each_department_once(world):
    """A group of mentees: their names in name order, the mentor's department first and each
    department once; a person without a name is shown by their email."""
    [single] = add_pairs(world, 1, department="Plain")
    with organization_scope(world.alpha):
        mentor = _enrol(world, "lead@x.example", "", EnrolmentRole.MENTOR, "Sales")
        group = Mentorship.objects.create(
            organization=world.alpha, cohort=world.alpha_cohort, mentor=mentor,
            origin=MentorshipOrigin.MATCH_RUN, started_on=TODAY - datetime.timedelta(days=3),
            ends_on=TODAY + datetime.timedelta(days=90),
        )  # fmt: skip
        for email, name, department in (
            ("zoe@x.example", "Zoe Z", "Legal"),
            ("adam@x.example", "Adam A", "Sales"),
            ("nameless@x.example", "", "Legal"),
            ("bea@x.example", "Bea B", ""),
        ):
            MentorshipMentee.objects.create(
                organization=world.alpha, mentorship=group,
                mentee=_enrol(world, email, name, EnrolmentRole.MENTEE, department),
            )  # fmt: skip
    rows = {row.mentorship_id: row for row in rows_for(world)}
    assert rows[group.pk].mentor == "lead@x.example"
    # Names sort first ("" before letters): the nameless mentee, by email, leads.
    assert rows[group.pk].mentees == "nameless@x.example; Adam A; Bea B; Zoe Z"
    assert rows[group.pk].departments == "Sales; Legal"
    # The one-mentee rows of the same chunk are shaped alike.
    assert (rows[single].mentees, rows[single].departments) == ("Mentee 0 Plain", "Plain")


@pytest.mark.parametrize(
    ("mentor", "mentee", "shown"),
    [
        ("Sales", "Legal", "Sales; Legal"),
        ("Sales", "Sales", "Sales"),
        ("", "Legal", "Legal"),
        ("Sales", "", "Sales"),
        ("", "", ""),
    ],
)
def test_a_pair_shows_the_mentor_department_first_and_never_twice(world, mentor, mentee, shown):
    with organization_scope(world.alpha):
        lead = _enrol(world, "m@x.example", "M", EnrolmentRole.MENTOR, mentor)
        mentorship = Mentorship.objects.create(
            organization=world.alpha, cohort=world.alpha_cohort, mentor=lead,
            origin=MentorshipOrigin.MATCH_RUN, started_on=TODAY, ends_on=TODAY,
        )  # fmt: skip
        MentorshipMentee.objects.create(
            organization=world.alpha, mentorship=mentorship,
            mentee=_enrol(world, "e@x.example", "", EnrolmentRole.MENTEE, mentee),
        )  # fmt: skip
    [row] = rows_for(world)
    assert (row.mentor, row.mentees, row.departments) == ("M", "e@x.example", shown)


def test_joined_and_asked_providers_keep_their_order(world):
    """Extra columns follow their providers' order, whether a provider's query is joined to
    the report's statement or the provider is asked for its values."""
    from surveys.report_columns import SurveyScoreColumns

    surveyed(world)
    first = Columns(("First",), lambda organization, ids: dict.fromkeys(ids, ("a",)))
    last = Columns(("Last",), lambda organization, ids: dict.fromkeys(ids, ("z",)))
    filters = parse_filters(world.alpha_owner_membership, {})
    plain = {r.mentorship_id: r.extra for r in rows_for(world)}
    mixed = list(progress_rows(world.alpha, filters, [first, SurveyScoreColumns(), last]))
    assert progress_headers([first, SurveyScoreColumns(), last])[-5:] == (
        "First", *SCORE_HEADERS, "Last",
    )  # fmt: skip
    assert [row.extra for row in mixed] == [("a", *plain[row.mentorship_id], "z") for row in mixed]


def test_on_postgresql_the_chunks_are_planned_without_parallel_workers_then_reset(world):
    """A chunk's statement is small; in a parallel plan each worker would build every joined
    count again. The export plans its statements serially, and leaves the connection as it
    found it."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    add_pairs(world, 3)
    filters = parse_filters(world.alpha_owner_membership, {})

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    before = setting()
    assert before != "0"
    with CaptureQueriesContext(connection) as captured:
        assert len(list(progress_rows(world.alpha, filters, extra_columns=()))) == 3
    statements = [query["sql"] for query in captured.captured_queries]
    assert statements[1] == "SET max_parallel_workers_per_gather = 0"
    assert statements[-1] == "RESET max_parallel_workers_per_gather"
    assert setting() == before
