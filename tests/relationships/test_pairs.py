"""Health from real data: the signals each app gives, the cohort's pairs page, a person's own
mentorships and the daily snapshot."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from goals import services as goal_services
from goals.models import RelationshipMilestone
from meetings.models import Attendance, Meeting, MeetingStatus
from messaging.models import Conversation
from organizations.scope import organization_scope
from programs.models import Mentorship
from relationships import services
from relationships.models import HealthSnapshot, HealthStatus

TODAY = timezone.localdate()


def _age(world, mentorship, days: int) -> None:
    """Make the mentorship `days` old (its program milestones' dates move with it)."""
    started = TODAY - datetime.timedelta(days=days)
    shift = mentorship.started_on - started
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=mentorship.pk).update(started_on=started)
        RelationshipMilestone.objects.filter(mentorship=mentorship).update(
            due_on=F("due_on") - shift
        )
    mentorship.started_on = started


def _message_days_ago(world, mentorship, days: int) -> None:
    with organization_scope(world.alpha):
        Conversation.objects.filter(mentorship=mentorship).update(
            last_message_at=timezone.now() - datetime.timedelta(days=days)
        )


def _meeting_days_ago(world, mentorship, days: int) -> None:
    start = timezone.now() - datetime.timedelta(days=days)
    with organization_scope(world.alpha):
        Meeting.objects.create(
            organization=world.alpha,
            mentorship=mentorship,
            title="Catch-up",
            status=MeetingStatus.SCHEDULED,
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=45),
            attendance=Attendance.HELD,
            uid=f"test-{mentorship.pk}-{days}@example.test",
        )


def _health(world, mentorship):
    return services.health_of(world.alpha, [mentorship])[mentorship.pk]


def test_a_new_pair_is_on_track(world, pair):
    _, mentorship = pair
    assert _health(world, mentorship).status == HealthStatus.ON_TRACK


def test_signals_from_every_app_make_the_reasons(world, pair):
    mw, mentorship = pair
    _age(world, mentorship, 60)
    _message_days_ago(world, mentorship, 20)
    _meeting_days_ago(world, mentorship, 24)
    goal_services.check_in_submit(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        answers=goal_services.CheckInAnswers(progress="Slow going", rating=2),
    )
    health = _health(world, mentorship)
    assert health.status == HealthStatus.AT_RISK
    assert "rated the relationship 2 of 5 in the latest check-in" in health.reasons
    assert "a check-in overdue by 46 days" in health.reasons  # the mentor's: never written
    assert "no meeting for 24 days" in health.reasons
    assert "no message for 20 days" in health.reasons
    assert "no goals set, 60 days after the match" in health.reasons
    # The program milestones of the first weeks were never ticked.
    assert "“Agreement confirmed by both of you” overdue" in health.reasons


def test_a_paused_mentorship_has_no_health(world, pair):
    _, mentorship = pair
    mentorship.status = "paused"
    assert _health(world, mentorship) is None


def test_managers_see_the_cohorts_pairs_and_filter_them(client, world, pair):
    mw, mentorship = pair
    _age(world, mentorship, 60)
    url = reverse(
        "relationships:cohort_pairs",
        kwargs={"org_slug": world.alpha.slug, "program_id": mw.cohort.program_id,
                "cohort_id": mw.cohort.pk},
    )  # fmt: skip
    client.force_login(world.alpha_owner)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "At risk" in text and "No meeting yet, 60 days after the match" in text
    assert "At risk (1)" in text
    assert "No pair is in that state." in client.get(url + "?health=on_track").content.decode()
    client.force_login(mw.members["mentee0"].user)
    assert client.get(url).status_code in (403, 404)


def test_the_pairs_page_reads_a_fixed_number_of_rows(
    client,
    world,
    pair,
    django_assert_max_num_queries,
):
    from matching import services as matching_services
    from tests.matching.test_requests import ask

    mw, _ = pair
    url = reverse(
        "relationships:cohort_pairs",
        kwargs={"org_slug": world.alpha.slug, "program_id": mw.cohort.program_id,
                "cohort_id": mw.cohort.pk},
    )  # fmt: skip
    client.force_login(world.alpha_owner)
    with django_assert_max_num_queries(30) as one:
        client.get(url)
    matching_services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=ask(mw, "mentee1", "mentor0").pk
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("<tr>") == 3  # the header and two pairs


