"""Starting points for a new program: each fills sensible defaults the admin can change."""

from __future__ import annotations

from dataclasses import dataclass

from programs.models import MatchingMode, MeetingCadence, ProgramFormat


@dataclass(frozen=True)
class ProgramTemplate:
    key: str
    label: str
    summary: str
    purpose: str
    description: str
    format: str
    matching_mode: str
    default_mentor_capacity: int
    relationship_length_weeks: int
    meeting_cadence: str

    def initial(self) -> dict:
        return {
            "purpose": self.purpose,
            "description": self.description,
            "format": self.format,
            "matching_mode": self.matching_mode,
            "default_mentor_capacity": self.default_mentor_capacity,
            "relationship_length_weeks": self.relationship_length_weeks,
            "meeting_cadence": self.meeting_cadence,
        }


PROGRAM_TEMPLATES: dict[str, ProgramTemplate] = {
    template.key: template
    for template in [
        ProgramTemplate(
            key="onboarding_buddies",
            label="Onboarding buddies",
            summary="New joiners get a buddy who knows how things work here. Short and frequent.",
            purpose="Help new joiners settle in quickly with a colleague who shows them the ropes.",
            description=(
                "Every new joiner is paired with an experienced colleague outside their team for "
                "their first three months: a friendly face for questions about tools, people and "
                "the unwritten rules."
            ),
            format=ProgramFormat.ONE_TO_ONE,
            matching_mode=MatchingMode.ADMIN_LED,
            default_mentor_capacity=2,
            relationship_length_weeks=12,
            meeting_cadence=MeetingCadence.WEEKLY,
        ),
        ProgramTemplate(
            key="leadership_mentoring",
            label="Leadership mentoring",
            summary="Emerging leaders work with a senior mentor for six months.",
            purpose="Grow the next generation of leaders through a trusted senior mentor.",
            description=(
                "Managers and emerging leaders are matched with a senior leader from another part "
                "of the organisation. Pairs agree goals in their first meeting and meet every two "
                "weeks for six months."
            ),
            format=ProgramFormat.ONE_TO_ONE,
            matching_mode=MatchingMode.BOTH,
            default_mentor_capacity=2,
            relationship_length_weeks=26,
            meeting_cadence=MeetingCadence.FORTNIGHTLY,
        ),
        ProgramTemplate(
            key="reverse_mentoring",
            label="Reverse mentoring",
            summary="Early-career colleagues mentor senior leaders on new perspectives.",
            purpose="Senior leaders learn from early-career colleagues about technology, culture and inclusion.",
            description=(
                "Early-career colleagues mentor a senior leader: new tools, how customers and "
                "younger colleagues see the organisation, and what inclusion looks like from "
                "another seat. One mentee per mentor keeps it personal."
            ),
            format=ProgramFormat.ONE_TO_ONE,
            matching_mode=MatchingMode.ADMIN_LED,
            default_mentor_capacity=1,
            relationship_length_weeks=16,
            meeting_cadence=MeetingCadence.FORTNIGHTLY,
        ),
        ProgramTemplate(
            key="career_circles",
            label="Career growth circles",
            summary="One mentor guides a small group of mentees with shared goals.",
            purpose="Small groups grow their careers together with a mentor who has walked the path.",
            description=(
                "A mentor meets a circle of up to five mentees once a month. Mentees pick the "
                "circle that fits their goals; the mentor approves."
            ),
            format=ProgramFormat.GROUP,
            matching_mode=MatchingMode.SELF_SELECT,
            default_mentor_capacity=5,
            relationship_length_weeks=24,
            meeting_cadence=MeetingCadence.MONTHLY,
        ),
    ]
}
