"""Program surveys: when a mentorship reaches its mid-point, or the last two weeks before its
planned end (or is completed), each person of the pair who has not answered the program's
survey of that moment hears of it, once per survey and mentorship.

Only moments that came within the last LOOKBACK_DAYS are scanned (a completed mentorship,
within COMPLETED_DAYS of its completion): older ones were told already (the dedupe key is per
person, survey and mentorship), so the scan stays small. The program's managers switch a
survey on or off on its page; a survey that is off, or has no questions, tells nobody.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q

from notifications.delivery import Draft
from notifications.rules.base import Item, Rule, in_batches, register
from notifications.rules.common import LOOKBACK_DAYS, day_label, link, local_date, pairs_of
from organizations.models import Organization
from organizations.scope import organization_scope
from programs.models import Mentorship, MentorshipStatus
from surveys import timing
from surveys.models import Survey, SurveyMoment, SurveyQuestion, SurveyResponse

KEY = "surveys"
KIND = "survey_due"
# A completed mentorship is still asked for its closing survey this long after it ended.
COMPLETED_DAYS = 14
SCANNED_STATES = (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED)
FIELDS = ("pk", "cohort__program_id", "status", "started_on", "ends_on", "ended_on")


def occurrence(survey_id: int, mentorship_id: int) -> str:
    return f"survey:{survey_id}:{mentorship_id}"


def _surveys(organization: Organization) -> dict[tuple[int, str], int]:
    """(program id, moment) -> survey id of the surveys that are on and have questions."""
    with organization_scope(organization):
        return {
            (program_id, moment): pk
            for pk, program_id, moment in Survey.objects.filter(
                Exists(SurveyQuestion.objects.filter(survey=OuterRef("pk"))), is_active=True
            ).values_list("pk", "program_id", "moment")
        }


def _due(moment: str, row: tuple, today: datetime.date) -> bool:
    """The survey of `moment` opened for this mentorship within the lookback (or, for the
    closing survey of a completed one, it was completed within COMPLETED_DAYS)."""
    _, _, status, started_on, ends_on, ended_on = row
    dates = {"started_on": started_on, "ends_on": ends_on, "status": status, "ended_on": ended_on}
    if status not in SCANNED_STATES or not timing.is_open(moment, **dates, today=today):
        return False
    if status == MentorshipStatus.COMPLETED:
        recent = ended_on is None or ended_on >= today - datetime.timedelta(days=COMPLETED_DAYS)
        return moment == SurveyMoment.CLOSING and recent
    opens = timing.opens_on(moment, **dates)
    return opens >= today - datetime.timedelta(days=LOOKBACK_DAYS)


def _rows(organization: Organization, where: Q) -> list[tuple]:
    """Mentorships as light rows (FIELDS), in one query."""
    with organization_scope(organization):
        return list(Mentorship.objects.filter(where).values_list(*FIELDS))


def _candidates(organization: Organization, program_ids: list[int], today: datetime.date):
    """The mentorships of these programs that may be due: active ones whose planned end is not
    long past, and those completed lately."""
    lookback = today - datetime.timedelta(days=LOOKBACK_DAYS)
    recent = today - datetime.timedelta(days=COMPLETED_DAYS)
    return _rows(
        organization,
        (
            Q(status=MentorshipStatus.ACTIVE, ends_on__gte=lookback)
            | Q(status=MentorshipStatus.COMPLETED, ended_on__gte=recent)
        )
        & Q(cohort__program_id__in=program_ids, started_on__lte=today),
    )


def _answered(organization: Organization, mentorship_ids) -> set[tuple[int, int, int]]:
    """(survey id, mentorship id, user id) of the answers given, in one query."""
    with organization_scope(organization):
        return set(
            SurveyResponse.objects.filter(
                mentorship_id__in=list(mentorship_ids), respondent__isnull=False
            ).values_list("survey_id", "mentorship_id", "respondent_id")
        )


def _due_surveys(organization, surveys, today) -> dict[int, list[tuple[int, str]]]:
    """Mentorship id -> [(survey id, moment)] due for it."""
    found: dict[int, list[tuple[int, str]]] = {}
    programs = sorted({program_id for program_id, _ in surveys})
    for row in _candidates(organization, programs, today) if programs else []:
        for moment in (SurveyMoment.MID_POINT, SurveyMoment.CLOSING):
            survey_id = surveys.get((row[1], moment))
            if survey_id is not None and _due(moment, row, today):
                found.setdefault(row[0], []).append((survey_id, moment))
    return found


def scan(organization: Organization, now: datetime.datetime):
    today = local_date(now)
    surveys = _surveys(organization)
    due = _due_surveys(organization, surveys, today)
    if not due:
        return
    pairs = pairs_of(organization, due, active_only=False)
    answered = _answered(organization, due)
    items: list[Item] = [
        [pair.id, person.user_id, survey_id]
        for pair in pairs.values()
        for survey_id, _ in due[pair.id]
        for person in pair.reachable
        if (survey_id, pair.id, person.user_id) not in answered
    ]
    yield from in_batches(items)


def _respond_url(organization: Organization):
    """The answer page's path for a mentorship and a survey: reversed once for the batch."""
    marker_m, marker_s = 987654321987, 987654321989
    template = (
        link("surveys:respond", organization, mentorship_id=marker_m, survey_id=marker_s)
        .replace(str(marker_m), "{mentorship_id}")
        .replace(str(marker_s), "{survey_id}")
    )
    return lambda mentorship_id, survey_id: template.format(
        mentorship_id=int(mentorship_id), survey_id=int(survey_id)
    )


