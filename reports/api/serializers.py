"""What the reports API answers: the dashboard's numbers (reports.metrics) and the audit log.
Numbers only; names appear only in the pairs needing attention."""

from __future__ import annotations

from rest_framework import serializers

from reports.forms import describe_filters, report_label
from reports.models import AuditEntry, ReportAction


class ReportTallySerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ReportNamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReportScopeSerializer(serializers.Serializer):
    """The filters the numbers are for, as read."""

    reference_day = serializers.DateField(
        help_text="The day the current numbers are read on: `until`, or today."
    )
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    department = serializers.CharField(allow_blank=True)
    programs = ReportNamedSerializer(many=True)
    cohort = ReportNamedSerializer(allow_null=True)


class ReportFunnelStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    help = serializers.CharField()
    people = serializers.IntegerField(help_text="Everyone who reached this stage or a later one.")
    mentees = serializers.IntegerField()
    mentors = serializers.IntegerField()


class ReportMatchingSerializer(serializers.Serializer):
    mentees_with_profile = serializers.IntegerField()
    mentees_matched = serializers.IntegerField()
    match_rate = serializers.FloatField(
        allow_null=True, help_text="Percent of the mentees with a complete profile who are matched."
    )
    days_to_match_median = serializers.FloatField(allow_null=True)
    days_to_match_average = serializers.FloatField(allow_null=True)
    days_to_match_measured = serializers.IntegerField(
        help_text="How many matched mentees the times are measured on."
    )


class ReportFunnelSerializer(serializers.Serializer):
    stages = ReportFunnelStageSerializer(many=True)
    withdrawn = serializers.IntegerField()
    matching = ReportMatchingSerializer()


class ReportFunnelReadSerializer(ReportScopeSerializer, ReportFunnelSerializer):
    pass


class ReportPairsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField()
    paused = serializers.IntegerField()
    completed = serializers.IntegerField()
    ended_early = serializers.IntegerField()


class ReportPerPairSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True, help_text="Per pair; null without pairs.")
    buckets = ReportTallySerializer(many=True, help_text="How many pairs had that many.")


class ReportGoalsSerializer(serializers.Serializer):
    goals_set = serializers.IntegerField()
    goals_achieved = serializers.IntegerField()
    goals_in_progress = serializers.IntegerField()
    goals_dropped = serializers.IntegerField()
    milestones = serializers.IntegerField()
    milestones_done = serializers.IntegerField()
    milestones_overdue = serializers.IntegerField()
    check_ins = serializers.IntegerField()
    rating_average = serializers.FloatField(allow_null=True)
    ratings = ReportTallySerializer(many=True, help_text="Check-ins by rating, 1 to 5.")


class ReportTrendWeekSerializer(serializers.Serializer):
    week_of = serializers.DateField(help_text="The week's Monday.")
    taken_on = serializers.DateField(
        allow_null=True, help_text="The snapshot day counted; null: none that week."
    )
    on_track = serializers.IntegerField()
    needs_attention = serializers.IntegerField()
    at_risk = serializers.IntegerField()


class ReportPairNeedingAttentionSerializer(serializers.Serializer):
    mentorship_id = serializers.IntegerField()
    mentor = serializers.CharField()
    mentees = serializers.ListField(child=serializers.CharField())
    cohort = serializers.CharField()
    status = serializers.CharField()
    label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Worst first.")
    taken_on = serializers.DateField()


class ReportHealthSerializer(serializers.Serializer):
    pairs_running = serializers.IntegerField()
    not_assessed = serializers.IntegerField(help_text="Running pairs with no snapshot yet.")
    as_of = serializers.DateField(allow_null=True)
    distribution = ReportTallySerializer(many=True)
    trend = ReportTrendWeekSerializer(many=True)
    needing_attention = ReportPairNeedingAttentionSerializer(many=True)
    needing_attention_total = serializers.IntegerField()


class ReportHealthReadSerializer(ReportScopeSerializer, ReportHealthSerializer):
    pass


class ReportSurveyQuestionSerializer(serializers.Serializer):
    survey = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    answers = serializers.IntegerField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    promoters = serializers.IntegerField(allow_null=True)
    passives = serializers.IntegerField(allow_null=True)
    detractors = serializers.IntegerField(allow_null=True)
    counts = ReportTallySerializer(many=True, help_text="Answers per option or scale point.")
    hidden = serializers.CharField(
        allow_blank=True, help_text="Why the numbers are hidden (too few anonymous answers)."
    )


class ReportDashboardSerializer(ReportScopeSerializer):
    funnel = ReportFunnelSerializer()
    pairs = ReportPairsSerializer()
    match_quality = ReportTallySerializer(many=True)
    meetings = ReportPerPairSerializer()
    messages = ReportPerPairSerializer()
    goals = ReportGoalsSerializer()
    health = ReportHealthSerializer()
    surveys = ReportSurveyQuestionSerializer(
        many=True, allow_null=True, help_text="Null when the surveys app is not installed."
    )


class ReportAuditEntrySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user_label", help_text="As they were named then.")
    action = serializers.ChoiceField(choices=ReportAction.choices)
    action_label = serializers.CharField(source="get_action_display")
    report_label = serializers.SerializerMethodField()
    filters_text = serializers.SerializerMethodField(help_text="The filters in words.")

    class Meta:
        model = AuditEntry
        fields = [
            "id", "created_at", "user", "action", "action_label", "report", "report_label",
            "filters", "filters_text", "rows",
        ]  # fmt: skip

    def get_report_label(self, entry: AuditEntry) -> str:
        return report_label(entry.report)

    def get_filters_text(self, entry: AuditEntry) -> list[str]:
        programs, cohorts = self.context.get("names", ({}, {}))
        return describe_filters(entry.filters, programs, cohorts)
