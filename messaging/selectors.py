"""Reads of messaging: always for a member, 404 for a conversation they cannot read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from messaging.access import TAKING_PART, Access, conversation_access
from messaging.models import Conversation, Message, ReadState
from messaging.services import (
    conversation_for_cohort,
    conversation_for_mentorship,
    conversation_for_program,
)
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Cohort, Enrolment, Mentorship, MentorshipMentee
from programs.selectors import programs_visible_to

HISTORY_PAGE = 50


@dataclass
class ConversationEntry:
    conversation: Conversation
    title: str
    unread: int
    access: Access


def get_conversation_for(
    membership: Membership, conversation_id: int
) -> tuple[Conversation, Access]:
    with organization_scope(membership.organization):
        conversation = (
            Conversation.objects.select_related(
                "mentorship__mentor", "mentorship__cohort__program", "cohort__program", "program"
            )
            .filter(pk=conversation_id)
            .first()
            if str(conversation_id).isdigit()
            else None
        )
    if conversation is None:
        raise Http404("No such conversation.")
    access = conversation_access(membership, conversation)
    if not access.can_read:
        raise Http404("No such conversation.")
    return conversation, access


def messages_of(
    conversation: Conversation, *, after: int | None = None, before: int | None = None,
    limit: int = HISTORY_PAGE,
) -> list[Message]:  # fmt: skip
    """Messages in sequence order: after a sequence (catching up) or before one (older
    history); the newest page when neither is given."""
    with organization_scope(conversation.organization):
        messages = Message.objects.filter(conversation=conversation).select_related("sender")
        if after is not None:
            return list(messages.filter(sequence__gt=after).order_by("sequence")[:limit])
        if before is not None:
            messages = messages.filter(sequence__lt=before)
        return list(reversed(messages.order_by("-sequence")[:limit]))


def conversations_for(membership: Membership) -> list[ConversationEntry]:
    """The member's conversations, newest activity first, with unread counts: their
    mentorships, their cohorts' group chats and their programs' announcements (and those of
    the programs they run)."""
    user_id = membership.user_id
    with organization_scope(membership.organization):
        as_mentee = MentorshipMentee.objects.filter(mentee__user_id=user_id).values("mentorship_id")
        mentorships = list(
            Mentorship.objects.filter(Q(mentor__user_id=user_id) | Q(pk__in=as_mentee))
            .select_related("mentor", "cohort__program")
            .prefetch_related("members__mentee")
        )
        taking_part = Enrolment.objects.filter(user_id=user_id, state__in=TAKING_PART)
        managed = programs_visible_to(membership)
        cohorts = list(
            Cohort.objects.filter(
                Q(pk__in=taking_part.values("cohort_id"))
                | Q(program__in=managed.filter(manager_assignments__user_id=user_id))
            ).select_related("program")
        )
        programs = {c.program_id: c.program for c in cohorts}
    entries = []
    for mentorship in mentorships:
        others = [mentorship.mentor] + [m.mentee for m in mentorship.members.all()]
        names = [e.full_name or e.email for e in others if e.user_id != user_id]
        entries.append((conversation_for_mentorship(mentorship), ", ".join(names)))
    for cohort in cohorts:
        entries.append((conversation_for_cohort(cohort), f"{cohort.name} · group chat"))
    for program in programs.values():
        entries.append((conversation_for_program(program), f"{program.name} · announcements"))
    with organization_scope(membership.organization):
        read = dict(
            ReadState.objects.filter(
                user_id=user_id, conversation_id__in=[c.pk for c, _ in entries]
            ).values_list("conversation_id", "last_read_sequence")
        )
    result = []
    for conversation, title in entries:
        access = conversation_access(membership, conversation)
        if access.can_read:
            unread = max(conversation.last_sequence - read.get(conversation.pk, 0), 0)
            result.append(ConversationEntry(conversation, title, unread, access))
    result.sort(
        key=lambda e: e.conversation.last_message_at or e.conversation.created_at, reverse=True
    )
    return result


def unread_total(membership: Membership) -> int:
    return sum(entry.unread for entry in conversations_for(membership))
