"""What every number of the dashboard starts from: the pairs and people in a report's scope,
the dates that bound it, and the small shapes the numbers take."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from organizations.models import Membership, Organization
from programs.models import Enrolment, Mentorship, MentorshipMentee
from reports.filters import ReportFilters


@dataclass(frozen=True)
class Tally:
    """One labelled number: a bar of a chart."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Named:
    id: int
    name: str


def number_range(low: int, high: int) -> str:
    return f"{low}\N{EN DASH}{high}"


@dataclass(frozen=True)
class Bucket:
    """A range of counts: `lowest` to `highest` (None: and more)."""

    key: str
    label: str
    lowest: int
    highest: int | None

    def holds(self, value: float) -> bool:
        return value >= self.lowest and (self.highest is None or value <= self.highest)


@dataclass(frozen=True)
class Scope:
    """The querysets every number starts from, and the dates that bound them."""

    membership: Membership
    filters: ReportFilters
    # The day the "now" numbers are read on: `until`, or today when absent or later.
    reference_day: datetime.date
    starts_at: datetime.datetime | None  # the first moment of `since`
    ends_before: datetime.datetime | None  # the first moment after `until`

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    def enrolments(self) -> QuerySet[Enrolment]:
        """The people: enrolments in the programs, cohort and department, created by `until`."""
        filters = self.filters
        enrolments = Enrolment.objects.filter(cohort__program_id__in=filters.program_ids)
        if filters.cohort is not None:
            enrolments = enrolments.filter(cohort_id=filters.cohort.pk)
        if filters.department:
            enrolments = enrolments.filter(department__iexact=filters.department)
        if self.ends_before is not None:
            enrolments = enrolments.filter(created_at__lt=self.ends_before)
        return enrolments.order_by()

    def mentorships(self) -> QuerySet[Mentorship]:
        """The pairs: mentorships in the programs and cohort that overlap the range, with their
        mentor or a mentee in the department."""
        filters = self.filters
        mentorships = Mentorship.objects.filter(cohort__program_id__in=filters.program_ids)
        if filters.cohort is not None:
            mentorships = mentorships.filter(cohort_id=filters.cohort.pk)
        if filters.until is not None:
            mentorships = mentorships.filter(started_on__lte=filters.until)
        if filters.since is not None:
            mentorships = mentorships.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=filters.since)
            )
        if filters.department:
            in_department = MentorshipMentee.objects.filter(
                mentorship_id=OuterRef("pk"), mentee__department__iexact=filters.department
            )
            mentorships = mentorships.filter(
                Q(mentor__department__iexact=filters.department) | Q(Exists(in_department))
            )
        return mentorships.order_by()

    def mentorship_ids(self) -> QuerySet:
        """The pairs in scope as a subquery: never a list of ids spelled out in the SQL."""
        return self.mentorships().values("pk")

    def within_range(self, name: str) -> Q:
        """The moment `name` falls within the range."""
        condition = Q()
        if self.starts_at is not None:
            condition &= Q(**{f"{name}__gte": self.starts_at})
        if self.ends_before is not None:
            condition &= Q(**{f"{name}__lt": self.ends_before})
        return condition


def _first_moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reference_day_of(filters: ReportFilters) -> datetime.date:
    """The day the "now" numbers are read on: `until`, or today when absent or later."""
    today = timezone.localdate()
    return min(filters.until, today) if filters.until else today


def scope_of(membership: Membership, filters: ReportFilters) -> Scope:
    until = filters.until
    return Scope(
        membership=membership,
        filters=filters,
        reference_day=reference_day_of(filters),
        starts_at=_first_moment(filters.since) if filters.since else None,
        ends_before=_first_moment(until + datetime.timedelta(days=1)) if until else None,
    )


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def distribution(values: Iterable[float], buckets: list[Bucket]) -> list[Tally]:
    counts = dict.fromkeys([bucket.key for bucket in buckets], 0)
    for value in values:
        bucket = next((b for b in buckets if b.holds(value)), None)
        if bucket is not None:
            counts[bucket.key] += 1
    return [Tally(bucket.key, bucket.label, counts[bucket.key]) for bucket in buckets]


@dataclass(frozen=True)
class PerPair:
    """A count per pair: its total over the pairs, the average and the distribution."""

    total: int
    average: float | None
    buckets: list[Tally]


def per_pair(counts: Mapping[int, int], pair_ids: list[int], buckets: list[Bucket]) -> PerPair:
    values = [counts.get(pk, 0) for pk in pair_ids]
    total = sum(values)
    return PerPair(
        total=total,
        average=rounded(total / len(values)) if values else None,
        buckets=distribution(values, buckets),
    )
