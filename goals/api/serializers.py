"""Goals API serializers.

What a reader sees depends on who they are (`goals.access.Viewer`): the pair reads everything but
the ratings and notes to the managers that the other one wrote; the program's managers read
numbers (progress, dates, statuses, counts, ratings), the notes written to them, and a goal's
words only once its mentee shares it. The response serializers take the reader from their
context and answer null for what the reader may not read.

The request serializers parse types and lengths; the rules (dates, ranges, who may) are the
services', whose refusals the API answers as 400 with the field's message.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from goals.access import Viewer
from goals.models import (
    CheckIn,
    CheckInCadence,
    Goal,
    GoalProgressEntry,
    GoalStatus,
    GoalTemplate,
    Milestone,
    MilestoneComment,
    PairSide,
    ProgramMilestone,
    ProgressSource,
    RelationshipMilestone,
    RelationshipStep,
)
from programs.api.serializers import ParticipantSerializer
from programs.models import Enrolment

HIDDEN = "Null for the program's managers unless the mentee shared the goal."


def _person(people: list[Enrolment], user_id: int | None) -> dict | None:
    """The pair member (as a participant) who is this user, or None (someone who left)."""
    for person in people:
        if user_id is not None and person.user_id == user_id:
            return ParticipantSerializer(person).data
    return None


def _overdue(due_on: datetime.date, done_on: datetime.date | None) -> bool:
    return done_on is None and due_on < timezone.localdate()


class GoalAuthorSerializer(serializers.Serializer):
    """A person by their account (a user), named as everyone sees them."""

    id = serializers.IntegerField(read_only=True, help_text="A user's id.")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.full_name or user.email


# Goals and milestones -------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    """A step towards a goal. Needs `words_visible` in the context: whether the reader reads
    the goal's words."""

    title = serializers.CharField(read_only=True, allow_null=True, help_text=HIDDEN)
    evidence = serializers.CharField(
        read_only=True, allow_null=True, help_text="What shows it is done. " + HIDDEN
    )
    overdue = serializers.SerializerMethodField(help_text="Not done, and its due date has passed.")
    comment_count = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "goal",
            "title",
            "due_on",
            "owner",
            "done_on",
            "evidence",
            "overdue",
            "comment_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_overdue(self, milestone: Milestone) -> bool:
        return _overdue(milestone.due_on, milestone.done_on)

    def get_comment_count(self, milestone: Milestone) -> int:
        return milestone.comments.count()  # the prefetched comments when loaded

    def to_representation(self, milestone: Milestone) -> dict:
        data = super().to_representation(milestone)
        if not self.context["words_visible"]:
            data["title"] = data["evidence"] = None
        return data


def words_visible(viewer: Viewer, goal: Goal) -> bool:
    return viewer == Viewer.PAIR or goal.shared_with_managers


class GoalSerializer(serializers.ModelSerializer):
    """A SMART goal of a mentee, with its milestones. Needs `viewer` (goals.access.Viewer) in
    the context; the milestones are read as the selectors loaded them."""

    mentee = ParticipantSerializer(read_only=True, help_text="Whose goal it is.")
    template = serializers.IntegerField(
        source="template_id",
        read_only=True,
        allow_null=True,
        help_text="The program's goal template it started from. " + HIDDEN,
    )
    title = serializers.CharField(read_only=True, allow_null=True, help_text=HIDDEN)
    measure = serializers.CharField(
        read_only=True, allow_null=True, help_text="How the pair will know it is reached. " + HIDDEN
    )
    why = serializers.CharField(read_only=True, allow_null=True, help_text=HIDDEN)
    words_visible = serializers.SerializerMethodField(
        help_text="Whether you read the goal's words: the pair always, the program's managers "
        "once the mentee shares it."
    )
    milestone_count = serializers.SerializerMethodField()
    milestones_done = serializers.SerializerMethodField()
    milestones_overdue = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField(help_text="By due date.")

    status = serializers.ChoiceField(choices=GoalStatus.choices, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "mentorship",
            "mentee",
            "template",
            "title",
            "measure",
            "why",
            "target_date",
            "status",
            "progress_source",
            "progress",
            "shared_with_managers",
            "words_visible",
            "milestone_count",
            "milestones_done",
            "milestones_overdue",
            "milestones",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"progress": {"help_text": "0 to 100."}}

    def get_words_visible(self, goal: Goal) -> bool:
        return words_visible(self.context["viewer"], goal)

    def get_milestone_count(self, goal: Goal) -> int:
        return len(goal.milestones.all())

    def get_milestones_done(self, goal: Goal) -> int:
        return sum(1 for milestone in goal.milestones.all() if milestone.done_on)

    def get_milestones_overdue(self, goal: Goal) -> int:
        return sum(1 for m in goal.milestones.all() if _overdue(m.due_on, m.done_on))

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, goal: Goal) -> list:
        return MilestoneSerializer(
            goal.milestones.all(),
            many=True,
            context={"words_visible": words_visible(self.context["viewer"], goal)},
        ).data

    def to_representation(self, goal: Goal) -> dict:
        data = super().to_representation(goal)
        if not words_visible(self.context["viewer"], goal):
            data["title"] = data["measure"] = data["why"] = data["template"] = None
        return data


class GoalCreateSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200, allow_blank=True, help_text="What the mentee wants to achieve."
    )
    measure = serializers.CharField(
        max_length=300, allow_blank=True, help_text="How you will know it is reached."
    )
    why = serializers.CharField(max_length=300, allow_blank=True, default="")
    target_date = serializers.DateField(help_text="Today or later.")
    progress_source = serializers.ChoiceField(
        choices=ProgressSource.choices,
        default=ProgressSource.MILESTONES,
        help_text="From the milestones ticked off, or set by hand.",
    )
    mentee = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The enrolment id of the mentee whose goal it is: needed when the mentor of a "
        "group mentorship writes it.",
    )
    template = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The id of the program's goal template it starts from, if any.",
    )


class GoalUpdateSerializer(serializers.Serializer):
    """The goal's words and dates to change; those not sent stay as they are."""

    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    measure = serializers.CharField(max_length=300, allow_blank=True, required=False)
    why = serializers.CharField(max_length=300, allow_blank=True, required=False)
    target_date = serializers.DateField(
        required=False,
        help_text="Today or later, and not before a milestone's due date (a goal whose date has "
        "passed may keep it).",
    )
    progress_source = serializers.ChoiceField(choices=ProgressSource.choices, required=False)


class GoalProgressSerializer(serializers.Serializer):
    progress = serializers.IntegerField(
        help_text="0 to 100. Only for a goal whose progress is set by hand."
    )
    note = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="What changed."
    )


class GoalStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=GoalStatus.choices, help_text="Achieved sets the progress to 100."
    )
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class GoalShareSerializer(serializers.Serializer):
    shared = serializers.BooleanField(
        help_text="Whether the program's managers read the goal's words."
    )


class GoalHistoryEntrySerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=GoalStatus.choices, read_only=True)
    user = GoalAuthorSerializer(read_only=True, allow_null=True, help_text="Null once gone.")

    class Meta:
        model = GoalProgressEntry
        fields = ["progress", "status", "note", "user", "created_at"]
        read_only_fields = fields


class MilestoneWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    due_on = serializers.DateField(help_text="On or before the goal's target date.")
    owner = serializers.ChoiceField(
        choices=PairSide.choices, default=PairSide.MENTEE, help_text="Who of the pair does it."
    )


class MilestoneCompleteSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True, help_text="False reopens it.")
    evidence = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        default="",
        help_text="What shows it is done (kept when reopening).",
    )


class MilestoneCommentSerializer(serializers.ModelSerializer):
    author = GoalAuthorSerializer(read_only=True, allow_null=True, help_text="Null once gone.")

    class Meta:
        model = MilestoneComment
        fields = ["id", "milestone", "author", "body", "created_at"]
        read_only_fields = fields


class MilestoneCommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000, allow_blank=True)


# Relationship milestones ----------------------------------------------------------------------


class RelationshipMilestoneSerializer(serializers.ModelSerializer):
    """A program milestone as the mentorship has it. Needs `people` (the mentorship's
    enrolments) in the context."""

    done_by = serializers.SerializerMethodField(
        help_text="Who of the pair ticked it off; null when open, or when the platform ticked "
        "it (it saw it happen)."
    )
    overdue = serializers.SerializerMethodField(help_text="Not done, and its due date has passed.")

    class Meta:
        model = RelationshipMilestone
        fields = ["id", "title", "step", "due_on", "done_on", "done_by", "overdue"]
        read_only_fields = fields

    @extend_schema_field(ParticipantSerializer(allow_null=True))
    def get_done_by(self, milestone: RelationshipMilestone) -> dict | None:
        return _person(self.context["people"], milestone.done_by_id)

    def get_overdue(self, milestone: RelationshipMilestone) -> bool:
        return _overdue(milestone.due_on, milestone.done_on)


class RelationshipMilestoneCompleteSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True, help_text="False reopens it.")


# Check-ins ------------------------------------------------------------------------------------


