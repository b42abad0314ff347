"""Everything the platform holds about one person, as one JSON-ready document.

What is in it: the account (never a password, an MFA secret or a token hash), and in every
organisation the person belongs to their membership, enrolments and profile answers, requests,
mentorships (with the partner's name), agreements, the messages they wrote, goals, milestones,
comments, check-ins, meetings with their own notes, what they shared, notifications and their
answers to survey questions that are not anonymous.

What is not: another person's words that are private to that person (their messages, private
notes, check-ins, requests), and answers to anonymous survey questions, which the platform only
ever counts in totals and never links to anyone, so it does not link them here either.

Each organisation is read inside its own scope with a fixed number of queries, whatever the
number of messages or notifications (tests/privacy/test_privacy.py counts them).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.models import ApiToken, User
from goals.models import CheckIn, Goal, GoalProgressEntry, MilestoneComment
from matching.models import MentorExclusion, MentorshipRequest
from meetings.models import CalendarFeed, Meeting, MeetingPrivateNote
from messaging.models import Attachment, ConversationKind, Message, MessageReport
from notifications.models import Notification, NotificationPreferences
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import (
    AGREEMENT_CONTENT_FIELDS,
    AgreementConfirmation,
    Enrolment,
    Mentorship,
    MentorshipEndReason,
    MentorshipMentee,
    ProfileAnswer,
    ProgramManager,
)
from reports.models import ScheduledReport
from resources.models import SharedItem
from surveys.models import SurveyAnswer, SurveyResponse

FORMAT = "mentorship-personal-data/1"
FORMER_MEMBER = "A former member"


def personal_data_file_name(day: date | None = None) -> str:
    return f"mentorship-data-{(day or timezone.localdate()).isoformat()}.json"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _name_of(enrolment: Enrolment) -> str:
    """A participant as the people they work with see them (their user loaded)."""
    if enrolment.user_id and enrolment.user.full_name:
        return enrolment.user.full_name
    return enrolment.full_name or FORMER_MEMBER


def personal_data_export(user: User) -> dict[str, Any]:
    """The person's data across every organisation they belong to (see the module docstring)."""
    memberships = list(
        Membership.all_organizations.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )
    return {
        "format": FORMAT,
        "exported_at": _iso(timezone.now()),
        "account": _account(user),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "api_tokens": [
            {
                "name": token.name,
                "created_at": _iso(token.created_at),
                "last_used_at": _iso(token.last_used_at),
                "revoked_at": _iso(token.revoked_at),
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "notification_preferences": _preferences(user),
        "organizations": [_organization_section(user, membership) for membership in memberships],
    }


def _account(user: User) -> dict[str, Any]:
    mfa_types = sorted(set(Authenticator.objects.filter(user=user).values_list("type", flat=True)))
    return {
        "email": user.email,
        "full_name": user.full_name,
        "timezone": user.timezone,
        "locale": user.locale,
        "created_at": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "mfa_enabled": Authenticator.Type.TOTP in mfa_types,
        "mfa_methods": mfa_types,
    }


def _preferences(user: User) -> dict[str, Any] | None:
    preferences = NotificationPreferences.objects.filter(user=user).first()
    if preferences is None:
        return None
    return {
        "channels": preferences.channels,
        "quiet_start": _iso(preferences.quiet_start),
        "quiet_end": _iso(preferences.quiet_end),
        "digest": preferences.digest,
        "digest_hour": preferences.digest_hour,
        "email_bounced_at": _iso(preferences.email_bounced_at),
    }


def _organization_section(user: User, membership: Membership) -> dict[str, Any]:
    organization = membership.organization
    with organization_scope(organization):
        mentorships = _mentorships(user)
        return {
            "organization": {"name": organization.name, "slug": organization.slug},
            "membership": {"role": membership.role, "joined_at": _iso(membership.created_at)},
            "programs_managed": [
                {"program": assignment.program.name, "since": _iso(assignment.created_at)}
                for assignment in ProgramManager.objects.filter(user=user)
                .select_related("program")
                .order_by("created_at", "pk")
            ],
            "enrolments": _enrolments(user),
            "mentorship_requests": _requests(user),
            "mentors_excluded": [
                {"mentor": _name_of(exclusion.mentor), "since": _iso(exclusion.created_at)}
                for exclusion in MentorExclusion.objects.filter(mentee__user=user)
                .select_related("mentor__user")
                .order_by("created_at", "pk")
            ],
            "mentorships": _mentorship_entries(user, mentorships),
            "messages": _messages(user, mentorships),
            "message_reports": [
                {
                    "message_id": report.message_id,
                    "reason": report.reason,
                    "created_at": _iso(report.created_at),
                    "resolved_at": _iso(report.resolved_at),
                }
                for report in MessageReport.objects.filter(reporter=user).order_by("created_at")
            ],
            "goals": _goals(user),
            "milestone_comments": [
                {
                    "goal": comment.milestone.goal.title,
                    "milestone": comment.milestone.title,
                    "body": comment.body,
                    "created_at": _iso(comment.created_at),
                }
                for comment in MilestoneComment.objects.filter(author=user)
                .select_related("milestone__goal")
                .order_by("created_at", "pk")
            ],
            "goal_progress_notes": [
                {
                    "goal_id": entry.goal_id,
                    "progress": entry.progress,
                    "status": entry.status,
                    "note": entry.note,
                    "created_at": _iso(entry.created_at),
                }
                for entry in GoalProgressEntry.objects.filter(user=user).order_by("created_at")
            ],
            "check_ins": _check_ins(user),
            "meetings": _meetings(user, mentorships),
            "shared_items": [
                {
                    "mentorship_id": item.mentorship_id,
                    "title": item.title,
                    "note": item.note,
                    "file_name": item.file_name,
                    "size": item.size,
                    "resource_id": item.resource_id,
                    "done_on": _iso(item.done_on),
                    "created_at": _iso(item.created_at),
                }
                for item in SharedItem.objects.filter(shared_by=user).order_by("created_at", "pk")
            ],
            "notifications": [
                {
                    "kind": notification.kind,
                    "title": notification.title,
                    "body": notification.body,
                    "created_at": _iso(notification.created_at),
                    "read_at": _iso(notification.read_at),
                    "email_state": notification.email_state,
                }
                for notification in Notification.objects.filter(user=user).order_by(
                    "created_at", "pk"
                )
            ],
            "survey_responses": _survey_responses(user),
            "calendar_feeds": [
                {"created_at": _iso(feed.created_at), "revoked_at": _iso(feed.revoked_at)}
                for feed in CalendarFeed.objects.filter(user=user).order_by("created_at")
            ],
            "scheduled_reports": [
                {
                    "program": scheduled.program.name,
                    "frequency": scheduled.frequency,
                    "format": scheduled.format,
                    "last_sent_on": _iso(scheduled.last_sent_on),
                }
                for scheduled in ScheduledReport.objects.filter(user=user)
                .select_related("program")
                .order_by("created_at")
            ],
        }


def _enrolments(user: User) -> list[dict[str, Any]]:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("cohort__program")
        .order_by("created_at", "pk")
    )
    answers: dict[int, list[dict]] = defaultdict(list)
    for answer in ProfileAnswer.objects.filter(enrolment__in=enrolments).order_by("pk"):
        answers[answer.enrolment_id].append(
            {
                "question": answer.question_label,
                "kind": answer.question_kind,
                "answer": answer.value,
            }
        )
    return [
        {
            "program": enrolment.cohort.program.name,
            "cohort": enrolment.cohort.name,
            "role": enrolment.role,
            "state": enrolment.state,
            "email": enrolment.email,
            "full_name": enrolment.full_name,
            "department": enrolment.department,
            "manager_email": enrolment.manager_email,
            "mentor_capacity": enrolment.mentor_capacity,
            "created_at": _iso(enrolment.created_at),
            "profile_completed_at": _iso(enrolment.profile_completed_at),
            "profile_answers": answers[enrolment.pk],
        }
        for enrolment in enrolments
    ]


def _requests(user: User) -> list[dict[str, Any]]:
    """Requests they sent (with their message) and received (with their answer): the other
    side's words stay theirs."""
    found = []
    for request in (
        MentorshipRequest.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))
        .select_related("cohort__program", "mentee__user", "mentor__user")
        .order_by("created_at", "pk")
    ):
        sent = request.mentee.user_id == user.pk
        found.append(
            {
                "program": request.cohort.program.name,
                "direction": "sent" if sent else "received",
                "with": _name_of(request.mentor if sent else request.mentee),
                "status": request.status,
                "your_words": request.message if sent else request.response,
                "created_at": _iso(request.created_at),
                "responded_at": _iso(request.responded_at),
            }
        )
    return found


