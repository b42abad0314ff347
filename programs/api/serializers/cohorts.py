"""Programs API serializers: cohorts."""

from __future__ import annotations

from dataclasses import fields

from rest_framework import serializers

from programs.models import (
    Cohort,
    CohortStatus,
)
from programs.services import (
    COHORT_TRANSITIONS,
    CohortSettings,
)

COHORT_SETTING_NAMES = tuple(field.name for field in fields(CohortSettings))


class CohortSerializer(serializers.ModelSerializer):
    program = serializers.IntegerField(source="program_id", read_only=True)
    next_statuses = serializers.SerializerMethodField(
        help_text="Where the cohort may move next (see the transition endpoint)."
    )

    class Meta:
        model = Cohort
        fields = [
            "id",
            "program",
            "name",
            "enrolment_opens_on",
            "enrolment_closes_on",
            "starts_on",
            "ends_on",
            "target_mentors",
            "target_mentees",
            "status",
            "status_changed_at",
            "next_statuses",
            "created_at",
        ]
        read_only_fields = fields

    def get_next_statuses(self, cohort: Cohort) -> list[str]:
        return sorted(COHORT_TRANSITIONS[cohort.status])


class CohortSettingsSerializer(serializers.Serializer):
    """The settings of a cohort; dates are ISO dates (2027-01-31). On PATCH all are optional."""

    name = serializers.CharField(max_length=120)
    enrolment_opens_on = serializers.DateField()
    enrolment_closes_on = serializers.DateField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target_mentors = serializers.IntegerField(min_value=0, default=0)
    target_mentees = serializers.IntegerField(min_value=0, default=0)

    def cohort_settings(self, base: dict | None = None) -> CohortSettings:
        """The settings given in the request, the rest taken from `base`."""
        return CohortSettings(**{**(base or {}), **self.validated_data})


def cohort_settings_of(cohort: Cohort) -> dict:
    return {name: getattr(cohort, name) for name in COHORT_SETTING_NAMES}


class CohortTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CohortStatus.choices)
    force = serializers.BooleanField(
        default=False,
        help_text="Move even though the cohort's dates say not yet (e.g. match before enrolment "
        "closes). Some moves cannot be forced.",
    )
