"""Reads of messaging: always for a member, 404 for a conversation they cannot read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from messaging.access import (
    TAKING_PART,
    Access,
    announcements_reader_access,
    cohort_reader_access,
    conversation_access,
    mentorship_reader_access,
)
from messaging.models import (
    Attachment,
    Conversation,
    ConversationKind,
    Message,
    MessageReport,
    ReadState,
)
from organizations.models import MEMBER_MANAGER_ROLES, Membership, Organization, Role
from organizations.scope import organization_scope
from programs.models import (
    Cohort,
    Enrolment,
    Mentorship,
    MentorshipMentee,
    Program,
    ProgramManager,
)

HISTORY_PAGE = 50


@dataclass
class ConversationEntry:
    conversation: Conversation
    title: str
    unread: int
    access: Access


def mentorship_title(mentorship: Mentorship, user_id: int) -> str:
    """The other people of the mentorship, by name (its members' mentees loaded)."""
    others = [mentorship.mentor] + [m.mentee for m in mentorship.members.all()]
    return ", ".join(e.full_name or e.email for e in others if e.user_id != user_id)


def cohort_chat_title(cohort: Cohort) -> str:
    return f"{cohort.name} · group chat"


def announcements_title(program: Program) -> str:
    return f"{program.name} · announcements"


def get_conversation_for(
    membership: Membership, conversation_id: int
) -> tuple[Conversation, Access]:
    with organization_scope(membership.organization):
        conversation = (
            Conversation.objects.select_related(
                "mentorship__mentor", "mentorship__cohort__program", "cohort__program", "program"
            )
            .prefetch_related("mentorship__members__mentee")
            .filter(pk=conversation_id)
            .first()
            if str(conversation_id).isdigit()
            else None
        )
    if conversation is None:
        raise Http404("No such conversation.")
    # The scope made it the member's organisation: no need to read that again.
    conversation.organization = membership.organization
    access = conversation_access(membership, conversation)
    if not access.can_read:
        raise Http404("No such conversation.")
    return conversation, access


def get_conversation_entry_for(membership: Membership, conversation_id: int) -> ConversationEntry:
    """One conversation the member reads, titled and with their unread count as in their list;
    404 otherwise."""
    conversation, access = get_conversation_for(membership, conversation_id)
    with organization_scope(membership.organization):
        if conversation.kind == ConversationKind.MENTORSHIP:
            prefetch_related_objects([conversation.mentorship], "members__mentee")
            title = mentorship_title(conversation.mentorship, membership.user_id)
        elif conversation.kind == ConversationKind.COHORT:
            title = cohort_chat_title(conversation.cohort)
        else:
            title = announcements_title(conversation.program)
        last_read = (
            ReadState.objects.filter(conversation=conversation, user_id=membership.user_id)
            .values_list("last_read_sequence", flat=True)
            .first()
        )
    unread = max(conversation.last_sequence - (last_read or 0), 0)
    return ConversationEntry(conversation, title, unread, access)


def get_message_for(membership: Membership, message_id: int) -> Message:
    """A message (deleted ones included) of a conversation the member reads, with that
    conversation loaded; 404 otherwise, as for a message that does not exist."""
    with organization_scope(membership.organization):
        message = (
            Message.objects.select_related("sender")
            .prefetch_related(attachments_prefetch())
            .filter(pk=message_id)
            .first()
            if str(message_id).isdigit()
            else None
        )
    if message is None:
        raise Http404("No such message.")
    message.conversation, _ = get_conversation_for(membership, message.conversation_id)
    return message


def attachments_prefetch() -> Prefetch:
    """A message's files, each with its organisation (its download address names it). Build it
    inside the organisation's scope."""
    return Prefetch("attachments", queryset=Attachment.objects.select_related("organization"))


def get_attachment_for(membership: Membership, attachment_id: int) -> Attachment:
    """A file of a message in a conversation the member reads; 404 otherwise (also once its
    message is deleted)."""
    with organization_scope(membership.organization):
        attachment = (
            Attachment.objects.filter(pk=attachment_id, message__deleted_at__isnull=True).first()
            if str(attachment_id).isdigit()
            else None
        )
    if attachment is None:
        raise Http404("No such file.")
    get_conversation_for(membership, attachment.conversation_id)
    return attachment


def messages_of(
    conversation: Conversation, *, after: int | None = None, before: int | None = None,
    limit: int = HISTORY_PAGE,
) -> list[Message]:  # fmt: skip
    """Messages in sequence order: after a sequence (catching up) or before one (older
    history); the newest page when neither is given."""
    with organization_scope(conversation.organization):
        messages = (
            Message.objects.filter(conversation=conversation)
            .select_related("sender")
            .prefetch_related(attachments_prefetch())
        )
        if after is not None:
            return list(messages.filter(sequence__gt=after).order_by("sequence")[:limit])
        if before is not None:
            messages = messages.filter(sequence__lt=before)
        return list(reversed(messages.order_by("-sequence")[:limit]))


def conversations_for(membership: Membership) -> list[ConversationEntry]:
    """The member's conversations, newest activity first, with unread counts: their
    mentorships, their cohorts' group chats and their programs' announcements (and those of
    the programs they run). A fixed number of queries, however many conversations: access is
    worked out from the rows that put each conversation on the list. Group chats and
    announcements are opened here the first time anyone lists them."""
    user_id = membership.user_id
    organization = membership.organization
    with organization_scope(organization):
        assigned = assigned_program_ids(membership)
        mentorships, cohorts = _listed_subjects(user_id, assigned)
        mentorships = list(
            mentorships.select_related("mentor", "cohort__program").prefetch_related(
                "members__mentee"
            )
        )
        cohorts = list(cohorts.select_related("program"))
        programs = {c.program_id: c.program for c in cohorts}
        conversations = _open_conversations(organization, mentorships, cohorts, programs)
        read = dict(
            ReadState.objects.filter(
                user_id=user_id, conversation_id__in=[c.pk for c in conversations.values()]
            ).values_list("conversation_id", "last_read_sequence")
        )
    entries = [
        (
            conversations["mentorship", m.pk],
            mentorship_title(m, user_id),
            mentorship_reader_access(m),
        )
        for m in mentorships
    ]
    entries += [
        (conversations["cohort", c.pk], cohort_chat_title(c), cohort_reader_access(c))
        for c in cohorts
    ]
    entries += [
        (
            conversations["announcements", p.pk],
            announcements_title(p),
            announcements_reader_access(
                manages=membership.role in MEMBER_MANAGER_ROLES or p.pk in assigned
            ),
        )
        for p in programs.values()
    ]
    result = [
        ConversationEntry(
            conversation,
            title,
            max(conversation.last_sequence - read.get(conversation.pk, 0), 0),
            access,
        )
        for conversation, title, access in entries
    ]
    result.sort(
        key=lambda e: e.conversation.last_message_at or e.conversation.created_at, reverse=True
    )
    return result


def unread_total(membership: Membership) -> int:
    """All the member's unread messages, for the navigation on every page: one query, over the
    same conversations as their list (conversations_for)."""
    user_id = membership.user_id
    with organization_scope(membership.organization):
        assigned = (
            ProgramManager.objects.filter(user_id=user_id).values("program_id")
            if membership.role in ASSIGNABLE_ROLES
            else []
        )
        mentorships, cohorts = _listed_subjects(user_id, assigned)
        read = ReadState.objects.filter(conversation=OuterRef("pk"), user_id=user_id).values(
            "last_read_sequence"
        )[:1]
        total = (
            Conversation.objects.filter(
                Q(mentorship__in=mentorships)
                | Q(cohort__in=cohorts)
                | Q(program__in=cohorts.values("program_id")),
                last_sequence__gt=0,
            )
            .annotate(read=Coalesce(Subquery(read), 0))
            .aggregate(unread=Sum(F("last_sequence") - F("read")))["unread"]
        )
    return max(total or 0, 0)


def _listed_subjects(user_id: int, assigned) -> tuple[QuerySet[Mentorship], QuerySet[Cohort]]:
    """The mentorships and cohorts whose conversations are on a member's list: those they are
    in, and the cohorts of the programs they run (`assigned`: program ids or a subquery of
    them). Unevaluated; build them inside the organisation's scope."""
    as_mentee = MentorshipMentee.objects.filter(mentee__user_id=user_id).values("mentorship_id")
    mentorships = Mentorship.objects.filter(Q(mentor__user_id=user_id) | Q(pk__in=as_mentee))
    taking_part = Enrolment.objects.filter(user_id=user_id, state__in=TAKING_PART)
    cohorts = Cohort.objects.filter(
        Q(pk__in=taking_part.values("cohort_id")) | Q(program_id__in=assigned)
    )
    return mentorships, cohorts


# Owners, admins and program managers have the chats of the programs assigned to them listed.
ASSIGNABLE_ROLES = (*MEMBER_MANAGER_ROLES, Role.PROGRAM_MANAGER)


def assigned_program_ids(membership: Membership) -> set[int]:
    """Programs the member runs by assignment (a program manager, or an owner or admin who was
    assigned too): their group chats and announcements are on the member's list."""
    if membership.role not in ASSIGNABLE_ROLES:
        return set()
    with organization_scope(membership.organization):
        return set(
            ProgramManager.objects.filter(user_id=membership.user_id).values_list(
                "program_id", flat=True
            )
        )


def _open_conversations(organization, mentorships, cohorts, programs) -> dict:
    """(kind, subject id) -> conversation, creating the ones that do not exist yet."""
    wanted = {
        ("mentorship", m.pk): {"kind": ConversationKind.MENTORSHIP, "mentorship": m}
        for m in mentorships
    }
    wanted.update(
        {("cohort", c.pk): {"kind": ConversationKind.COHORT, "cohort": c} for c in cohorts}
    )
    wanted.update(
        {
            ("announcements", p.pk): {"kind": ConversationKind.ANNOUNCEMENTS, "program": p}
            for p in programs.values()
        }
    )

    def existing() -> dict:
        found = {}
        for conversation in Conversation.objects.filter(
            Q(mentorship_id__in=[m.pk for m in mentorships])
            | Q(cohort_id__in=[c.pk for c in cohorts])
            | Q(program_id__in=list(programs))
        ):
            subject = (
                conversation.mentorship_id or conversation.cohort_id or conversation.program_id
            )
            found[conversation.kind, subject] = conversation
        return found

    found = existing() if wanted else {}
    missing = [key for key in wanted if key not in found]
    if missing:
        Conversation.objects.bulk_create(
            [Conversation(organization=organization, **wanted[key]) for key in missing],
            ignore_conflicts=True,
        )
        found = existing()
    return found


def reports_for_program(program) -> QuerySet[MessageReport]:
    """Reported messages of a program's conversations, open ones first: each with the one
    message reported, never the rest of its conversation."""
    with organization_scope(program.organization):
        return (
            MessageReport.objects.filter(
                Q(message__conversation__mentorship__cohort__program=program)
                | Q(message__conversation__cohort__program=program)
                | Q(message__conversation__program=program)
            )
            .select_related(
                "reporter",
                "resolved_by",
                "message__sender",
                "message__conversation__mentorship__mentor",
                "message__conversation__cohort",
            )
            .prefetch_related("message__conversation__mentorship__members__mentee")
            .order_by(F("resolved_at").asc(nulls_first=True), "-created_at")
        )


def get_report_for(program, report_id: int) -> MessageReport:
    report = (
        reports_for_program(program)
        .filter(pk=report_id if str(report_id).isdigit() else None)
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return report


def read_positions(conversation: Conversation, *, except_user_id: int) -> list[ReadState]:
    """How far the others have read (for "seen by" under one's own messages)."""
    with organization_scope(conversation.organization):
        return list(
            ReadState.objects.filter(conversation=conversation)
            .exclude(user_id=except_user_id)
            .select_related("user")
            .order_by("user__full_name")
        )


def last_message_at_by_mentorship(
    organization: Organization, mentorship_ids: Iterable[int]
) -> dict[int, datetime.datetime]:
    """Mentorship id -> when the last message of its private conversation was sent, in one
    query. Mentorships whose conversation has no message yet are left out."""
    with organization_scope(organization):
        return dict(
            Conversation.objects.filter(
                mentorship_id__in=list(mentorship_ids), last_message_at__isnull=False
            ).values_list("mentorship_id", "last_message_at")
        )


def conversation_id_of_mentorship(organization: Organization, mentorship_id: int) -> int | None:
    """The id of the mentorship's private conversation (for a link to it), or None."""
    with organization_scope(organization):
        return (
            Conversation.objects.filter(mentorship_id=mentorship_id)
            .values_list("pk", flat=True)
            .first()
        )