def test_people_see_their_own_mentorships_with_health(client, world, pair):
    mw, mentorship = pair
    _meeting_days_ago(world, mentorship, 3)
    client.force_login(mw.members["mentee0"].user)
    page = client.get(
        reverse("relationships:my_mentorships", kwargs={"org_slug": world.alpha.slug})
    )
    text = page.content.decode()
    assert "Mentored by" in text and "On track" in text and "Met 3 days ago" in text


def test_the_daily_snapshot_keeps_one_row_per_pair_and_day_and_no_words(world, pair):
    _, mentorship = pair
    _age(world, mentorship, 60)
    assert services.health_snapshots_take(organization=world.alpha) == 1
    _meeting_days_ago(world, mentorship, 2)
    assert services.health_snapshots_take(organization=world.alpha) == 1
    with organization_scope(world.alpha):
        snapshot = HealthSnapshot.objects.get()
    assert snapshot.taken_on == TODAY
    assert snapshot.signals["days_since_meeting"] == 2
    assert "no meeting yet" not in " ".join(snapshot.reasons)
    assert set(snapshot.signals) >= {"days_since_message", "overdue_milestones", "latest_ratings"}


@pytest.mark.parametrize("status", ["completed", "paused"])
def test_snapshots_are_for_active_mentorships(world, pair, status):
    _, mentorship = pair
    with organization_scope(world.alpha):
        Mentorship.objects.filter(pk=mentorship.pk).update(status=status)
    assert services.health_snapshots_take(organization=world.alpha) == 0


def _step(world, mentorship, step: str):
    with organization_scope(world.alpha):
        return RelationshipMilestone.objects.get(mentorship=mentorship, step=step).done_on


def test_the_platform_ticks_the_agreement_and_first_meeting_milestones(
    world, pair, django_capture_on_commit_callbacks
):
    from meetings.services.notes import meeting_attendance_record
    from programs.services.mentorships import agreement_confirm

    mw, mentorship = pair
    with django_capture_on_commit_callbacks(execute=True):
        agreement_confirm(actor=mw.members["mentor0"], mentorship=mentorship, version=1)
    assert _step(world, mentorship, "agreement") is None  # one of two
    with django_capture_on_commit_callbacks(execute=True):
        agreement_confirm(actor=mw.members["mentee0"], mentorship=mentorship, version=1)
    assert _step(world, mentorship, "agreement") == TODAY

    start = timezone.now() - datetime.timedelta(days=2)
    with organization_scope(world.alpha):
        meeting = Meeting.objects.create(
            organization=world.alpha, mentorship=mentorship, title="First", uid="first@test",
            status=MeetingStatus.SCHEDULED, starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )  # fmt: skip
    meeting.mentorship = mentorship
    with django_capture_on_commit_callbacks(execute=True):
        meeting_attendance_record(
            actor=mw.members["mentee0"], meeting=meeting, attendance=Attendance.HELD
        )
    assert _step(world, mentorship, "first_meeting") == timezone.localdate(start)


def test_report_viewers_follow_the_pairs_without_words_or_links(client, world, pair):
    from organizations.models import Role
    from tests.conftest import _add_member
    from tests.factories import make_user

    mw, mentorship = pair
    _age(world, mentorship, 60)
    goal_services.goal_create(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        text=goal_services.GoalText(
            title="A very private ambition", measure="m", why="",
            target_date=TODAY + datetime.timedelta(days=9),
        ),
    )  # fmt: skip
    viewer = make_user("hr@alphacanary.example", "Hana HR")
    _add_member(world.alpha, world.alpha_owner_membership, viewer, Role.REPORT_VIEWER)
    client.force_login(viewer)
    url = reverse(
        "relationships:cohort_pairs",
        kwargs={"org_slug": world.alpha.slug, "program_id": mw.cohort.program_id,
                "cohort_id": mw.cohort.pk},
    )  # fmt: skip
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "At risk" in text and "1 goal · 0%" in text
    assert "A very private ambition" not in text
    assert (
        reverse(
            "relationships:mentorship",
            kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk},
        )
        not in text
    )
    # The pair's own pages stay closed to them.
    assert client.get(
        reverse("goals:mentorship_goals",
                kwargs={"org_slug": world.alpha.slug, "mentorship_id": mentorship.pk})
    ).status_code == 404  # fmt: skip


def test_the_beat_task_takes_every_organisations_snapshot(world, pair):
    from relationships.tasks import take_health_snapshots

    _, mentorship = pair
    take_health_snapshots()  # each organisation's task runs eagerly in the tests
    take_health_snapshots()
    with organization_scope(world.alpha):
        assert list(HealthSnapshot.objects.values_list("mentorship_id", "taken_on")) == [
            (mentorship.pk, TODAY)
        ]
