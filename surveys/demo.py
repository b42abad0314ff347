"""The demo program's surveys: the suggested mid-point and closing surveys, switched on, and
mid-point answers from the pairs that are six weeks in (eight people, enough for the anonymous
totals to show), written through the services as the people would have.

The demo pairs that are six weeks in are given a twelve-week mentorship, so that today is their
mid-point: the program's length (26 weeks) would put it seven weeks away, with nothing to show.
Two of their mentees have not answered yet, so the survey is there for them to answer.

Idempotent: once the program has survey answers, nothing is added or changed.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from organizations.models import Membership
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.models import Mentorship, MentorshipStatus, Program
from relationships.demo import WEEKS_IN
from surveys import services
from surveys.models import MOMENTS, Survey, SurveyMoment, SurveyQuestionKind, SurveyResponse

DEMO_LENGTH = datetime.timedelta(weeks=2 * WEEKS_IN)
# Per six-weeks-in pair, in order: the mentor's and the mentee's mid-point answers (how it
# goes 1-5, recommendation 0-10, what was most useful), None for one who has not answered yet.
ANSWERS = [
    ((5, 9, "Having a clear goal from our very first meeting."), None),
    ((4, 8, "The agreement: we knew from day one how often we meet."), None),
    ((4, 7, "The check-ins keep us honest about progress."), (4, 9, "")),
    ((3, 7, "Talking through real situations from my week."),
     (3, 6, "Practising the hard conversations before I have them.")),
    ((2, 5, ""), (2, 4, "Hard to find the time; the reminders helped a little.")),
]  # fmt: skip


def _member(organization, user_id: int) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        organization=organization, user_id=user_id
    )


def _answers(survey: Survey, given: tuple[int, int, str]) -> dict[int, object]:
    by_kind = {
        SurveyQuestionKind.SCALE: given[0],
        SurveyQuestionKind.NPS: given[1],
        SurveyQuestionKind.TEXT: given[2],
    }
    return {question.pk: by_kind.get(question.kind) for question in survey.questions.all()}


def seed_demo_surveys(*, manager: Membership, program: Program) -> None:
    organization = program.organization
    today = timezone.localdate()
    with organization_scope(organization):
        if SurveyResponse.objects.filter(survey__program=program).exists():
            return
        services.surveys_install_suggested(actor=manager, program=program)
        surveys = {survey.moment: survey for survey in Survey.objects.filter(program=program)}
        for moment in MOMENTS:
            survey = surveys[moment]
            surveys[moment] = services.survey_save(
                actor=manager, program=program, moment=moment,
                values=services.SurveySettings(survey.title, survey.intro, is_active=True),
            )  # fmt: skip
        six_weeks_in = list(
            Mentorship.objects.filter(
                cohort__program=program,
                status=MentorshipStatus.ACTIVE,
                started_on__lte=today - datetime.timedelta(weeks=WEEKS_IN),
            ).order_by("pk")[: len(ANSWERS)]
        )
        for mentorship in six_weeks_in:
            Mentorship.objects.filter(pk=mentorship.pk).update(
                ends_on=mentorship.started_on + DEMO_LENGTH
            )
        survey = surveys[SurveyMoment.MID_POINT]
        for mentorship, answers in zip(six_weeks_in, ANSWERS, strict=False):
            mentor = _member(organization, mentorship.mentor.user_id)
            mentorship = program_selectors.get_mentorship_for(mentor, mentorship.pk)
            mentee = _member(organization, mentorship.members.all()[0].mentee.user_id)
            for person, given in zip((mentor, mentee), answers, strict=True):
                if given is not None:
                    services.survey_respond(
                        actor=person, mentorship=mentorship, survey=survey,
                        answers=_answers(survey, given),
                    )  # fmt: skip
