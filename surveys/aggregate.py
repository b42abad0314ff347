"""Survey results for those who read them without taking part: a program's managers, the
organisation's report viewers, the reports and exports. Every such read goes through here.

The rules this module keeps:
- An anonymous question is only ever summed up: its answers are read grouped by value (the
  query itself never selects who answered), and a question answered by fewer than MIN_GROUP
  people shows nothing but that it is hidden. Its texts come without a name or a role, in
  alphabetical order (not the order they came in), equal texts counted once.
- A question that is not anonymous shows its texts with the answerer's role, and their name
  only when asked for (the program's managers; never the report viewers).
- Scores per mentorship come only from questions that are not anonymous.

Each function costs a fixed number of queries, whatever the number of answers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, FloatField, Q, QuerySet
from django.db.models.functions import Cast, Round

from organizations.models import Organization
from organizations.scope import organization_scope
from surveys.models import (
    MOMENTS,
    SurveyAnswer,
    SurveyMoment,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
)

MIN_GROUP = 5
SCALE_VALUES = range(1, 6)
NPS_VALUES = range(11)
PROMOTER_FROM, DETRACTOR_UNTIL = 9, 6  # 9-10 promote, 0-6 detract, 7-8 are passive
ANONYMOUS_HIDDEN = "Fewer than 5 answers: hidden to keep them anonymous"


@dataclass(frozen=True)
class Bucket:
    """How many gave one value (a scale point, an NPS score, an option), and their share."""

    value: int | str
    count: int
    percent: int


@dataclass(frozen=True)
class TextAnswer:
    text: str
    # How many gave this same text (anonymous questions merge equal texts).
    count: int = 1
    # For questions that are not anonymous: "mentor" or "mentee", and the name when asked for.
    role: str = ""
    name: str = ""


@dataclass(frozen=True)
class QuestionSummary:
    survey_id: int
    program_id: int
    moment: str
    question_id: int
    position: int
    label: str
    kind: str
    anonymous: bool
    # An anonymous question answered by fewer than MIN_GROUP people: nothing else is given.
    hidden: bool
    answers: int | None
    average: float | None = None
    distribution: tuple[Bucket, ...] = ()
    promoters: int | None = None
    passives: int | None = None
    detractors: int | None = None
    nps: int | None = None
    options: tuple[Bucket, ...] = ()
    texts: tuple[TextAnswer, ...] = ()

    @property
    def hidden_reason(self) -> str:
        return ANONYMOUS_HIDDEN if self.hidden else ""


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _buckets(values: Iterable[int | str], counts: dict, total: int) -> tuple[Bucket, ...]:
    return tuple(Bucket(v, counts.get(v, 0), _percent(counts.get(v, 0), total)) for v in values)


def _responses(
    cohort_ids: Iterable[int] | None,
    since: datetime.date | datetime.datetime | None,
    until: datetime.date | datetime.datetime | None,
    prefix: str = "",
) -> Q:
    """The responses kept by the filters. A date `until` includes its day; a moment excludes
    itself."""
    found = Q()
    if cohort_ids is not None:
        found &= Q(**{f"{prefix}mentorship__cohort_id__in": list(cohort_ids)})
    if since is not None:
        lookup = (
            "submitted_at__gte"
            if isinstance(since, datetime.datetime)
            else "submitted_at__date__gte"
        )
        found &= Q(**{prefix + lookup: since})
    if until is not None:
        lookup = (
            "submitted_at__lt"
            if isinstance(until, datetime.datetime)
            else "submitted_at__date__lte"
        )
        found &= Q(**{prefix + lookup: until})
    return found


def _numeric(question: dict, counts: dict) -> dict:
    """Scale and NPS: answers outside the range (none are stored) do not count."""
    values = SCALE_VALUES if question["kind"] == SurveyQuestionKind.SCALE else NPS_VALUES
    numbers = {v: n for v, n in counts.items() if isinstance(v, int) and v in values}
    total = sum(numbers.values())
    found: dict = {
        "answers": total,
        "average": round(sum(v * n for v, n in numbers.items()) / total, 2) if total else None,
        "distribution": _buckets(values, numbers, total),
    }
    if question["kind"] == SurveyQuestionKind.NPS:
        promoters = sum(n for v, n in numbers.items() if v >= PROMOTER_FROM)
        detractors = sum(n for v, n in numbers.items() if v <= DETRACTOR_UNTIL)
        found |= {
            "promoters": promoters,
            "passives": total - promoters - detractors,
            "detractors": detractors,
            "nps": round(100 * (promoters - detractors) / total) if total else None,
        }
    return found


def _options(question: dict, counts: dict, total: int) -> dict:
    # The options offered now, then any answered that were offered before.
    offered = list(question["choices"]) + [v for v in counts if v not in question["choices"]]
    return {"answers": total, "options": _buckets(offered, counts, total)}


def survey_summary(
    organization: Organization,
    program_ids: Iterable[int],
    cohort_ids: Iterable[int] | None = None,
    since: datetime.date | datetime.datetime | None = None,
    until: datetime.date | datetime.datetime | None = None,
    *,
    survey_ids: Iterable[int] | None = None,
    with_names: bool = False,
) -> list[QuestionSummary]:
    """Each question of the programs' surveys (mid-point first, in their order) summed up over
    the responses kept by the filters (cohorts, submitted since / until), in three queries at
    most. `with_names` adds the answerer's name to the texts of questions that are not
    anonymous: only for the program's managers."""
    with organization_scope(organization):
        questions = SurveyQuestion.objects.filter(survey__program_id__in=list(program_ids))
        if survey_ids is not None:
            questions = questions.filter(survey_id__in=list(survey_ids))
        rows = list(
            questions.values(
                "pk", "survey_id", "survey__program_id", "survey__moment", "position", "label",
                "kind", "anonymous", "choices",
            )
        )  # fmt: skip
        if not rows:
            return []
        kept = _responses(cohort_ids, since, until, prefix="response__")
        counts: dict[int, dict] = defaultdict(dict)
        # Grouped by value: no row of this query says who answered.
        for question_id, value, count in (
            SurveyAnswer.objects.filter(kept, question_id__in=[row["pk"] for row in rows])
            .values("question_id", "value")
            .annotate(count=Count("pk"))
            .order_by()
            .values_list("question_id", "value", "count")
        ):
            counts[question_id][_hashable(value)] = count
        attributed = [
            row["pk"] for row in rows
            if row["kind"] == SurveyQuestionKind.TEXT and not row["anonymous"]
        ]  # fmt: skip
        texts: dict[int, list[TextAnswer]] = defaultdict(list)
        if attributed:
            for question_id, value, role, full_name, email in (
                SurveyAnswer.objects.filter(kept, question_id__in=attributed)
                .order_by("response__submitted_at", "pk")
                .values_list(
                    "question_id", "value", "response__role", "response__respondent__full_name",
                    "response__respondent__email",
                )
            ):  # fmt: skip
                name = (full_name or email or "A former member") if with_names else ""
                texts[question_id].append(TextAnswer(str(value), 1, role, name))
    rows.sort(key=lambda row: (MOMENTS.index(row["survey__moment"]), row["position"], row["pk"]))
    return [_summary(row, counts.get(row["pk"], {}), texts.get(row["pk"], [])) for row in rows]


