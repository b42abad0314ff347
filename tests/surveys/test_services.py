"""The rules of a program's surveys and of answering them, through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.deletion import RestrictedError

from organizations.scope import organization_scope
from programs.models import MentorshipStatus
from surveys import services, timing
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.surveys import support as s

D = datetime.date


def _question(**fields) -> services.QuestionSettings:
    return services.QuestionSettings(**{"label": "How is it going?", "kind": "scale", **fields})


def _create(world, moment="mid_point", **fields) -> SurveyQuestion:
    return services.question_create(
        actor=world.alpha_owner_membership, program=world.alpha_program, moment=moment,
        values=_question(**fields),
    )  # fmt: skip


def _errors(error: pytest.ExceptionInfo) -> dict:
    return error.value.message_dict


# Definitions ----------------------------------------------------------------------------------


def test_the_suggested_questions_make_both_surveys_switched_off(world):
    added = services.surveys_install_suggested(
        actor=world.alpha_owner_membership, program=world.alpha_program
    )
    assert added == 7
    with organization_scope(world.alpha):
        surveys = {survey.moment: survey for survey in Survey.objects.all()}
        mid = list(surveys["mid_point"].questions.values_list("kind", "anonymous", "label"))
        closing = list(surveys["closing"].questions.values_list("kind", "anonymous", "choices"))
    assert not any(survey.is_active for survey in surveys.values())
    assert mid == [
        ("scale", False, "How is your mentorship going?"),
        ("nps", False, "How likely are you to recommend this program to a colleague?"),
        ("text", True, "What has been most useful so far?"),
    ]
    assert closing == [
        ("scale", False, []), ("nps", False, []), ("single_choice", False, ["Yes", "Partly", "No"]),
        ("text", True, []),
    ]  # fmt: skip
    # Again: surveys with questions stay as they are.
    assert (
        services.surveys_install_suggested(
            actor=world.alpha_owner_membership, program=world.alpha_program
        )
        == 0
    )


def test_the_suggested_questions_fill_only_an_empty_survey(world):
    _create(world, "closing", label="Our own closing question")
    added = services.surveys_install_suggested(
        actor=world.alpha_owner_membership, program=world.alpha_program
    )
    assert added == 3
    with organization_scope(world.alpha):
        labels = list(
            SurveyQuestion.objects.filter(survey__moment="closing").values_list("label", flat=True)
        )
    assert labels == ["Our own closing question"]


def test_a_question_makes_its_survey_and_goes_last(world):
    first = _create(world)
    second = _create(world, label="And the other one?", kind="nps")
    assert (first.position, second.position) == (1, 2)
    assert first.survey_id == second.survey_id
    assert first.survey.title == "Mid-point survey" and not first.survey.is_active


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"label": "   "}, "label", "Write the question"),
        ({"label": "x" * 256}, "label", "under 255"),
        ({"help_text": "x" * 256}, "help_text", "under 255"),
        ({"kind": "multiple_choice"}, "kind", "Choose the kind"),
        ({"kind": "single_choice", "choices": ["Yes", "yes", " "]}, "choices", "at least two"),
        (
            {"kind": "single_choice", "choices": [str(n) for n in range(11)]},
            "choices",
            "At most 10",
        ),
        ({"kind": "single_choice", "choices": ["x" * 101, "b"]}, "choices", "under 100"),
    ],
)
def test_a_question_is_refused_with_the_reason_on_its_field(world, fields, field, message):
    with pytest.raises(ValidationError) as error:
        _create(world, **fields)
    assert message in " ".join(_errors(error)[field])
    with organization_scope(world.alpha):
        assert not SurveyQuestion.objects.exists()


def test_a_label_of_255_characters_and_ten_options_are_fine(world):
    question = _create(
        world, label="x" * 255, kind="single_choice", choices=[f"Option {n}" for n in range(10)]
    )
    assert len(question.label) == 255 and len(question.choices) == 10
    scale = _create(world, choices=["ignored", "for a scale"])
    assert scale.choices == []


def test_only_the_programs_managers_define_its_surveys(world):
    with pytest.raises(PermissionDenied):
        services.question_create(
            actor=world.alpha_member_membership, program=world.alpha_program, moment="mid_point",
            values=_question(),
        )  # fmt: skip
    manager = world.membership(world.alpha, world.alpha_manager)
    assert services.question_create(
        actor=manager, program=world.alpha_program, moment="closing", values=_question()
    )


def test_an_unknown_moment_is_refused(world):
    with pytest.raises(ValidationError):
        _create(world, "halfway")


def test_a_survey_is_sent_only_with_questions(world):
    settings = services.SurveySettings("Halfway", is_active=True)
    with pytest.raises(ValidationError) as error:
        services.survey_save(
            actor=world.alpha_owner_membership, program=world.alpha_program, moment="mid_point",
            values=settings,
        )  # fmt: skip
    assert "Add a question" in _errors(error)["is_active"][0]
    _create(world)
    survey = services.survey_save(
        actor=world.alpha_owner_membership, program=world.alpha_program, moment="mid_point",
        values=settings,
    )  # fmt: skip
    assert survey.is_active and survey.title == "Halfway"


def test_questions_move_up_and_down(world):
    a, _, c = (_create(world, label=label) for label in "ABC")
    services.question_move(actor=world.alpha_owner_membership, question=c, direction="up")
    services.question_move(actor=world.alpha_owner_membership, question=a, direction="up")
    with organization_scope(world.alpha):
        assert list(SurveyQuestion.objects.values_list("label", flat=True)) == ["A", "C", "B"]


def test_an_answered_question_keeps_its_kind_and_stays(world):
    surveys = s.suggested(world)
    built = s.pair_at_mid_point(world)
    s.answer(world, built, built.mentor, surveys["mid_point"], scale=4, nps=9)
    scale = s.questions(surveys["mid_point"])["scale"]
    scale.survey.program = world.alpha_program
    owner = world.alpha_owner_membership
    with pytest.raises(ValidationError) as error:
        services.question_update(actor=owner, question=scale, values=_question(kind="nps"))
    assert "its kind stays" in _errors(error)["kind"][0]
    services.question_update(actor=owner, question=scale, values=_question(label="Going well?"))
    with pytest.raises(ValidationError):
        services.question_delete(actor=owner, question=scale)
    with organization_scope(world.alpha), pytest.raises(RestrictedError):
        SurveyQuestion.objects.filter(pk=scale.pk).delete()
    unanswered = s.questions(surveys["closing"])["text"]
    unanswered.survey.program = world.alpha_program
    services.question_delete(actor=owner, question=unanswered)
    with organization_scope(world.alpha):
        assert not SurveyQuestion.objects.filter(pk=unanswered.pk).exists()
        assert SurveyQuestion.objects.get(pk=scale.pk).label == "Going well?"


def test_an_answered_anonymous_question_stays_anonymous(world):
    surveys = s.suggested(world)
    built = s.pair_at_mid_point(world)
    s.answer(world, built, built.mentor, surveys["mid_point"], scale=4, nps=9, text="Kind words")
    text = s.questions(surveys["mid_point"])["text"]
    text.survey.program = world.alpha_program
    assert text.anonymous
    owner = world.alpha_owner_membership
    with pytest.raises(ValidationError) as error:
        services.question_update(
            actor=owner, question=text, values=_question(kind="text", anonymous=False)
        )
    assert "stays anonymous" in _errors(error)["anonymous"][0]
    with organization_scope(world.alpha):
        assert SurveyQuestion.objects.get(pk=text.pk).anonymous


# When a survey opens --------------------------------------------------------------------------


def test_the_mid_point_is_the_day_halfway():
    dates = {"started_on": D(2027, 1, 1), "ends_on": D(2027, 7, 1)}  # 181 days
    assert timing.opens_on("mid_point", **dates) == D(2027, 4, 1)
    open_on = {**dates, "status": "active", "ended_on": None}
    assert not timing.is_open("mid_point", **open_on, today=D(2027, 3, 31))
    assert timing.is_open("mid_point", **open_on, today=D(2027, 4, 1))


def test_the_closing_survey_opens_two_weeks_before_the_end_or_on_completion():
    dates = {"started_on": D(2027, 1, 1), "ends_on": D(2027, 7, 1), "ended_on": None}
    assert timing.opens_on("closing", **dates) == D(2027, 6, 17)
    assert not timing.is_open("closing", **dates, status="active", today=D(2027, 6, 16))
    assert timing.is_open("closing", **dates, status="active", today=D(2027, 6, 17))
    completed = {**dates, "ended_on": D(2027, 3, 1), "status": MentorshipStatus.COMPLETED}
    assert timing.is_open("closing", **completed, today=D(2027, 3, 1))
    assert not timing.is_open("mid_point", **completed, today=D(2027, 3, 1))
    ended_early = {**dates, "status": MentorshipStatus.ENDED_EARLY}
    assert not timing.is_open("closing", **ended_early, today=D(2027, 6, 30))


# Answers --------------------------------------------------------------------------------------


def test_a_person_of_the_pair_answers_once(world):
    surveys = s.suggested(world)
    built = s.pair_at_mid_point(world)
    response = s.answer(world, built, built.mentee, surveys["mid_point"], scale=4, nps=10, text="")
    assert response.role == "mentee"
    with organization_scope(world.alpha):
        assert dict(SurveyAnswer.objects.values_list("question__kind", "value")) == {
            "scale": 4,
            "nps": 10,
        }  # fmt: skip (the blank optional text is not stored)
    with pytest.raises(ValidationError, match="answered this survey already"):
        s.answer(world, built, built.mentee, surveys["mid_point"], scale=2, nps=2)
    assert (
        s.answer(world, built, built.mentor, surveys["mid_point"], scale=5, nps=8).role == "mentor"
    )


@pytest.mark.parametrize(
    ("answers", "kind", "message"),
    [
        ({"nps": 9}, "scale", "Please answer this question."),
        ({"scale": 6, "nps": 9}, "scale", "Choose a number from 1 to 5."),
        ({"scale": 0, "nps": 9}, "scale", "Choose a number from 1 to 5."),
        ({"scale": True, "nps": 9}, "scale", "Choose a number from 1 to 5."),
        ({"scale": 3, "nps": 11}, "nps", "Choose a number from 0 to 10."),
        ({"scale": 3, "nps": "ten"}, "nps", "Choose a number from 0 to 10."),
        ({"scale": 3, "nps": 9, "text": "x" * 2001}, "text", "under 2000"),
    ],
)
def test_bad_answers_store_nothing(world, answers, kind, message):
    surveys = s.suggested(world)
    built = s.pair_at_mid_point(world)
    with pytest.raises(ValidationError) as error:
        s.answer(world, built, built.mentee, surveys["mid_point"], **answers)
    question = s.questions(surveys["mid_point"])[kind]
    assert message in _errors(error)[f"q{question.pk}"][0]
    with organization_scope(world.alpha):
        assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


def test_an_unknown_option_or_question_is_refused(world):
    surveys = s.suggested(world)
    built = s.h.make_pair(world, started_on=s.TODAY - 170 * s.DAY)  # 10 days before its end
    closing = surveys["closing"]
    with pytest.raises(ValidationError) as error:
        s.answer(world, built, built.mentor, closing, scale=3, nps=3, single_choice="Maybe")
    choice = s.questions(closing)["single_choice"]
    assert _errors(error)[f"q{choice.pk}"] == ["Choose one of the options."]
    member = s.membership(world, built.mentor)
    with pytest.raises(ValidationError) as error:
        services.survey_respond(
            actor=member, mentorship=s.mentorship_for(member, built.mentorship.pk),
            survey=closing, answers={987654: 3},
        )  # fmt: skip
    assert "only the questions of this survey" in _errors(error)["answers"][0]


def test_not_before_its_moment_not_switched_off_not_outsiders(world):
    surveys = s.suggested(world)
    early = s.pair_at_mid_point(world, days_past=-3)
    with pytest.raises(ValidationError, match="This survey opens on"):
        s.answer(world, early, early.mentor, surveys["mid_point"], scale=3, nps=3)
    built = s.pair_at_mid_point(world)
    with pytest.raises(PermissionDenied):
        services.survey_respond(
            actor=world.alpha_owner_membership,
            mentorship=s.mentorship_for(world.alpha_owner_membership, built.mentorship.pk),
            survey=surveys["mid_point"], answers={},
        )  # fmt: skip
    off = s.suggested(world, active=False)["mid_point"]
    with pytest.raises(ValidationError, match="switched it off"):
        s.answer(world, built, built.mentor, off, scale=3, nps=3)
