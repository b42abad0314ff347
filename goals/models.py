"""What a pair works towards and how it goes: goals with milestones, the program's relationship
milestones, and check-ins.

Privacy: the pair reads the words (goal text, milestone notes, comments, check-in reflections).
Program managers read numbers (progress, dates, counts, ratings) unless the mentee shares a goal;
the private note of a check-in is written to the program managers and read only by them and its
author.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import TenantModel
from programs.models import Enrolment, Mentorship, Program


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class ProgressSource(models.TextChoices):
    MILESTONES = "milestones", "From its milestones"
    MANUAL = "manual", "Set by hand"


class PairSide(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


class GoalTemplate(TenantModel):
    """A goal a program suggests to its pairs; they start from it and make it their own."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="goal_templates")
    title = models.CharField(max_length=200)
    measure = models.CharField(max_length=300, blank=True)
    why = models.CharField(max_length=300, blank=True)
    suggested_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                "program", models.functions.Lower("title"), name="goal_template_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Goal(TenantModel):
    """A SMART goal of one mentee within a mentorship: what, how it is measured, by when and
    why it matters."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="goals")
    template = models.ForeignKey(
        GoalTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    measure = models.CharField(max_length=300)
    why = models.CharField(max_length=300, blank=True)
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    progress_source = models.CharField(
        max_length=20, choices=ProgressSource.choices, default=ProgressSource.MILESTONES
    )
    # 0-100, kept up to date by the services (from the milestones, or as set by hand), so that
    # lists and reports read it without counting milestones.
    progress = models.PositiveSmallIntegerField(default=0)
    shared_with_managers = models.BooleanField(
        default=False, help_text="The mentee lets the program managers read this goal's words."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_range"),
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="goal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress_source__in=ProgressSource.values),
                name="goal_progress_source_valid",
            ),
        ]
        indexes = [models.Index(fields=["organization", "mentorship", "status"])]

    def __str__(self) -> str:
        return self.title


class GoalProgressEntry(TenantModel):
    """The goal's progress history: each change of its progress or status, and why."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="history")
    progress = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=GoalStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="goal_progress_entry_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.progress}%"


class Milestone(TenantModel):
    """A step towards a goal, due by a date, owned by one side of the pair."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    owner = models.CharField(max_length=10, choices=PairSide.choices, default=PairSide.MENTEE)
    done_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__in=PairSide.values), name="milestone_owner_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "goal", "due_on"])]

    def __str__(self) -> str:
        return self.title


class MilestoneComment(TenantModel):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class RelationshipStep(models.TextChoices):
    """What a program milestone asks of the pair. The platform ticks the first two itself when
    it sees them happen; the others the pair ticks."""

    AGREEMENT = "agreement", "Agreement confirmed"
    FIRST_MEETING = "first_meeting", "First meeting held"
    CHECK_IN = "check_in", "Check-in"
    REFLECTION = "reflection", "Closing reflection"
    OTHER = "other", "Other"


class ProgramMilestone(TenantModel):
    """A milestone every mentorship of the program gets, due a number of days after the match."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="relationship_milestones"
    )
    title = models.CharField(max_length=200)
    step = models.CharField(
        max_length=20, choices=RelationshipStep.choices, default=RelationshipStep.OTHER
    )
    due_after_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_after_days", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_after_days__lte=1100), name="program_milestone_due_range"
            ),
            models.CheckConstraint(
                condition=Q(step__in=RelationshipStep.values), name="program_milestone_step_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RelationshipMilestone(TenantModel):
    """A program milestone as one mentorship has it: its own due date and when it was done."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="relationship_milestones"
    )
    program_milestone = models.ForeignKey(
        ProgramMilestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    step = models.CharField(max_length=20, choices=RelationshipStep.choices)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "program_milestone"],
                name="relationship_milestone_once",
            ),
        ]
        indexes = [models.Index(fields=["organization", "mentorship", "due_on"])]

    def __str__(self) -> str:
        return self.title


class CheckInCadence(models.IntegerChoices):
    WEEKLY = 7, "Every week"
    FORTNIGHTLY = 14, "Every two weeks"
    MONTHLY = 28, "Every four weeks"
    SIX_WEEKLY = 42, "Every six weeks"


class CheckInSettings(TenantModel):
    """How often the pairs of a program check in (both sides, each on their own)."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="check_in_settings"
    )
    cadence_days = models.PositiveSmallIntegerField(
        choices=CheckInCadence.choices, default=CheckInCadence.FORTNIGHTLY
    )
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Check-ins {self.get_cadence_days_display().lower()}"


class CheckIn(TenantModel):
    """One person's reflection on their mentorship for one period of the program's cadence."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=PairSide.choices)
    # Period n runs from the match date + (n - 1) x cadence to its due date, match + n x cadence.
    period = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    progress = models.TextField(max_length=2000)
    blockers = models.TextField(max_length=2000, blank=True)
    next_steps = models.TextField(max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField(help_text="How the relationship goes, 1 to 5.")
    # Read by the program managers and the author only.
    note_to_manager = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "author", "period"], name="check_in_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="check_in_rating_range"
            ),
            models.CheckConstraint(condition=Q(period__gte=1), name="check_in_period_positive"),
        ]
        indexes = [models.Index(fields=["organization", "mentorship", "created_at"])]

    def __str__(self) -> str:
        return f"Check-in {self.period} by {self.author}"
