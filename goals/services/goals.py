"""Goals and their milestones: every write, with the rules it enforces."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goals.access import require_pair
from goals.models import (
    Goal,
    GoalProgressEntry,
    GoalStatus,
    GoalTemplate,
    Milestone,
    MilestoneComment,
    PairSide,
    ProgressSource,
)
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Enrolment, Mentorship


@dataclass(frozen=True)
class GoalText:
    title: str
    measure: str
    why: str
    target_date: datetime.date
    progress_source: str = ProgressSource.MILESTONES


def _require_open(mentorship: Mentorship) -> None:
    if not mentorship.is_open:
        raise ValidationError(
            "This mentorship has ended: its goals stay here to read, and no longer change."
        )


def _clean_text(text: GoalText, *, today: datetime.date, earliest_milestone=None) -> dict:
    errors: dict[str, str] = {}
    title = (text.title or "").strip()
    measure = (text.measure or "").strip()
    if not title:
        errors["title"] = "Say what the goal is."
    if not measure:
        errors["measure"] = "Say how you will know it is reached."
    if not isinstance(text.target_date, datetime.date):
        errors["target_date"] = "Give a target date."
    elif text.target_date < today:
        errors["target_date"] = "The target date is in the past: choose today or later."
    elif earliest_milestone is not None and text.target_date < earliest_milestone:
        errors["target_date"] = (
            f"A milestone of this goal is due on {earliest_milestone:%-d %B %Y}: the target "
            "date cannot be before it."
        )
    if text.progress_source not in ProgressSource.values:
        errors["progress_source"] = "Choose how progress is measured."
    if errors:
        raise ValidationError(errors)
    return {
        "title": title[:200],
        "measure": measure[:300],
        "why": (text.why or "").strip()[:300],
        "target_date": text.target_date,
        "progress_source": text.progress_source,
    }


def _goal_mentee(actor_enrolment: Enrolment, mentorship: Mentorship, mentee_id: Any) -> Enrolment:
    """Whose goal it is: the mentee writing it, the only mentee, or the one named."""
    mentees = [member.mentee for member in mentorship.members.all()]
    if actor_enrolment in mentees and mentee_id in (None, "", actor_enrolment.pk):
        return actor_enrolment
    if mentee_id in (None, "") and len(mentees) == 1:
        return mentees[0]
    for mentee in mentees:
        if str(mentee.pk) == str(mentee_id):
            return mentee
    raise ValidationError({"mentee": "Choose which mentee of this mentorship the goal is for."})


def _record(goal: Goal, user_id: int | None, note: str) -> None:
    GoalProgressEntry.objects.create(
        organization_id=goal.organization_id,
        goal=goal,
        progress=goal.progress,
        status=goal.status,
        note=note[:300],
        user_id=user_id,
    )


def _lock(goal: Goal) -> Goal:
    """Lock the goal's row until the transaction ends (progress changes one at a time) and
    bring the object's progress and status up to date; its loaded relations stay."""
    goal.progress, goal.status, goal.progress_source = (
        Goal.objects.select_for_update()
        .filter(pk=goal.pk)
        .values_list("progress", "status", "progress_source")
        .get()
    )
    return goal


def _milestone_progress(goal: Goal) -> int:
    counts = [m.done_on is not None for m in Milestone.objects.filter(goal=goal).only("done_on")]
    return round(100 * sum(counts) / len(counts)) if counts else 0


def _refresh_progress(goal: Goal, user_id: int | None, note: str) -> None:
    """Recompute a milestone-driven goal's progress; a change goes into its history."""
    if goal.progress_source != ProgressSource.MILESTONES:
        return
    progress = _milestone_progress(goal)
    if progress != goal.progress:
        goal.progress = progress
        goal.save(update_fields=["progress", "updated_at"])
        _record(goal, user_id, note)


