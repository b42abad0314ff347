"""The demo cohort six weeks in: goals, milestones, check-ins, messages, past and upcoming
meetings, and pairs in each health state (on track, needs attention, at risk), so every page
has something true to show. Idempotent: once the cohort's pairs have goals, nothing is added.

The demo's history is written as it would have happened: through the services, then dated
back (a service refuses a meeting slot in the past, rightly, and stamps messages with now).
"""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from goals import services as goals
from goals.models import Goal, Milestone, RelationshipMilestone, RelationshipStep
from meetings.models import Attendance, Meeting, MeetingStatus
from meetings.services.meetings import Slot, meeting_accept, meeting_propose, new_uid
from messaging import services as messaging
from messaging.models import Conversation, Message
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Cohort, Mentorship, MentorshipStatus
from programs.services.mentorships import agreement_confirm, agreement_confirmed_by

WEEKS_IN = 6
DAY = datetime.timedelta(days=1)

# Per pair, in order: (days since the last message, days since the last meeting held or None,
# days until the next meeting or None, latest ratings, overdue goal milestone?)
STORIES = [
    (1, 6, 5, (5, 4), False),  # on track: talks, meets, plans
    (3, 10, 8, (4, 4), False),  # on track
    (5, 24, None, (4, 3), True),  # needs attention: no meeting for 24 days, a step overdue
    (20, 31, None, (3, 3), True),  # needs attention, drifting
    (33, 40, None, (2, 4), True),  # at risk: silent for a month, rated 2 of 5
]
GOALS = [
    ("Lead a project end to end", "Ship the Q1 onboarding revamp as its lead",
     ("Write the project brief", "Agree the scope with stakeholders", "Run the kick-off")),
    ("Speak with confidence in meetings", "Present at two team reviews without notes",
     ("Prepare a 5-minute update", "Present at the team review")),
]  # fmt: skip


def _member(organization, user_id: int) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        organization=organization, user_id=user_id
    )


def _age(mentorship: Mentorship, started: datetime.date) -> None:
    shift = mentorship.started_on - started
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_on=started,
        status_changed_at=timezone.make_aware(datetime.datetime.combine(started, datetime.time(9))),
    )
    RelationshipMilestone.objects.filter(mentorship=mentorship).update(due_on=F("due_on") - shift)
    mentorship.started_on = started


def _messages(mentorship: Mentorship, mentor: Membership, mentee: Membership, days_ago: int):
    conversation = messaging.conversation_for_mentorship(mentorship)
    lines = [
        (mentee, "Thanks for yesterday, the advice on the brief really helped."),
        (mentor, "Glad it did. Send me the draft when it is ready and I will comment."),
        (mentee, "Will do, probably by Friday."),
    ]
    for number, (author, body) in enumerate(lines):
        messaging.message_send(
            membership=author, conversation=conversation, body=body, client_key=f"demo-{number}"
        )
    for person in (mentor, mentee):  # both have read them since
        messaging.conversation_mark_read(
            membership=person, conversation=conversation, sequence=len(lines)
        )
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Message.objects.filter(conversation=conversation).update(created_at=when)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=when)


def _past_meeting(mentorship: Mentorship, proposer: Membership, days_ago: int) -> None:
    start = (timezone.now() - days_ago * DAY).replace(minute=0, second=0, microsecond=0)
    Meeting.objects.create(
        organization=mentorship.organization,
        mentorship=mentorship,
        proposed_by_id=proposer.user_id,
        title="Fortnightly catch-up",
        agenda="How the project brief is going; what to prepare next.",
        status=MeetingStatus.SCHEDULED,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
        attendance=Attendance.HELD,
        attendance_recorded_at=start + datetime.timedelta(hours=1),
        uid=new_uid(),
        status_changed_by_id=proposer.user_id,
    )