def _words(moment: str, partners: str, ends_on: datetime.date, completed: bool) -> tuple[str, str]:
    with_whom = f" with {partners}" if partners else ""
    if moment == SurveyMoment.MID_POINT:
        return (
            "Halfway there: how is your mentorship going?",
            f"Your mentorship{with_whom} is halfway through. Your program asks a few short "
            "questions about how it is going; it takes two minutes.",
        )
    end = "has come to its end" if completed else f"ends on {day_label(ends_on)}"
    return (
        "Your mentorship ends soon: how did it go?",
        f"Your mentorship{with_whom} {end}. Your program asks how it went, so the next pairs "
        "get even more from it; it takes two minutes.",
    )


def drafts(organization: Organization, items: list[Item], now: datetime.datetime) -> list[Draft]:
    today = local_date(now)
    surveys = _surveys(organization)
    by_id = {survey_id: key for key, survey_id in surveys.items()}
    ids = {item[0] for item in items}
    rows = {row[0]: row for row in _rows(organization, Q(pk__in=ids))}
    pairs = pairs_of(organization, ids, active_only=False)
    answered = _answered(organization, pairs)
    respond_url = _respond_url(organization)
    found = []
    for mentorship_id, user_id, survey_id in items:
        pair = pairs.get(mentorship_id)
        person = pair.person(user_id) if pair else None
        key = by_id.get(survey_id)
        if person is None or key is None or key[0] != pair.program_id:
            continue
        row = rows.get(pair.id)
        if row is None or (survey_id, pair.id, user_id) in answered or not _due(key[1], row, today):
            continue
        title, body = _words(
            key[1], pair.partners_of(user_id), pair.ends_on,
            pair.status == MentorshipStatus.COMPLETED,
        )  # fmt: skip
        found.append(
            Draft(
                kind=KIND, occurrence=occurrence(survey_id, pair.id), title=title,
                user_id=user_id, body=body, url=respond_url(pair.id, survey_id),
                action="Answer the survey", mentorship_id=pair.id, program_id=pair.program_id,
            )
        )  # fmt: skip
    return found


RULE = register(Rule(KEY, 3600, scan, drafts))