def _mentorships(user: User) -> dict[int, Mentorship]:
    as_mentee = MentorshipMentee.objects.filter(mentee__user=user).values("mentorship_id")
    return {
        mentorship.pk: mentorship
        for mentorship in Mentorship.objects.filter(Q(mentor__user=user) | Q(pk__in=as_mentee))
        .select_related("cohort__program", "mentor__user", "agreement")
        .prefetch_related(
            Prefetch("members", queryset=MentorshipMentee.objects.select_related("mentee__user"))
        )
        .order_by("started_on", "pk")
    }


def _partners(mentorship: Mentorship, user: User) -> list[str]:
    people = [mentorship.mentor, *(member.mentee for member in mentorship.members.all())]
    return [_name_of(person) for person in people if person.user_id != user.pk]


def _mentorship_entries(user: User, mentorships: dict[int, Mentorship]) -> list[dict[str, Any]]:
    confirmations: dict[int, list[dict]] = defaultdict(list)
    for confirmation in AgreementConfirmation.objects.filter(user=user).order_by("confirmed_at"):
        confirmations[confirmation.agreement_id].append(
            {"version": confirmation.version, "confirmed_at": _iso(confirmation.confirmed_at)}
        )
    reasons = {
        reason.mentorship_id: reason.reason
        for reason in MentorshipEndReason.objects.filter(user=user)
    }
    entries = []
    for mentorship in mentorships.values():
        agreement = getattr(mentorship, "agreement", None)
        entries.append(
            {
                "id": mentorship.pk,
                "program": mentorship.cohort.program.name,
                "cohort": mentorship.cohort.name,
                "role": "mentor" if mentorship.mentor.user_id == user.pk else "mentee",
                "partners": _partners(mentorship, user),
                "status": mentorship.status,
                "started_on": _iso(mentorship.started_on),
                "ends_on": _iso(mentorship.ends_on),
                "ended_on": _iso(mentorship.ended_on),
                "your_end_reason": reasons.get(mentorship.pk, ""),
                "agreement": None
                if agreement is None
                else {
                    "version": agreement.version,
                    **{name: getattr(agreement, name) for name in AGREEMENT_CONTENT_FIELDS},
                    "your_confirmations": confirmations[agreement.pk],
                },
            }
        )
    return entries


