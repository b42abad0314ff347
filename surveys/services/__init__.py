"""Every write of the surveys app: a program's two surveys and their questions (its managers,
definitions.py), and the answers of the people in each pair (responses.py)."""

from surveys.services.definitions import (
    DEFAULT_TITLES,
    SUGGESTED,
    QuestionSettings,
    Suggested,
    SurveySettings,
    clean_question,
    question_create,
    question_delete,
    question_move,
    question_update,
    survey_save,
    surveys_install_suggested,
)
from surveys.services.responses import (
    RANGES,
    TEXT_MAX_LENGTH,
    clean_answers,
    require_open,
    survey_respond,
)

__all__ = [
    "DEFAULT_TITLES",
    "RANGES",
    "SUGGESTED",
    "TEXT_MAX_LENGTH",
    "QuestionSettings",
    "Suggested",
    "SurveySettings",
    "clean_answers",
    "clean_question",
    "question_create",
    "question_delete",
    "question_move",
    "question_update",
    "require_open",
    "survey_respond",
    "survey_save",
    "surveys_install_suggested",
]