def _hashable(value):
    return value if isinstance(value, int | str) and not isinstance(value, bool) else str(value)


def _summary(row: dict, counts: dict, texts: list[TextAnswer]) -> QuestionSummary:
    total = sum(counts.values())
    base = {
        "survey_id": row["survey_id"], "program_id": row["survey__program_id"],
        "moment": row["survey__moment"], "question_id": row["pk"], "position": row["position"],
        "label": row["label"], "kind": row["kind"], "anonymous": row["anonymous"],
    }  # fmt: skip
    if row["anonymous"] and total < MIN_GROUP:
        return QuestionSummary(**base, hidden=True, answers=None)
    kind = row["kind"]
    if kind in (SurveyQuestionKind.SCALE, SurveyQuestionKind.NPS):
        found = _numeric(row, counts)
    elif kind == SurveyQuestionKind.SINGLE_CHOICE:
        found = _options(row, counts, total)
    elif row["anonymous"]:
        merged = sorted(counts.items(), key=lambda item: (str(item[0]).casefold(), str(item[0])))
        found = {"answers": total, "texts": tuple(TextAnswer(str(t), n) for t, n in merged)}
    else:
        found = {"answers": len(texts), "texts": tuple(texts)}
    return QuestionSummary(**base, hidden=False, **found)


