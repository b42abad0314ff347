"""Who may read and write a conversation: derived every time from the mentorship, the cohort's
enrolments and the program's managers, so a change there takes effect at once."""

from __future__ import annotations

from dataclasses import dataclass

from messaging.models import Conversation, ConversationKind
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.access import can_manage_program
from programs.models import (
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentState,
    MentorshipMentee,
    Program,
)

# Enrolments that belong to a cohort's conversations (invited and applied people do not yet).
TAKING_PART = (EnrolmentState.APPROVED, EnrolmentState.PROFILE_COMPLETE, EnrolmentState.MATCHED)


@dataclass(frozen=True)
class Access:
    can_read: bool
    can_write: bool
    # Why a reader cannot write, in words; empty when they can.
    closed_because: str = ""


NO_ACCESS = Access(can_read=False, can_write=False)


def mentorship_user_ids(conversation: Conversation) -> set[int]:
    mentorship = conversation.mentorship
    if "members" in getattr(mentorship, "_prefetched_objects_cache", {}):
        # Loaded with the conversation (selectors.get_conversation_for).
        mentees = {member.mentee.user_id for member in mentorship.members.all()}
        return {mentorship.mentor.user_id, *mentees} - {None}
    with organization_scope(conversation.organization):
        mentees = set(
            MentorshipMentee.objects.filter(mentorship=mentorship).values_list(
                "mentee__user_id", flat=True
            )
        )
    return {mentorship.mentor.user_id, *mentees} - {None}


def conversation_program(conversation: Conversation) -> Program:
    """The program a conversation belongs to (its managers handle reports from it)."""
    if conversation.kind == ConversationKind.MENTORSHIP:
        return conversation.mentorship.cohort.program
    if conversation.kind == ConversationKind.COHORT:
        return conversation.cohort.program
    return conversation.program


def mentorship_reader_access(mentorship) -> Access:
    """What someone in the mentorship may do in its conversation."""
    if not mentorship.is_open:
        return Access(
            can_read=True,
            can_write=False,
            closed_because="This mentorship has ended: its conversation stays here to "
            "read, closed to new messages.",
        )
    return Access(can_read=True, can_write=True)


def cohort_reader_access(cohort: Cohort) -> Access:
    """What a participant (or manager) of the cohort may do in its group chat."""
    if cohort.status == CohortStatus.COMPLETED:
        return Access(True, False, "This cohort has completed: its chat is kept to read.")
    return Access(can_read=True, can_write=True)


def announcements_reader_access(*, manages: bool) -> Access:
    if manages:
        return Access(can_read=True, can_write=True)
    return Access(True, False, "Only the program managers post announcements.")


def conversation_access(membership: Membership, conversation: Conversation) -> Access:
    """One conversation's access, read from the database (see conversations_for for lists)."""
    if conversation.organization_id != membership.organization_id:
        return NO_ACCESS
    user_id = membership.user_id
    if conversation.kind == ConversationKind.MENTORSHIP:
        if user_id not in mentorship_user_ids(conversation):
            return NO_ACCESS
        return mentorship_reader_access(conversation.mentorship)
    if conversation.kind == ConversationKind.COHORT:
        cohort = conversation.cohort
        manages = can_manage_program(membership, cohort.program)
        with organization_scope(conversation.organization):
            takes_part = Enrolment.objects.filter(
                cohort=cohort, user_id=user_id, state__in=TAKING_PART
            ).exists()
        if not (takes_part or manages):
            return NO_ACCESS
        return cohort_reader_access(cohort)
    program = conversation.program
    manages = can_manage_program(membership, program)
    with organization_scope(conversation.organization):
        takes_part = Enrolment.objects.filter(
            cohort__program=program, user_id=user_id, state__in=TAKING_PART
        ).exists()
    if not (manages or takes_part):
        return NO_ACCESS
    return announcements_reader_access(manages=manages)
