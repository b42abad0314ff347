"""The profile questions every new program starts with, so it works without building a form.

Pairs are matched mentee <-> mentor; a question asked of both sides compares the two answers to
the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from programs.models import Comparison, QuestionAudience, QuestionKind

DEFAULT_SKILLS = [
    "Career planning",
    "Data analysis",
    "Giving feedback",
    "Hiring and interviewing",
    "Leadership",
    "Negotiation",
    "Networking",
    "Product strategy",
    "Project management",
    "Public speaking",
    "Python",
    "Stakeholder management",
    "Time management",
    "Writing",
]

LANGUAGES = [
    "Arabic", "Bengali", "Cantonese", "Czech", "Danish", "Dutch", "English", "Finnish", "French",
    "German", "Greek", "Hebrew", "Hindi", "Hungarian", "Indonesian", "Italian", "Japanese",
    "Korean", "Malay", "Mandarin Chinese", "Norwegian", "Polish", "Portuguese", "Romanian",
    "Russian", "Spanish", "Swahili", "Swedish", "Tagalog", "Thai", "Turkish", "Ukrainian",
    "Urdu", "Vietnamese",
]  # fmt: skip

FUNCTIONS = [
    "Engineering",
    "Product",
    "Design",
    "Data and analytics",
    "Sales",
    "Marketing",
    "Customer success",
    "Operations",
    "Finance",
    "People and HR",
    "Legal",
    "General management",
]
EXPERIENCE = [
    "Less than 2 years",
    "2 to 5 years",
    "5 to 10 years",
    "10 to 15 years",
    "More than 15 years",
]
LEARNING_STYLES = [
    "Hands-on: trying things and reviewing them",
    "Talking things through and reflecting",
    "Reading and studying on my own",
    "Watching how others do it",
]
# In the same order as LEARNING_STYLES: the mentoring style that serves each learning style.
MENTORING_STYLES = [
    "Working on real tasks together",
    "Asking questions that help them reflect",
    "Sharing resources and my own experience",
    "Letting them shadow me",
]
COMMUNICATION_STYLES = [
    "Direct and to the point",
    "Warm and conversational",
    "Structured, with an agenda",
    "Flexible and spontaneous",
]
VALUES = [
    "Autonomy",
    "Balance",
    "Collaboration",
    "Creativity",
    "Growth",
    "Impact",
    "Inclusion",
    "Integrity",
    "Recognition",
    "Security",
]


@dataclass(frozen=True)
class StandardQuestion:
    key: str
    audience: str
    kind: str
    label: str
    help_text: str = ""
    required: bool = False
    choices: list[str] = field(default_factory=list)
    partner_key: str = ""
    comparison: str = ""


STANDARD_QUESTIONS: list[StandardQuestion] = [
    StandardQuestion(
        "goals", QuestionAudience.MENTEE, QuestionKind.TEXT,
        "What do you want to achieve in this program?",
        "A few sentences: your mentor reads this before your first meeting.",
        required=True, partner_key="experience", comparison=Comparison.SIMILARITY,
    ),
    StandardQuestion(
        "experience", QuestionAudience.MENTOR, QuestionKind.TEXT,
        "What experience can you share, and what can you help with?",
        "Your background in a few sentences: mentees are matched on it.",
        required=True, partner_key="goals", comparison=Comparison.SIMILARITY,
    ),
    StandardQuestion(
        "skills_wanted", QuestionAudience.MENTEE, QuestionKind.SKILLS,
        "Which skills do you want to grow?", required=True,
        partner_key="skills_offered", comparison=Comparison.OVERLAP,
    ),
    StandardQuestion(
        "skills_offered", QuestionAudience.MENTOR, QuestionKind.SKILLS,
        "Which skills can you help others grow?", required=True,
        partner_key="skills_wanted", comparison=Comparison.OVERLAP,
    ),
    StandardQuestion(
        "function", QuestionAudience.BOTH, QuestionKind.SINGLE_CHOICE,
        "Which area do you work in?", required=True, choices=FUNCTIONS, comparison=Comparison.SAME,
    ),
    StandardQuestion(
        "experience_years", QuestionAudience.BOTH, QuestionKind.SINGLE_CHOICE,
        "How many years of work experience do you have?", required=True, choices=EXPERIENCE,
        comparison=Comparison.DISTANCE,
    ),
    StandardQuestion(
        "department", QuestionAudience.BOTH, QuestionKind.TEXT,
        "Which department or team are you in?",
        "Used to match you with someone outside your own department.",
        required=True, comparison=Comparison.DIFFERENT,
    ),
    StandardQuestion(
        "languages", QuestionAudience.BOTH, QuestionKind.LANGUAGES,
        "Which languages can you hold a mentoring conversation in?", required=True,
        comparison=Comparison.OVERLAP,
    ),
    StandardQuestion(
        "timezone", QuestionAudience.BOTH, QuestionKind.TIMEZONE,
        "Which time zone do you work in?", required=True, comparison=Comparison.DISTANCE,
    ),
    StandardQuestion(
        "availability", QuestionAudience.BOTH, QuestionKind.AVAILABILITY,
        "When are you usually free for a mentoring conversation?",
        "Times in your own time zone; pairs are matched on hours that overlap.",
        required=True, comparison=Comparison.OVERLAP,
    ),
    StandardQuestion(
        "learning_style", QuestionAudience.MENTEE, QuestionKind.SINGLE_CHOICE,
        "How do you learn best?", choices=LEARNING_STYLES,
        partner_key="mentoring_style", comparison=Comparison.SAME,
    ),
    StandardQuestion(
        "mentoring_style", QuestionAudience.MENTOR, QuestionKind.SINGLE_CHOICE,
        "How do you like to mentor?", choices=MENTORING_STYLES,
        partner_key="learning_style", comparison=Comparison.SAME,
    ),
    StandardQuestion(
        "communication_style", QuestionAudience.BOTH, QuestionKind.SINGLE_CHOICE,
        "Which communication style suits you best?", choices=COMMUNICATION_STYLES,
        comparison=Comparison.SAME,
    ),
    StandardQuestion(
        "values", QuestionAudience.BOTH, QuestionKind.MULTIPLE_CHOICE,
        "Which values matter most to you at work?", "Choose up to three.", choices=VALUES,
        comparison=Comparison.OVERLAP,
    ),
    StandardQuestion(
        "personality", QuestionAudience.BOTH, QuestionKind.PERSONALITY,
        "A short personality questionnaire",
        "Ten quick statements. Optional; it helps match working styles.",
        comparison=Comparison.SIMILARITY,
    ),
]  # fmt: skip
