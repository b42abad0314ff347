from dataclasses import dataclass, field

import pytest

from programs.answers import AnswerError, clean_answer, display_answer


@dataclass
class Question:
    kind: str
    required: bool = True
    choices: list[str] = field(default_factory=list)


def test_single_and_multiple_choice():
    question = Question("single_choice", choices=["Red", "Blue"])
    assert clean_answer(question, "Blue") == "Blue"
    with pytest.raises(AnswerError, match="listed options"):
        clean_answer(question, "Green")
    many = Question("multiple_choice", choices=["A", "B", "C"])
    assert clean_answer(many, ["C", "A", "C"]) == ["A", "C"]
    with pytest.raises(AnswerError, match="Not in the list: D"):
        clean_answer(many, ["A", "D"])


def test_required_and_optional_blanks():
    assert clean_answer(Question("text", required=False), "") is None
    with pytest.raises(AnswerError, match="needs an answer"):
        clean_answer(Question("text"), "   ")
    with pytest.raises(AnswerError, match="needs an answer"):
        clean_answer(Question("skills"), [])


def test_skills_come_from_the_program_list():
    assert clean_answer(Question("skills"), ["Rust"], skills=["Go", "Rust"]) == ["Rust"]
    with pytest.raises(AnswerError, match="Not in the list"):
        clean_answer(Question("skills"), ["Cobol"], skills=["Go"])


@pytest.mark.parametrize("raw", ["0", 6, "3.5", True, "three"])
def test_scale_is_one_to_five(raw):
    with pytest.raises(AnswerError, match="1 to 5"):
        clean_answer(Question("scale"), raw)


def test_scale_accepts_form_strings():
    assert clean_answer(Question("scale"), "4") == 4


def test_text_length_and_timezone_and_languages():
    with pytest.raises(AnswerError, match="under 2000"):
        clean_answer(Question("text"), "x" * 2001)
    assert clean_answer(Question("timezone"), "Asia/Kolkata") == "Asia/Kolkata"
    with pytest.raises(AnswerError, match="time zone"):
        clean_answer(Question("timezone"), "Mars/Olympus")
    assert clean_answer(Question("languages"), ["Spanish", "English"]) == ["English", "Spanish"]


def test_availability_windows():
    value = clean_answer(
        Question("availability"), [{"day": 2, "start": "09:00", "end": "10:30"}, [0, 600, 660]]
    )
    assert value == [[0, 600, 660], [2, 540, 630]]
    assert display_answer("availability", value) == "Mon 10:00-11:00; Wed 09:00-10:30"
    with pytest.raises(AnswerError, match="end after it starts"):
        clean_answer(Question("availability"), [[1, "10:00", "09:00"]])
    with pytest.raises(AnswerError, match="overlap"):
        clean_answer(Question("availability"), [[1, "09:00", "11:00"], [1, "10:00", "12:00"]])
    with pytest.raises(AnswerError, match="Monday to Sunday"):
        clean_answer(Question("availability"), [[7, "09:00", "10:00"]])


def test_personality_is_scored_into_traits():
    value = clean_answer(Question("personality"), {"ratings": [7, 1, 7, 1, 7, 1, 7, 1, 7, 1]})
    assert value["traits"] == {
        "extraversion": 7.0,
        "agreeableness": 7.0,
        "conscientiousness": 7.0,
        "emotional_stability": 7.0,
        "openness": 7.0,
    }
    with pytest.raises(AnswerError, match="all 10"):
        clean_answer(Question("personality"), [4, 4])


def test_answers_to_removed_options_stay_readable():
    assert display_answer("multiple_choice", ["Old option", "B"]) == "Old option, B"
    assert display_answer("single_choice", None) == "—"