@transaction.atomic
def goal_create(
    *,
    actor: Membership,
    mentorship: Mentorship,
    text: GoalText,
    mentee_id: Any = None,
    template: GoalTemplate | None = None,
) -> Goal:
    """Set a goal in a mentorship. Either side of the pair writes it; it belongs to a mentee
    (the only one, or the one named in a group mentorship). The target date is today or later."""
    enrolment = require_pair(actor, mentorship)
    _require_open(mentorship)
    fields = _clean_text(text, today=timezone.localdate())
    mentee = _goal_mentee(enrolment, mentorship, mentee_id)
    if template is not None and template.program_id != mentorship.cohort.program_id:
        raise ValidationError({"template": "That goal template belongs to another program."})
    with organization_scope(actor.organization):
        goal = Goal.objects.create(
            organization=actor.organization,
            mentorship=mentorship,
            mentee=mentee,
            template=template,
            created_by=actor.user,
            **fields,
        )
        _record(goal, actor.user_id, "Goal set")
    return goal


@transaction.atomic
def goal_update(*, actor: Membership, goal: Goal, text: GoalText) -> Goal:
    """Rewrite a goal. Its target date stays on or after its milestones' due dates."""
    require_pair(actor, goal.mentorship)
    _require_open(goal.mentorship)
    with organization_scope(actor.organization):
        goal = _lock(goal)
        earliest = (
            Milestone.objects.filter(goal=goal)
            .order_by("-due_on")
            .values_list("due_on", flat=True)
            .first()
        )
        # A goal whose date has passed may keep it (editing other words); a new date is not past.
        today = min(timezone.localdate(), goal.target_date)
        fields = _clean_text(text, today=today, earliest_milestone=earliest)
        source_changed = fields["progress_source"] != goal.progress_source
        for name, value in fields.items():
            setattr(goal, name, value)
        goal.save()
        if source_changed:
            _refresh_progress(goal, actor.user_id, "Progress now follows the milestones")
    return goal


def _clean_progress(value: Any) -> int:
    try:
        progress = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"progress": "Progress is a whole number from 0 to 100."}) from None
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": f"Progress is from 0 to 100, not {progress}."})
    return progress


@transaction.atomic
def goal_set_progress(*, actor: Membership, goal: Goal, progress: Any, note: str = "") -> Goal:
    """Set a goal's progress by hand (0-100). A goal measured by its milestones takes its
    progress from them instead."""
    require_pair(actor, goal.mentorship)
    _require_open(goal.mentorship)
    progress = _clean_progress(progress)
    with organization_scope(actor.organization):
        goal = _lock(goal)
        if goal.progress_source == ProgressSource.MILESTONES:
            raise ValidationError(
                {"progress": "This goal's progress comes from its milestones: tick them off."}
            )
        goal.progress = progress
        goal.save(update_fields=["progress", "updated_at"])
        _record(goal, actor.user_id, (note or "").strip() or "Progress updated")
    return goal


@transaction.atomic
def goal_set_status(*, actor: Membership, goal: Goal, status: str, note: str = "") -> Goal:
    """Mark a goal achieved (its progress becomes 100), dropped, or in progress again."""
    require_pair(actor, goal.mentorship)
    _require_open(goal.mentorship)
    if status not in GoalStatus.values:
        raise ValidationError({"status": f"“{status}” is not a goal status."})
    with organization_scope(actor.organization):
        goal = _lock(goal)
        if goal.status == status:
            return goal
        goal.status = status
        if status == GoalStatus.ACHIEVED:
            goal.progress = 100
        elif goal.progress_source == ProgressSource.MILESTONES:
            goal.progress = _milestone_progress(goal)
        goal.save(update_fields=["status", "progress", "updated_at"])
        _record(goal, actor.user_id, (note or "").strip() or f"Marked {goal.get_status_display()}")
    return goal


@transaction.atomic
def goal_share(*, actor: Membership, goal: Goal, shared: bool) -> Goal:
    """Only the goal's mentee decides whether the program managers read its words."""
    if goal.mentee.user_id != actor.user_id:
        raise PermissionDenied("Only the mentee whose goal it is decides who reads it.")
    with organization_scope(actor.organization):
        Goal.objects.filter(pk=goal.pk).update(shared_with_managers=bool(shared))
    goal.shared_with_managers = bool(shared)
    return goal


# Milestones -----------------------------------------------------------------------------------


