"""What a valid answer to each kind of profile question looks like, and how it is stored.

Pure functions: `clean_answer(question, raw)` returns the value to store (JSON-serialisable) or
raises AnswerError with a message for the person answering. Stored values per kind:

    single_choice  "Option"                   multiple_choice, skills, languages  ["A", "B"]
    scale          3 (1-5)                    text  "free text"                   timezone  "Europe/Berlin"
    availability   [[day 0-6 (Monday=0), start minute, end minute], ...] in the person's time zone
    personality    {"ratings": [10 x 1-7], "traits": {"extraversion": 4.5, ...}}
"""

from __future__ import annotations

import itertools
import zoneinfo
from collections.abc import Sequence
from typing import Any, Protocol

from programs.models import QuestionKind
from programs.personality import trait_scores, validate_ratings
from programs.standard_questions import LANGUAGES

MAX_TEXT_LENGTH = 2000
MAX_AVAILABILITY_WINDOWS = 21
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class AnswerError(ValueError):
    """The answer cannot be stored; the message says why, for the person answering."""


class QuestionLike(Protocol):
    kind: str
    required: bool
    choices: list[str]


def is_blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or raw == {}


def _one_of(raw: Any, options: Sequence[str]) -> str:
    if not isinstance(raw, str) or raw not in options:
        raise AnswerError("Choose one of the listed options.")
    return raw


def _some_of(raw: Any, options: Sequence[str], what: str) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise AnswerError(f"Choose {what} from the list.")
    unknown = [item for item in raw if item not in options]
    if unknown:
        raise AnswerError(f"Not in the list: {', '.join(unknown[:3])}.")
    # Keep the list's own order and drop repeats, so equal answers compare equal.
    chosen = set(raw)
    return [option for option in options if option in chosen]


def _minutes(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and len(value) == 5 and value[2] == ":":
        hours, minutes = value.split(":")
        if hours.isdigit() and minutes.isdigit():
            return int(hours) * 60 + int(minutes)
    raise AnswerError("Give times as HH:MM, e.g. 09:30.")


def _availability(raw: Any) -> list[list[int]]:
    if not isinstance(raw, list):
        raise AnswerError("Add the times of the week when you are free.")
    if len(raw) > MAX_AVAILABILITY_WINDOWS:
        raise AnswerError(f"At most {MAX_AVAILABILITY_WINDOWS} time windows.")
    windows: list[list[int]] = []
    for window in raw:
        if isinstance(window, dict):
            window = [window.get("day"), window.get("start"), window.get("end")]
        if not isinstance(window, list | tuple) or len(window) != 3:
            raise AnswerError("Each time window needs a day, a start and an end.")
        day, start, end = window[0], _minutes(window[1]), _minutes(window[2])
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise AnswerError("Choose a day from Monday to Sunday.")
        if not 0 <= start < end <= 24 * 60:
            raise AnswerError(
                f"{DAY_NAMES[day]}: the window must end after it starts, within the day."
            )
        windows.append([day, start, end])
    windows.sort()
    for previous, current in itertools.pairwise(windows):
        if previous[0] == current[0] and current[1] < previous[2]:
            raise AnswerError(f"{DAY_NAMES[current[0]]}: two time windows overlap; merge them.")
    return windows


def clean_answer(question: QuestionLike, raw: Any, *, skills: Sequence[str] = ()) -> Any:
    """The value to store for `raw`, or None for an unanswered optional question."""
    if is_blank(raw):
        if question.required:
            raise AnswerError("This question needs an answer.")
        return None
    kind = question.kind
    if kind == QuestionKind.SINGLE_CHOICE:
        return _one_of(raw, question.choices)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return _some_of(raw, question.choices, "one or more options")
    if kind == QuestionKind.SKILLS:
        return _some_of(raw, list(skills), "skills")
    if kind == QuestionKind.LANGUAGES:
        return _some_of(raw, LANGUAGES, "languages")
    if kind == QuestionKind.SCALE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise AnswerError("Choose a number from 1 to 5.") from None
        if isinstance(raw, bool) or not 1 <= value <= 5 or str(raw).strip() != str(value):
            raise AnswerError("Choose a number from 1 to 5.")
        return value
    if kind == QuestionKind.TEXT:
        if not isinstance(raw, str):
            raise AnswerError("Write your answer as text.")
        text = raw.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise AnswerError(f"Keep it under {MAX_TEXT_LENGTH} characters ({len(text)} now).")
        if not text and question.required:
            raise AnswerError("This question needs an answer.")
        return text or None
    if kind == QuestionKind.TIMEZONE:
        if not isinstance(raw, str) or raw not in zoneinfo.available_timezones():
            raise AnswerError("Choose a time zone from the list.")
        return raw
    if kind == QuestionKind.AVAILABILITY:
        return _availability(raw)
    if kind == QuestionKind.PERSONALITY:
        ratings = raw.get("ratings") if isinstance(raw, dict) else raw
        try:
            ratings = validate_ratings(list(ratings) if isinstance(ratings, list | tuple) else [])
        except ValueError as error:
            raise AnswerError(str(error)) from None
        return {"ratings": ratings, "traits": trait_scores(ratings)}
    raise AnswerError("This question cannot be answered.")


def display_answer(kind: str, value: Any) -> str:
    """An answer in words, for people reading a profile; values no longer among the options
    (after a question was edited) are shown as they were given."""
    if value is None:
        return "—"
    if kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.SKILLS, QuestionKind.LANGUAGES):
        return ", ".join(value)
    if kind == QuestionKind.AVAILABILITY:
        return "; ".join(
            f"{DAY_NAMES[day][:3]} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
            for day, start, end in value
        )
    if kind == QuestionKind.PERSONALITY:
        return ", ".join(
            f"{trait.replace('_', ' ')} {score:g}" for trait, score in value["traits"].items()
        )
    return str(value)