def _upcoming_meeting(mentorship, mentee: Membership, mentor: Membership, in_days: int) -> None:
    start = (timezone.now() + in_days * DAY).replace(hour=9, minute=0, second=0, microsecond=0)
    meeting = meeting_propose(
        actor=mentee,
        mentorship=mentorship,
        title="Review the project brief",
        agenda="Go through the draft brief together; agree who to show it to.",
        slots=[
            Slot(start, start + datetime.timedelta(minutes=45)),
            Slot(start + DAY, start + DAY + datetime.timedelta(minutes=45)),
        ],
        generate_video_link=True,
    )
    meeting_accept(actor=mentor, meeting=meeting, slot_id=meeting.slots.order_by("pk").first().pk)


def _goals(mentorship, mentee: Membership, mentor: Membership, overdue: bool, today) -> None:
    for number, (title, measure, steps) in enumerate(GOALS):
        goal = goals.goal_create(
            actor=mentee,
            mentorship=mentorship,
            text=goals.GoalText(
                title=title, measure=measure, why="It is the next step in my role.",
                target_date=today + (60 + 30 * number) * DAY,
            ),
        )  # fmt: skip
        for step_number, step in enumerate(steps):
            goals.milestone_create(
                actor=mentor if step_number == 1 else mentee, goal=goal, title=step,
                due_on=today + (10 * step_number + 7) * DAY,
                owner="mentor" if step_number == 1 else "mentee",
            )  # fmt: skip
        first = goal.milestones.order_by("due_on").first()
        if number == 0 and not overdue:
            goals.milestone_complete(actor=mentee, milestone=first, evidence="Shared in chat")
        elif number == 0:
            # Its date came and went.
            Milestone.objects.filter(pk=first.pk).update(due_on=today - 5 * DAY)


def _check_ins(mentorship, people: list[Membership], ratings: tuple[int, ...]) -> None:
    for person, rating in zip(people, ratings, strict=True):
        goals.check_in_submit(
            actor=person,
            mentorship=mentorship,
            answers=goals.CheckInAnswers(
                progress="We agreed the scope of my first goal and met as planned.",
                rating=rating,
                next_steps="Draft the brief before our next meeting.",
            ),
        )


def seed_demo_relationships(*, cohort: Cohort) -> None:
    organization = cohort.organization
    today = timezone.localdate()
    with organization_scope(organization):
        if Goal.objects.filter(mentorship__cohort=cohort).exists():
            return
        mentorships = list(
            Mentorship.objects.filter(cohort=cohort, status=MentorshipStatus.ACTIVE)
            .select_related("mentor", "cohort__program", "organization", "agreement")
            .prefetch_related("members__mentee")
            .order_by("pk")
        )
        # The mentorships started in this same transaction: their start event (which gives
        # them the program's milestones) runs only once it commits. Give them now; the event
        # then finds them there.
        goals.relationship_milestones_create(organization.pk, [m.pk for m in mentorships])
        # The first pairs have been working together for six weeks; the others were matched
        # just now.
        for mentorship, story in zip(mentorships, STORIES, strict=False):
            message_days, met_days, next_days, ratings, overdue = story
            _age(mentorship, today - WEEKS_IN * 7 * DAY)
            mentor = _member(organization, mentorship.mentor.user_id)
            mentee = _member(organization, mentorship.members.all()[0].mentee.user_id)
            if ratings[0] >= 3:
                for person in (mentor, mentee):
                    if person.user_id not in agreement_confirmed_by(mentorship.agreement):
                        agreement_confirm(actor=person, mentorship=mentorship, version=1)
                goals.relationship_milestones_mark_done(
                    organization=organization, mentorship_id=mentorship.pk,
                    step=RelationshipStep.AGREEMENT, on=today - 38 * DAY,
                )  # fmt: skip
            _messages(mentorship, mentor, mentee, message_days)
            if met_days is not None:
                _past_meeting(mentorship, mentee, met_days)
                goals.relationship_milestones_mark_done(
                    organization=organization, mentorship_id=mentorship.pk,
                    step=RelationshipStep.FIRST_MEETING, on=today - 30 * DAY,
                )  # fmt: skip
            if next_days is not None:
                _upcoming_meeting(mentorship, mentee, mentor, next_days)
            _goals(mentorship, mentee, mentor, overdue, today)
            _check_ins(mentorship, [mentor, mentee], ratings)