def _clean_milestone(goal: Goal, title: Any, due_on: Any, owner: Any) -> dict:
    errors: dict[str, str] = {}
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = "Say what the milestone is."
    if not isinstance(due_on, datetime.date):
        errors["due_on"] = "Give a due date."
    elif due_on > goal.target_date:
        errors["due_on"] = (
            f"The goal's target date is {goal.target_date:%-d %B %Y}: a milestone is due on or "
            "before it."
        )
    if owner not in PairSide.values:
        errors["owner"] = "Choose who owns the milestone: the mentor or the mentee."
    if errors:
        raise ValidationError(errors)
    return {"title": title[:200], "due_on": due_on, "owner": owner}


@transaction.atomic
def milestone_create(
    *, actor: Membership, goal: Goal, title: Any, due_on: Any, owner: Any = PairSide.MENTEE
) -> Milestone:
    """Add a step to a goal, due on or before the goal's target date."""
    require_pair(actor, goal.mentorship)
    _require_open(goal.mentorship)
    fields = _clean_milestone(goal, title, due_on, owner)
    with organization_scope(actor.organization):
        goal = _lock(goal)
        milestone = Milestone.objects.create(
            organization=actor.organization, goal=goal, created_by=actor.user, **fields
        )
        _refresh_progress(goal, actor.user_id, f"Milestone added: {milestone.title}")
    return milestone


@transaction.atomic
def milestone_update(
    *, actor: Membership, milestone: Milestone, title: Any, due_on: Any, owner: Any
) -> Milestone:
    require_pair(actor, milestone.goal.mentorship)
    _require_open(milestone.goal.mentorship)
    fields = _clean_milestone(milestone.goal, title, due_on, owner)
    with organization_scope(actor.organization):
        Milestone.objects.filter(pk=milestone.pk).update(**fields)
    for name, value in fields.items():
        setattr(milestone, name, value)
    return milestone


@transaction.atomic
def milestone_complete(
    *, actor: Membership, milestone: Milestone, evidence: Any = "", done: bool = True
) -> Milestone:
    """Tick a milestone off (with a note of what shows it is done), or reopen it. The goal's
    progress follows."""
    require_pair(actor, milestone.goal.mentorship)
    _require_open(milestone.goal.mentorship)
    evidence = (evidence or "").strip() if isinstance(evidence, str) else ""
    if len(evidence) > 2000:
        raise ValidationError({"evidence": "At most 2,000 characters."})
    with organization_scope(actor.organization):
        goal = _lock(milestone.goal)
        milestone.done_on = timezone.localdate() if done else None
        if done:
            milestone.evidence = evidence
        milestone.save(update_fields=["done_on", "evidence"])
        action = "done" if done else "reopened"
        _refresh_progress(goal, actor.user_id, f"Milestone {action}: {milestone.title}")
    return milestone


@transaction.atomic
def milestone_delete(*, actor: Membership, milestone: Milestone) -> None:
    require_pair(actor, milestone.goal.mentorship)
    _require_open(milestone.goal.mentorship)
    with organization_scope(actor.organization):
        goal = _lock(milestone.goal)
        milestone.delete()
        _refresh_progress(goal, actor.user_id, f"Milestone removed: {milestone.title}")


def milestone_comment_add(
    *, actor: Membership, milestone: Milestone, body: Any
) -> MilestoneComment:
    """Either side of the pair comments on a milestone (also after the mentorship ended)."""
    require_pair(actor, milestone.goal.mentorship)
    body = (body or "").strip() if isinstance(body, str) else ""
    if not body:
        raise ValidationError({"body": "Write a comment."})
    if len(body) > 2000:
        raise ValidationError({"body": "At most 2,000 characters."})
    with organization_scope(actor.organization):
        return MilestoneComment.objects.create(
            organization=actor.organization, milestone=milestone, author=actor.user, body=body
        )


@transaction.atomic
def goal_history_note(*, actor: Membership, goal: Goal, note: str) -> None:
    """Write something that happened for the goal into its progress history (a shared resource
    the mentee finished, for instance), at the goal's current progress."""
    require_pair(actor, goal.mentorship)
    with organization_scope(actor.organization):
        _record(_lock(goal), actor.user_id, note)
