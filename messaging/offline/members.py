"""Who is in a conversation, for many conversations at once: those who would be emailed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from messaging.access import TAKING_PART
from messaging.models import (
    Conversation,
    ConversationKind,
)
from messaging.selectors import ASSIGNABLE_ROLES
from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.models import Cohort, Enrolment, Mentorship, ProgramManager


def conversation_member_ids(
    *, organization: Organization, conversations: Iterable[Conversation]
) -> dict[int, set[int]]:
    """conversation id -> the users whose conversation list shows it (see conversations_for):
    a mentorship's mentor and mentees; a cohort chat's participants taking part and its
    program's assigned managers; an announcements channel's participants of any of its
    program's cohorts and its assigned managers. Only active users who are members of the
    organisation. At most five queries, however many conversations."""
    conversations = list(conversations)
    mentorship_ids = {
        c.mentorship_id for c in conversations if c.kind == ConversationKind.MENTORSHIP
    }
    cohort_ids = {c.cohort_id for c in conversations if c.kind == ConversationKind.COHORT}
    announced_program_ids = {
        c.program_id for c in conversations if c.kind == ConversationKind.ANNOUNCEMENTS
    }
    by_mentorship: dict[int, set[int]] = defaultdict(set)
    by_cohort: dict[int, set[int]] = defaultdict(set)
    by_program: dict[int, set[int]] = defaultdict(set)
    managers: dict[int, set[int]] = defaultdict(set)
    with organization_scope(organization):
        if mentorship_ids:
            # One row per mentee (the mentor repeated): the join through `members`.
            for mentorship_id, mentor_id, mentee_id in Mentorship.objects.filter(
                pk__in=mentorship_ids
            ).values_list("pk", "mentor__user_id", "members__mentee__user_id"):
                by_mentorship[mentorship_id].update({mentor_id, mentee_id})
        cohort_program = (
            dict(
                Cohort.objects.filter(pk__in=cohort_ids).order_by().values_list("pk", "program_id")
            )
            if cohort_ids
            else {}
        )
        if cohort_ids or announced_program_ids:
            for cohort_id, program_id, user_id in (
                Enrolment.objects.filter(
                    Q(cohort_id__in=cohort_ids) | Q(cohort__program_id__in=announced_program_ids),
                    state__in=TAKING_PART,
                    user__isnull=False,
                )
                .order_by()
                .values_list("cohort_id", "cohort__program_id", "user_id")
            ):
                by_cohort[cohort_id].add(user_id)
                by_program[program_id].add(user_id)
        program_ids = set(cohort_program.values()) | announced_program_ids
        if program_ids:
            assignable = Membership.objects.filter(role__in=ASSIGNABLE_ROLES).values("user_id")
            for program_id, user_id in ProgramManager.objects.filter(
                program_id__in=program_ids, user_id__in=assignable
            ).values_list("program_id", "user_id"):
                managers[program_id].add(user_id)
        members: dict[int, set[int]] = {}
        for conversation in conversations:
            if conversation.kind == ConversationKind.MENTORSHIP:
                people = by_mentorship[conversation.mentorship_id]
            elif conversation.kind == ConversationKind.COHORT:
                program_id = cohort_program.get(conversation.cohort_id)
                people = by_cohort[conversation.cohort_id] | managers[program_id]
            else:
                people = by_program[conversation.program_id] | managers[conversation.program_id]
            members[conversation.pk] = people - {None}
        everyone = set().union(*members.values())
        eligible = (
            set(
                Membership.objects.filter(user_id__in=everyone, user__is_active=True).values_list(
                    "user_id", flat=True
                )
            )
            if everyone
            else set()
        )
    return {pk: people & eligible for pk, people in members.items()}
