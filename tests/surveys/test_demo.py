"""The demo's surveys: both suggested surveys switched on, mid-point answers from the pairs six
weeks in (enough for the anonymous totals to show), and two mentees still to answer."""

from __future__ import annotations

from django.core.management import call_command

from organizations.models import Membership, Organization
from organizations.scope import organization_scope
from programs.models import Mentorship, Program
from surveys import aggregate
from surveys.models import Survey, SurveyResponse
from surveys.selectors import open_surveys_for


def test_the_demo_has_survey_answers_to_show(db):
    call_command("seed_demo", quiet=True)
    call_command("seed_demo", quiet=True)  # again: nothing added twice
    demo = Organization.objects.get(slug="demo")
    with organization_scope(demo):
        program = Program.objects.get()
        surveys = {survey.moment: survey for survey in Survey.objects.filter(program=program)}
        responses = list(SurveyResponse.objects.select_related("mentorship"))
    assert all(survey.is_active for survey in surveys.values()) and len(surveys) == 2
    assert len(responses) == 8
    assert {r.survey_id for r in responses} == {surveys["mid_point"].pk}
    assert sorted(r.role for r in responses).count("mentor") == 5
    summary = aggregate.survey_summary(demo, [program.pk], survey_ids=[surveys["mid_point"].pk])
    text = next(q for q in summary if q.kind == "text")
    assert text.anonymous and not text.hidden and text.answers >= 5
    # The two mentees of those pairs who have not answered may answer now.
    waiting = []
    with organization_scope(demo):
        for mentorship_id in sorted({r.mentorship_id for r in responses}):
            mentorship = Mentorship.objects.prefetch_related("members__mentee").get(
                pk=mentorship_id
            )
            mentee = mentorship.members.all()[0].mentee
            member = Membership.objects.select_related("organization").get(user_id=mentee.user_id)
            waiting += [s.moment for s in open_surveys_for(member, mentorship)]
    assert waiting == ["mid_point", "mid_point"]
