"""Goals API: a goal's milestones and their comments, and the mentorship's relationship
milestones (those every pair of the program gets)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from goals import selectors, services
from goals.api.serializers import (
    MilestoneCommentSerializer,
    MilestoneCommentWriteSerializer,
    MilestoneCompleteSerializer,
    MilestoneSerializer,
    MilestoneWriteSerializer,
    RelationshipMilestoneCompleteSerializer,
    RelationshipMilestoneSerializer,
)
from goals.api.views.base import (
    GoalScopedMixin,
    MentorshipGoalsScopedMixin,
    MilestoneScopedMixin,
    RelationshipMilestoneScopedMixin,
)
from goals.models import Milestone, RelationshipMilestone
from programs.api.serializers import people_of


class GoalMilestoneListCreateView(GoalScopedMixin, generics.ListAPIView):
    """GET: the goal's milestones by due date (their titles and evidence are null for the
    program's managers unless the mentee shared the goal). POST: add one (the pair), due on or
    before the goal's target date; a goal measured by its milestones updates its progress."""

    serializer_class = MilestoneSerializer

    def get_queryset(self) -> list[Milestone]:
        return selectors.milestones_of(self.goal)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "words_visible": self.words_visible()}

    @extend_schema(request=MilestoneWriteSerializer, responses={201: MilestoneSerializer})
    def post(self, request, org_slug: str, goal_id: int):
        self.require_pair()
        incoming = MilestoneWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        milestone = services.milestone_create(
            actor=self.membership, goal=self.goal, **incoming.validated_data
        )
        return Response(
            MilestoneSerializer(milestone, context={"words_visible": True}).data,
            status=status.HTTP_201_CREATED,
        )


class MilestoneDetailView(MilestoneScopedMixin, generics.GenericAPIView):
    """GET: one milestone. PATCH: change the parts sent of its title, due date and owner (the
    pair, while the mentorship is open); it stays due on or before the goal's target date.
    DELETE: remove it (the pair); a goal measured by its milestones updates its progress."""

    serializer_class = MilestoneSerializer

    def get(self, request, org_slug: str, milestone_id: int):
        return Response(
            MilestoneSerializer(
                self.milestone, context={"words_visible": self.words_visible()}
            ).data
        )

    @extend_schema(request=MilestoneWriteSerializer, responses=MilestoneSerializer)
    def patch(self, request, org_slug: str, milestone_id: int):
        self.require_pair()
        incoming = MilestoneWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data, milestone = incoming.validated_data, self.milestone
        milestone = services.milestone_update(
            actor=self.membership,
            milestone=milestone,
            title=data.get("title", milestone.title),
            due_on=data.get("due_on", milestone.due_on),
            owner=data.get("owner", milestone.owner),
        )
        return Response(MilestoneSerializer(milestone, context={"words_visible": True}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, org_slug: str, milestone_id: int):
        self.require_pair()
        services.milestone_delete(actor=self.membership, milestone=self.milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MilestoneCompleteView(MilestoneScopedMixin, generics.GenericAPIView):
    """Tick the milestone off, with what shows it is done, or reopen it (`done`: false) (the
    pair). A goal measured by its milestones updates its progress."""

    serializer_class = MilestoneCompleteSerializer

    @extend_schema(request=MilestoneCompleteSerializer, responses=MilestoneSerializer)
    def post(self, request, org_slug: str, milestone_id: int):
        self.require_pair()
        incoming = MilestoneCompleteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        milestone = services.milestone_complete(
            actor=self.membership,
            milestone=self.milestone,
            evidence=incoming.validated_data["evidence"],
            done=incoming.validated_data["done"],
        )
        return Response(MilestoneSerializer(milestone, context={"words_visible": True}).data)


class MilestoneCommentListCreateView(MilestoneScopedMixin, generics.ListAPIView):
    """The pair's comments on a milestone, oldest first; POST adds yours (also after the
    mentorship ended). The pair only: the program's managers get 403."""

    serializer_class = MilestoneCommentSerializer

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.require_pair()

    def get_queryset(self):
        return selectors.milestone_comments_of(self.milestone)

    @extend_schema(
        request=MilestoneCommentWriteSerializer, responses={201: MilestoneCommentSerializer}
    )
    def post(self, request, org_slug: str, milestone_id: int):
        incoming = MilestoneCommentWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        comment = services.milestone_comment_add(
            actor=self.membership, milestone=self.milestone, body=incoming.validated_data["body"]
        )
        return Response(MilestoneCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class RelationshipMilestoneListView(MentorshipGoalsScopedMixin, generics.ListAPIView):
    """The milestones the program sets every pair (agreement confirmed, first meeting held,
    ...), by due date, as this mentorship has them: the pair and the program's managers read
    them."""

    serializer_class = RelationshipMilestoneSerializer

    def get_queryset(self) -> list[RelationshipMilestone]:
        return selectors.relationship_milestones_of(self.mentorship)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "people": self.people()}


class RelationshipMilestoneCompleteView(RelationshipMilestoneScopedMixin, generics.GenericAPIView):
    """Tick a relationship milestone off, or reopen it (`done`: false) (the pair)."""

    serializer_class = RelationshipMilestoneCompleteSerializer

    @extend_schema(
        request=RelationshipMilestoneCompleteSerializer, responses=RelationshipMilestoneSerializer
    )
    def post(self, request, org_slug: str, milestone_id: int):
        self.require_pair()
        incoming = RelationshipMilestoneCompleteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        milestone = services.relationship_milestone_complete(
            actor=self.membership, milestone=self.milestone, done=incoming.validated_data["done"]
        )
        return Response(
            RelationshipMilestoneSerializer(
                milestone, context={"people": people_of(milestone.mentorship)}
            ).data
        )