class CheckInSerializer(serializers.ModelSerializer):
    """One person's check-in. Needs `viewer`, `user_id` (the reader) and `people` (the
    mentorship's enrolments) in the context. The pair reads the reflection (progress, blockers,
    next steps), and the rating and note to the managers of their own check-ins only; the
    program's managers read the rating and the note, not the reflection."""

    author = serializers.SerializerMethodField(help_text="Null once they left the mentorship.")
    yours = serializers.SerializerMethodField(help_text="Whether you wrote it.")
    progress = serializers.CharField(
        read_only=True, allow_null=True, help_text="What moved forward. Null for the managers."
    )
    blockers = serializers.CharField(
        read_only=True, allow_null=True, help_text="Null for the managers."
    )
    next_steps = serializers.CharField(
        read_only=True, allow_null=True, help_text="Null for the managers."
    )
    rating = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="How the relationship goes, 1 to 5: for its author and the managers, null for "
        "the partner.",
    )
    note_to_manager = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="For its author and the managers, null for the partner.",
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "author",
            "yours",
            "side",
            "period",
            "due_on",
            "created_at",
            "progress",
            "blockers",
            "next_steps",
            "rating",
            "note_to_manager",
        ]
        read_only_fields = fields

    @extend_schema_field(ParticipantSerializer(allow_null=True))
    def get_author(self, check_in: CheckIn) -> dict | None:
        return _person(self.context["people"], check_in.author_id)

    def get_yours(self, check_in: CheckIn) -> bool:
        return check_in.author_id == self.context["user_id"]

    def to_representation(self, check_in: CheckIn) -> dict:
        data = super().to_representation(check_in)
        if self.context["viewer"] != Viewer.PAIR:
            data["progress"] = data["blockers"] = data["next_steps"] = None
        elif check_in.author_id != self.context["user_id"]:
            data["rating"] = data["note_to_manager"] = None
        return data


class CheckInWriteSerializer(serializers.Serializer):
    progress = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="What moved forward since last time (your partner reads it).",
    )
    blockers = serializers.CharField(max_length=2000, allow_blank=True, default="")
    next_steps = serializers.CharField(max_length=2000, allow_blank=True, default="")
    rating = serializers.IntegerField(
        help_text="How the mentorship goes, 1 (poorly) to 5 (very well): the managers read it, "
        "your partner does not."
    )
    note_to_manager = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        default="",
        help_text="A private note to the program's managers; your partner does not read it.",
    )


class CheckInDueSerializer(serializers.Serializer):
    period = serializers.IntegerField(help_text="The period of the next check-in.")
    due_on = serializers.DateField()
    overdue_days = serializers.IntegerField(help_text="Days past the due date; 0 when not late.")
    overdue = serializers.BooleanField()


class CheckInScheduleSerializer(serializers.Serializer):
    """When one person of the pair next checks in (a `selectors.PersonCheckIns`)."""

    person = ParticipantSerializer(source="enrolment")
    side = serializers.ChoiceField(source="enrolment.role", choices=PairSide.choices)
    due = CheckInDueSerializer(
        allow_null=True,
        help_text="Null when no check-ins are asked: the program turned them off, or the "
        "mentorship ended.",
    )


class CheckInPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CheckInSerializer(many=True, help_text="Newest first.")
    schedule = CheckInScheduleSerializer(
        many=True, help_text="The mentor, then the mentees: when each next checks in."
    )


# A program's settings for its pairs -----------------------------------------------------------


class GoalTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalTemplate
        fields = ["id", "program", "title", "measure", "why", "suggested_weeks", "created_at"]
        read_only_fields = fields


class GoalTemplateWriteSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200, allow_blank=True, help_text="Unique in the program."
    )
    measure = serializers.CharField(max_length=300, allow_blank=True, default="")
    why = serializers.CharField(max_length=300, allow_blank=True, default="")
    suggested_weeks = serializers.IntegerField(
        required=False, allow_null=True, help_text="1 to 156: the target date it suggests."
    )


class ProgramMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgramMilestone
        fields = ["id", "program", "title", "step", "due_after_days", "created_at"]
        read_only_fields = fields


class ProgramMilestoneWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    step = serializers.ChoiceField(
        choices=RelationshipStep.choices,
        help_text="What it asks; the platform ticks agreement and first_meeting itself.",
    )
    due_after_days = serializers.IntegerField(help_text="Days after the match, 0 to 1,100.")


class CheckInSettingsSerializer(serializers.Serializer):
    cadence_days = serializers.ChoiceField(
        choices=CheckInCadence.choices, help_text="Days between a person's check-ins."
    )
    enabled = serializers.BooleanField(help_text="Whether the program asks pairs for check-ins.")
