"""The surveys' columns of the progress report (reports/progress.py finds `PROGRESS_COLUMNS`
here): each mentorship's mid-point score, closing score and NPS answer.

- "Mid-point score": the average 1-5 answer of the pair's people to the mid-point survey's
  scale questions; "Closing score": the same for the closing survey.
- "NPS (average 0-10)": the average 0-10 answer of the pair's people to the recommendation
  questions of either survey. A Net Promoter Score (promoters minus detractors, in percent)
  says little of one or two people, so the row gives the answers' average; the program's NPS
  is on the dashboard and the survey results.

Every value is blank without answers. Privacy: a question marked anonymous promises that its
answers are never tied to a pair, so only questions that are not anonymous count here
(surveys.aggregate.mentorship_scores_query reads those only). The report joins the query
(`chunk_query`) to its own statement for each chunk of rows: on PostgreSQL the server computes
it while the previous chunk is written.

Plain duck-typed providers (`headers`, `values`, and optionally `chunk_query`): the surveys app
does not import the reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from organizations.models import Organization
from surveys.aggregate import mentorship_scores, mentorship_scores_query
from surveys.models import SurveyMoment

MID_POINT_HEADER = "Mid-point score"
CLOSING_HEADER = "Closing score"
NPS_HEADER = "NPS (average 0-10)"
_KEYS = (SurveyMoment.MID_POINT.value, SurveyMoment.CLOSING.value, "nps")


@dataclass(frozen=True)
class SurveyScoreColumns:
    """The three score columns, from one query per chunk."""

    headers: tuple[str, ...] = (MID_POINT_HEADER, CLOSING_HEADER, NPS_HEADER)

    def values(
        self, organization: Organization, mentorship_ids: Sequence[int]
    ) -> Mapping[int, tuple[float | None, ...]]:
        """Mentorship id -> (mid-point, closing, NPS), for the mentorships with an answer
        (the report leaves the others blank)."""
        found = {}
        for mentorship_id, scores in mentorship_scores(organization, mentorship_ids).items():
            row = tuple(scores[key] for key in _KEYS)
            if row != (None, None, None):
                found[mentorship_id] = row
        return found

    def chunk_query(self, *, after: int, last: int | None, members: QuerySet) -> QuerySet:
        """The query of a chunk of the report: (mentorship id, mid-point, closing, NPS), one
        row per mentorship with ids in (after, last] among `members` and an answer."""
        return mentorship_scores_query(after=after, last=last, members=members)


PROGRESS_COLUMNS = [SurveyScoreColumns()]
