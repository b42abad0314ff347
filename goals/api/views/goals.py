"""Goals API: a mentorship's goals, one goal, its progress, status, sharing and history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from goals import selectors, services
from goals.access import Viewer
from goals.api.serializers import (
    GoalCreateSerializer,
    GoalHistoryEntrySerializer,
    GoalProgressSerializer,
    GoalSerializer,
    GoalShareSerializer,
    GoalStatusSerializer,
    GoalUpdateSerializer,
)
from goals.api.views.base import GoalScopedMixin, MentorshipGoalsScopedMixin
from goals.models import Goal, GoalTemplate
from programs.models import Mentorship


def goal_detail(goal: Goal, viewer: Viewer) -> dict:
    return GoalSerializer(selectors.with_milestones(goal), context={"viewer": viewer}).data


def _template(mentorship: Mentorship, template_id: int | None) -> GoalTemplate | None:
    if template_id is None:
        return None
    templates = selectors.goal_templates_of(mentorship.cohort.program)
    template = next((t for t in templates if t.pk == template_id), None)
    if template is None:
        raise exceptions.ValidationError({"template": ["This program has no such goal template."]})
    return template


class GoalListCreateView(MentorshipGoalsScopedMixin, generics.ListAPIView):
    """GET: the mentorship's goals by target date, each with its milestones. The program's
    managers read the numbers (progress, dates, status, counts) and a goal's words (title,
    measure, why, template, its milestones' titles and evidence) only once its mentee shares
    it: null until then. POST: set a goal (the pair). It belongs to a mentee: the one writing
    it, the only one, or the one named (a group mentorship's mentor names them). Its target
    date is today or later."""

    serializer_class = GoalSerializer

    def get_queryset(self) -> list[Goal]:
        return selectors.goals_of(self.mentorship)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "viewer": self.viewer}

    @extend_schema(request=GoalCreateSerializer, responses={201: GoalSerializer})
    def post(self, request, org_slug: str, mentorship_id: int):
        self.require_pair()
        incoming = GoalCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        goal = services.goal_create(
            actor=self.membership,
            mentorship=self.mentorship,
            text=services.GoalText(
                title=data["title"],
                measure=data["measure"],
                why=data["why"],
                target_date=data["target_date"],
                progress_source=data["progress_source"],
            ),
            mentee_id=data.get("mentee"),
            template=_template(self.mentorship, data.get("template")),
        )
        return Response(goal_detail(goal, self.viewer), status=status.HTTP_201_CREATED)


class GoalDetailView(GoalScopedMixin, generics.GenericAPIView):
    """GET: one goal with its milestones (the managers read its words once shared). PATCH:
    rewrite the parts sent (the pair, while the mentorship is open); the others stay. The target
    date stays on or after its milestones' due dates."""

    serializer_class = GoalSerializer

    def get(self, request, org_slug: str, goal_id: int):
        return Response(goal_detail(self.goal, self.viewer))

    @extend_schema(request=GoalUpdateSerializer, responses=GoalSerializer)
    def patch(self, request, org_slug: str, goal_id: int):
        self.require_pair()
        incoming = GoalUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data, goal = incoming.validated_data, self.goal
        goal = services.goal_update(
            actor=self.membership,
            goal=goal,
            text=services.GoalText(
                title=data.get("title", goal.title),
                measure=data.get("measure", goal.measure),
                why=data.get("why", goal.why),
                target_date=data.get("target_date", goal.target_date),
                progress_source=data.get("progress_source", goal.progress_source),
            ),
        )
        return Response(goal_detail(goal, self.viewer))


class GoalProgressView(GoalScopedMixin, generics.GenericAPIView):
    """Set the progress of a goal measured by hand, 0 to 100 (the pair), with a note of what
    changed; it goes into the goal's history. A goal measured by its milestones follows them
    instead."""

    serializer_class = GoalProgressSerializer

    @extend_schema(request=GoalProgressSerializer, responses=GoalSerializer)
    def post(self, request, org_slug: str, goal_id: int):
        self.require_pair()
        incoming = GoalProgressSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        goal = services.goal_set_progress(
            actor=self.membership,
            goal=self.goal,
            progress=incoming.validated_data["progress"],
            note=incoming.validated_data["note"],
        )
        return Response(goal_detail(goal, self.viewer))


class GoalStatusView(GoalScopedMixin, generics.GenericAPIView):
    """Mark the goal achieved (its progress becomes 100), dropped, or active again (the
    pair)."""

    serializer_class = GoalStatusSerializer

    @extend_schema(request=GoalStatusSerializer, responses=GoalSerializer)
    def post(self, request, org_slug: str, goal_id: int):
        self.require_pair()
        incoming = GoalStatusSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        goal = services.goal_set_status(
            actor=self.membership,
            goal=self.goal,
            status=incoming.validated_data["status"],
            note=incoming.validated_data["note"],
        )
        return Response(goal_detail(goal, self.viewer))


class GoalShareView(GoalScopedMixin, generics.GenericAPIView):
    """Let the program's managers read the goal's words, or make it private to the pair again.
    Only the mentee whose goal it is decides (403 for anyone else)."""

    serializer_class = GoalShareSerializer

    @extend_schema(request=GoalShareSerializer, responses=GoalSerializer)
    def post(self, request, org_slug: str, goal_id: int):
        self.require_pair()
        incoming = GoalShareSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        goal = services.goal_share(
            actor=self.membership, goal=self.goal, shared=incoming.validated_data["shared"]
        )
        return Response(goal_detail(goal, self.viewer))


class GoalHistoryView(GoalScopedMixin, generics.ListAPIView):
    """The goal's history, newest first: each change of its progress or status, who made it
    and why (the pair only: its notes name the milestones)."""

    serializer_class = GoalHistoryEntrySerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_pair()

    def get_queryset(self):
        return selectors.goal_history_entries(self.goal)
