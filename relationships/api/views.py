"""Relationships API: relationship health, for one mentorship and for a cohort's pairs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from programs.api.views.base import CohortScopedMixin, MentorshipScopedMixin
from programs.models import MentorshipStatus
from relationships import selectors
from relationships.access import require_follows_pairs
from relationships.health import Health, Signals, assess
from relationships.models import HealthStatus
from relationships.services import signals_of


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HealthStatus.choices)
    label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Worst first.")
    good = serializers.ListField(child=serializers.CharField(), help_text="What goes well.")


class SignalsSerializer(serializers.Serializer):
    """The numbers behind the health (never words the pair wrote)."""

    last_message_on = serializers.DateField(allow_null=True)
    last_meeting_on = serializers.DateField(allow_null=True)
    next_meeting_on = serializers.DateField(allow_null=True)
    goals = serializers.IntegerField()
    average_progress = serializers.FloatField(allow_null=True)
    overdue_milestones = serializers.IntegerField()
    overdue_relationship_milestones = serializers.IntegerField(
        source="overdue_relationship_milestone_count"
    )
    check_in_overdue_days = serializers.IntegerField()
    latest_ratings = serializers.ListField(child=serializers.IntegerField())


class MentorshipHealthSerializer(serializers.Serializer):
    mentorship = serializers.IntegerField()
    status = serializers.CharField(help_text="The mentorship's status (active, paused, ...).")
    health = HealthSerializer(allow_null=True, help_text="Null unless the mentorship is active.")
    signals = SignalsSerializer(allow_null=True)


class PairHealthSerializer(MentorshipHealthSerializer):
    mentor = serializers.CharField()
    mentees = serializers.ListField(child=serializers.CharField())
    started_on = serializers.DateField()
    next_meeting_at = serializers.DateTimeField(allow_null=True)


def _health(health: Health | None) -> dict | None:
    if health is None:
        return None
    return {
        "status": health.status,
        "label": health.label,
        "reasons": list(health.reasons),
        "good": list(health.good),
    }


def _signals(signals: Signals | None) -> dict | None:
    if signals is None:
        return None
    return {
        "last_message_on": signals.last_message_on,
        "last_meeting_on": signals.last_meeting_on,
        "next_meeting_on": signals.next_meeting_on,
        "goals": signals.goals,
        "average_progress": signals.average_progress,
        "overdue_milestones": signals.overdue_milestones,
        "overdue_relationship_milestone_count": len(signals.overdue_relationship_milestones),
        "check_in_overdue_days": signals.check_in_overdue_days,
        "latest_ratings": list(signals.latest_ratings),
    }


class MentorshipHealthView(MentorshipScopedMixin, generics.GenericAPIView):
    """How a mentorship is going: on track, needs attention or at risk, with the reasons in
    words and the numbers behind them. The pair and the program's managers read it."""

    serializer_class = MentorshipHealthSerializer

    def get(self, request, org_slug: str, mentorship_id: int):
        mentorship = self.mentorship
        mentorship.organization = self.membership.organization
        # Only an active mentorship has a health; its signals are read once and judged here.
        signals = (
            signals_of(self.membership.organization, [mentorship], timezone.localdate())[
                mentorship.pk
            ]
            if mentorship.status == MentorshipStatus.ACTIVE
            else None
        )
        health = assess(signals) if signals else None
        data = {
            "mentorship": mentorship.pk,
            "status": mentorship.status,
            "health": _health(health),
            "signals": _signals(signals),
        }
        return Response(MentorshipHealthSerializer(data).data)


class CohortPairsView(CohortScopedMixin, generics.GenericAPIView):
    """Every pair of a cohort with its health, the ones that need help first (the program's
    managers and report viewers). `health` narrows the list to one state."""

    serializer_class = PairHealthSerializer
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("health", enum=HealthStatus.values, required=False)],
        responses=PairHealthSerializer(many=True),
    )
    def get(self, request, org_slug: str, program_id: int, cohort_id: int):
        try:
            require_follows_pairs(self.membership, self.program)
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from None
        health = request.query_params.get("health", "")
        if health and health not in HealthStatus.values:
            raise serializers.ValidationError(
                {"health": f"One of: {', '.join(HealthStatus.values)}."}
            )
        rows = selectors.cohort_pairs(self.membership, self.cohort, health=health)
        data = [
            {
                "mentorship": row.mentorship.pk,
                "status": row.mentorship.status,
                "mentor": row.mentorship.mentor.full_name or row.mentorship.mentor.email,
                "mentees": [
                    member.mentee.full_name or member.mentee.email
                    for member in row.mentorship.members.all()
                ],
                "started_on": row.mentorship.started_on,
                "next_meeting_at": row.next_meeting.starts_at if row.next_meeting else None,
                "health": _health(row.health),
                "signals": _signals(row.signals),
            }
            for row in rows
        ]
        return Response(PairHealthSerializer(data, many=True).data)