def _messages(user: User, mentorships: dict[int, Mentorship]) -> list[dict[str, Any]]:
    """The messages they wrote, each with its conversation and who else was in it; never the
    others' messages."""
    files: dict[int, list[dict]] = defaultdict(list)
    for attachment in Attachment.objects.filter(message__sender=user).order_by("pk"):
        files[attachment.message_id].append(
            {
                "name": attachment.name,
                "content_type": attachment.content_type,
                "size": attachment.size,
            }
        )
    found = []
    for message in (
        Message.objects.filter(sender=user)
        .select_related("conversation__cohort", "conversation__program")
        .order_by("conversation_id", "sequence")
    ):
        conversation = message.conversation
        if conversation.kind == ConversationKind.MENTORSHIP:
            mentorship = mentorships.get(conversation.mentorship_id)
            where = {"with": _partners(mentorship, user) if mentorship else []}
        elif conversation.kind == ConversationKind.COHORT:
            where = {"cohort": conversation.cohort.name}
        else:
            where = {"program": conversation.program.name}
        found.append(
            {
                "conversation_id": conversation.pk,
                "conversation_kind": conversation.kind,
                **where,
                "sequence": message.sequence,
                "body": message.body,
                "created_at": _iso(message.created_at),
                "edited_at": _iso(message.edited_at),
                "deleted_at": _iso(message.deleted_at),
                "attachments": files[message.pk],
            }
        )
    return found


