"""Programs API serializers: mentorships and their agreements."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.api.serializers.enrolments import (
    EnrolmentCohortSerializer,
    EnrolmentProgramSerializer,
)
from programs.models import (
    Agreement,
    ContactChannel,
    Enrolment,
    EnrolmentRole,
    MeetingCadence,
    Mentorship,
    MentorshipEndReason,
    MentorshipStatus,
    ResponseTime,
)
from programs.services.mentorships import everyone_confirmed

# Ending early has its own endpoint, with a reason.
MENTORSHIP_STATUS_CHANGES = [
    (status.value, status.label)
    for status in (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED)
]


class ParticipantSerializer(serializers.Serializer):
    """A person by their place in the cohort (the enrolment), named as everyone sees them."""

    id = serializers.IntegerField(read_only=True, help_text="The enrolment's id.")
    name = serializers.SerializerMethodField(help_text="Their name, or their email without one.")

    def get_name(self, enrolment: Enrolment) -> str:
        return enrolment.full_name or enrolment.email


class ExplanationPartSerializer(serializers.Serializer):
    """What one criterion adds to a pair's score; the parts' points add up to the score."""

    key = serializers.CharField(help_text="The criterion (a mentee question's key).")
    name = serializers.CharField()
    points = serializers.FloatField()
    max_points = serializers.FloatField()
    words = serializers.CharField(help_text="The comparison in words.")


def people_of(mentorship: Mentorship) -> list[Enrolment]:
    """The mentor, then the mentees (prefetched by the selectors)."""
    return [mentorship.mentor, *(member.mentee for member in mentorship.members.all())]


class MentorshipSerializer(serializers.ModelSerializer):
    """Needs `user_id` (the reader) in the context."""

    program = EnrolmentProgramSerializer(source="cohort.program", read_only=True)
    cohort = EnrolmentCohortSerializer(read_only=True)
    mentor = ParticipantSerializer(read_only=True)
    mentees = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField(
        help_text="Your side of the mentorship; null for a program manager reading it."
    )

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "program",
            "cohort",
            "status",
            "origin",
            "mentor",
            "mentees",
            "role",
            "match_score",
            "started_on",
            "ends_on",
            "ended_on",
        ]
        read_only_fields = fields

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_mentees(self, mentorship: Mentorship) -> list:
        return ParticipantSerializer(people_of(mentorship)[1:], many=True).data

    @extend_schema_field(serializers.ChoiceField(choices=EnrolmentRole.choices, allow_null=True))
    def get_role(self, mentorship: Mentorship) -> str | None:
        user_id = self.context["user_id"]
        for person in people_of(mentorship):
            if person.user_id == user_id:
                return person.role
        return None


class AgreementSerializer(serializers.ModelSerializer):
    """How the pair agreed to work together. Needs `people` (the mentorship's enrolments) and
    `confirmed_by` (the user ids who confirmed the current version) in the context."""

    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=ContactChannel.choices), read_only=True
    )
    confirmed = serializers.SerializerMethodField(
        help_text="Whether everyone in the mentorship confirmed this version."
    )
    confirmed_by = serializers.SerializerMethodField(
        help_text="Who confirmed this version (writing a change confirms it)."
    )

    class Meta:
        model = Agreement
        fields = [
            "version",
            "channels",
            "meeting_cadence",
            "response_time",
            "goals_scope",
            "off_limits",
            "confidentiality",
            "updated_at",
            "confirmed",
            "confirmed_by",
        ]
        read_only_fields = fields

    def get_confirmed(self, agreement: Agreement) -> bool:
        confirmed_by = self.context["confirmed_by"]
        return all(person.user_id in confirmed_by for person in self.context["people"])

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_confirmed_by(self, agreement: Agreement) -> list:
        confirmed_by = self.context["confirmed_by"]
        return ParticipantSerializer(
            [person for person in self.context["people"] if person.user_id in confirmed_by],
            many=True,
        ).data


class EndReasonSerializer(serializers.ModelSerializer):
    role = serializers.CharField(
        read_only=True, help_text="mentor, mentee or program_manager: who gave the reason."
    )

    class Meta:
        model = MentorshipEndReason
        fields = ["role", "reason", "created_at"]
        read_only_fields = fields


class MentorshipDetailSerializer(MentorshipSerializer):
    """Needs, besides `user_id`, `confirmed_by` (see AgreementSerializer). The agreement's
    words are for the people in the mentorship: program managers see its version and whether
    everyone confirmed it, never the text."""

    match_explanation = ExplanationPartSerializer(
        many=True, read_only=True, help_text="Why they were matched, criterion by criterion."
    )
    agreement_version = serializers.IntegerField(source="agreement.version", read_only=True)
    agreement_confirmed = serializers.SerializerMethodField(
        help_text="Whether everyone confirmed the current version of the agreement."
    )
    agreement = serializers.SerializerMethodField(
        help_text="The agreement itself: only for the people in the mentorship, null otherwise."
    )
    end_reasons = EndReasonSerializer(many=True, read_only=True)

    class Meta(MentorshipSerializer.Meta):
        fields = [
            *MentorshipSerializer.Meta.fields,
            "status_changed_at",
            "match_explanation",
            "agreement_version",
            "agreement_confirmed",
            "agreement",
            "end_reasons",
        ]
        read_only_fields = fields

    def get_agreement_confirmed(self, mentorship: Mentorship) -> bool:
        return everyone_confirmed(
            [person.user_id for person in people_of(mentorship)], self.context["confirmed_by"]
        )

    @extend_schema_field(AgreementSerializer(allow_null=True))
    def get_agreement(self, mentorship: Mentorship) -> dict | None:
        people = people_of(mentorship)
        if self.context["user_id"] not in {person.user_id for person in people}:
            return None
        return AgreementSerializer(
            mentorship.agreement,
            context={"people": people, "confirmed_by": self.context["confirmed_by"]},
        ).data


class AgreementUpdateSerializer(serializers.Serializer):
    """The parts of the agreement to change; those not sent stay as they are. A change raises
    the version and asks the others to confirm again; writing it confirms it for you."""

    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=ContactChannel.choices),
        required=False,
        help_text="How you keep in touch: at least one.",
    )
    meeting_cadence = serializers.ChoiceField(choices=MeetingCadence.choices, required=False)
    response_time = serializers.ChoiceField(choices=ResponseTime.choices, required=False)
    goals_scope = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    off_limits = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    confidentiality = serializers.CharField(max_length=4000, allow_blank=True, required=False)


class AgreementConfirmSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The version you read: a newer one written since is not confirmed blindly.",
    )


class MentorshipReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="Why it is ending, in a sentence or two; the program managers read it.",
    )


class MentorshipStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=MENTORSHIP_STATUS_CHANGES,
        help_text="Pause, resume (active) or complete. To end early, use the end endpoint.",
    )
