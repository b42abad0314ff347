"""Survey results on the dashboard, from the surveys app when it is installed.

The hook is `survey_summary_function()`: surveys.aggregate.survey_summary(organization,
program_ids, cohort_ids=None, since=None, until=None), imported lazily, or None when the surveys
app is not there; the dashboard then has no survey section. Its questions are read by name
(`survey_results`), tolerating a field it does not give. Numbers only: the count of answers,
the average, the NPS, the count of each option or scale point; never the texts people wrote.
Anonymity is the surveys app's to keep: a question it hides (too few answers) shows as hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.apps import apps

from reports.metrics.scope import Scope, Tally

HIDDEN = "Too few answers: hidden to keep them anonymous."


@dataclass(frozen=True)
class SurveyQuestion:
    survey: str  # which survey: the moment, and the program when there are several
    label: str
    kind: str  # scale, nps, single_choice or text
    answers: int | None
    average: float | None
    nps: float | None
    promoters: int | None
    passives: int | None
    detractors: int | None
    # The count of each option (single choice) or scale point (1-5, 0-10).
    counts: list[Tally]
    # Why the numbers are not shown (too few answers to keep them anonymous), or "".
    hidden: str = ""


def survey_summary_function() -> Callable | None:
    """surveys.aggregate.survey_summary when the surveys app is installed, else None."""
    if not apps.is_installed("surveys"):
        return None
    try:
        from surveys.aggregate import survey_summary
    except ImportError:
        return None
    return survey_summary


def _moment_labels() -> dict[str, str]:
    try:
        from surveys.models import SurveyMoment
    except ImportError:
        return {}
    return {value: f"{label} survey" for value, label in SurveyMoment.choices}


def _get(item, name: str, default=None):
    value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
    return default if value is None else value


def _integer(value) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(float(value), 2)


def _counts(buckets: Iterable, kind: str) -> list[Tally]:
    """Buckets with a `value` and a `count` (the surveys app's), as tallies; a scale point
    reads "4 of 5"."""
    scale = {"scale": " of 5", "nps": " of 10"}.get(kind, "")
    return [
        Tally(str(value), f"{value}{scale}", _integer(_get(bucket, "count")) or 0)
        for bucket in buckets or ()
        if (value := _get(bucket, "value")) is not None
    ]


def survey_results(summary: Iterable, program_names: Mapping[int, str]) -> list[SurveyQuestion]:
    """The surveys app's question summaries as the dashboard shows them: numbers only."""
    moments = _moment_labels()
    several_programs = len({_get(q, "program_id") for q in summary or ()}) > 1
    results = []
    for question in summary or ():
        label = _get(question, "label")
        if not label:
            continue
        moment = str(_get(question, "moment", ""))
        survey = moments.get(moment, moment.replace("_", " ").capitalize())
        if several_programs and _get(question, "program_id") in program_names:
            survey = f"{program_names[_get(question, 'program_id')]} · {survey}"
        hidden = _get(question, "hidden", False)
        if hidden:
            hidden = _get(question, "hidden_reason", "") or HIDDEN
        counts = _get(question, "options") or _get(question, "distribution") or ()
        results.append(
            SurveyQuestion(
                survey=survey,
                label=str(label),
                kind=str(_get(question, "kind", "")),
                answers=None if hidden else _integer(_get(question, "answers")),
                average=None if hidden else _number(_get(question, "average")),
                nps=None if hidden else _number(_get(question, "nps")),
                promoters=None if hidden else _integer(_get(question, "promoters")),
                passives=None if hidden else _integer(_get(question, "passives")),
                detractors=None if hidden else _integer(_get(question, "detractors")),
                counts=[] if hidden else _counts(counts, str(_get(question, "kind", ""))),
                hidden=str(hidden or ""),
            )
        )
    return results


def surveys_of(scope: Scope) -> list[SurveyQuestion] | None:
    """None when the surveys app is not installed; its results for the filters otherwise."""
    survey_summary = survey_summary_function()
    if survey_summary is None:
        return None
    filters = scope.filters
    # A cohort's surveys are its program's: the other programs' questions would show empty.
    program_ids = [filters.cohort.program_id] if filters.cohort else filters.program_ids
    summary = survey_summary(
        scope.organization,
        program_ids,
        cohort_ids=[filters.cohort.pk] if filters.cohort else None,
        since=filters.since,
        until=filters.until,
    )
    return survey_results(summary, {p.pk: p.name for p in filters.programs})