def _goals(user: User) -> list[dict[str, Any]]:
    """Their own goals (as the mentee) and the goals they wrote for someone, with milestones."""
    return [
        {
            "id": goal.pk,
            "mentorship_id": goal.mentorship_id,
            "title": goal.title,
            "measure": goal.measure,
            "why": goal.why,
            "target_date": _iso(goal.target_date),
            "status": goal.status,
            "progress": goal.progress,
            "shared_with_managers": goal.shared_with_managers,
            "created_at": _iso(goal.created_at),
            "milestones": [
                {
                    "title": milestone.title,
                    "due_on": _iso(milestone.due_on),
                    "owner": milestone.owner,
                    "done_on": _iso(milestone.done_on),
                    "evidence": milestone.evidence,
                }
                for milestone in goal.milestones.all()
            ],
        }
        for goal in Goal.objects.filter(Q(mentee__user=user) | Q(created_by=user))
        .prefetch_related("milestones")
        .order_by("created_at", "pk")
    ]


def _check_ins(user: User) -> list[dict[str, Any]]:
    return [
        {
            "mentorship_id": check_in.mentorship_id,
            "side": check_in.side,
            "period": check_in.period,
            "due_on": _iso(check_in.due_on),
            "progress": check_in.progress,
            "blockers": check_in.blockers,
            "next_steps": check_in.next_steps,
            "rating": check_in.rating,
            "note_to_manager": check_in.note_to_manager,
            "created_at": _iso(check_in.created_at),
        }
        for check_in in CheckIn.objects.filter(author=user).order_by("created_at", "pk")
    ]


def _meetings(user: User, mentorships: dict[int, Mentorship]) -> list[dict[str, Any]]:
    """The meetings of their mentorships, with the shared notes and their own private note
    (never anyone else's)."""
    private = {note.meeting_id: note.body for note in MeetingPrivateNote.objects.filter(user=user)}
    return [
        {
            "mentorship_id": meeting.mentorship_id,
            "title": meeting.title,
            "agenda": meeting.agenda,
            "status": meeting.status,
            "starts_at": _iso(meeting.starts_at),
            "ends_at": _iso(meeting.ends_at),
            "attendance": meeting.attendance,
            "outcome": meeting.outcome,
            "shared_notes": meeting.shared_notes,
            "your_private_note": private.get(meeting.pk, ""),
        }
        for meeting in Meeting.objects.filter(mentorship_id__in=list(mentorships)).order_by(
            "created_at", "pk"
        )
    ]


def _survey_responses(user: User) -> list[dict[str, Any]]:
    named = SurveyAnswer.objects.filter(question__anonymous=False).select_related("question")
    return [
        {
            "survey": response.survey.title,
            "moment": response.survey.moment,
            "mentorship_id": response.mentorship_id,
            "role": response.role,
            "submitted_at": _iso(response.submitted_at),
            "answers": [
                {"question": answer.question.label, "answer": answer.value}
                for answer in response.answers.all()
            ],
        }
        for response in SurveyResponse.objects.filter(respondent=user)
        .select_related("survey")
        .prefetch_related(Prefetch("answers", queryset=named.order_by("question__position")))
        .order_by("submitted_at", "pk")
    ]