def response_counts(
    organization: Organization,
    survey_ids: Iterable[int],
    cohort_ids: Iterable[int] | None = None,
    since: datetime.date | datetime.datetime | None = None,
    until: datetime.date | datetime.datetime | None = None,
) -> dict[int, int]:
    """Survey id -> how many people answered it (within the filters), in one query."""
    ids = list(survey_ids)
    with organization_scope(organization):
        found = dict(
            SurveyResponse.objects.filter(_responses(cohort_ids, since, until), survey_id__in=ids)
            .values("survey_id")
            .annotate(count=Count("pk"))
            .order_by()
            .values_list("survey_id", "count")
        )
    return {pk: found.get(pk, 0) for pk in ids}


def mentorship_scores_query(
    *, after: int, last: int | None, members: QuerySet | None = None
) -> QuerySet:
    """Rows (mentorship id, mid-point score, closing score, NPS average) of the mentorships with
    ids in (after, last] (and among `members`, a queryset of mentorship ids, when given) that
    have an answer: the averages of the numbers (SurveyAnswer.score) their people answered,
    rounded to 2 places, only from questions that are not anonymous. Run in the organisation's
    scope. One grouped query reading the id range (an index range scan)."""
    in_range = {"response__mentorship_id__gt": after}
    if last is not None:
        in_range["response__mentorship_id__lte"] = last
    if members is not None:
        in_range["response__mentorship_id__in"] = members

    def average(condition: Q) -> Cast:
        return Cast(Round(Avg("score", filter=condition), 2), output_field=FloatField())

    scale = Q(question__kind=SurveyQuestionKind.SCALE)
    return (
        SurveyAnswer.objects.filter(
            question__anonymous=False,
            question__kind__in=[SurveyQuestionKind.SCALE, SurveyQuestionKind.NPS],
            score__isnull=False,
            **in_range,
        )
        .order_by()
        .values_list("response__mentorship_id")
        .annotate(
            mid_point=average(scale & Q(response__survey__moment=SurveyMoment.MID_POINT)),
            closing=average(scale & Q(response__survey__moment=SurveyMoment.CLOSING)),
            nps=average(Q(question__kind=SurveyQuestionKind.NPS)),
        )
    )


def mentorship_scores(
    organization: Organization, mentorship_ids: Iterable[int]
) -> dict[int, dict[str, float | None]]:
    """Mentorship id -> {"mid_point": the average 1-5 answer of its people to the mid-point
    survey's scale questions, "closing": the same for the closing survey, "nps": the average
    0-10 answer to either survey's recommendation questions}, each None without answers.
    Only questions that are not anonymous count. One query (mentorship_scores_query over the
    ids' range; a list of thousands of ids gets a hash join over every answer on PostgreSQL),
    keeping the mentorships asked for."""
    ids = list(mentorship_ids)
    if not ids:
        return {}
    keys = (SurveyMoment.MID_POINT.value, SurveyMoment.CLOSING.value, "nps")
    found: dict[int, dict[str, float | None]] = {pk: dict.fromkeys(keys) for pk in ids}
    with organization_scope(organization):
        rows = mentorship_scores_query(after=min(ids) - 1, last=max(ids))
        for mentorship_id, *averages in rows:
            if mentorship_id in found:
                found[mentorship_id] = dict(zip(keys, averages, strict=True))
    return found
