"""Meeting times in words, in the reader's time zone and in everyone else's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from meetings.availability import zone_named


@dataclass(frozen=True)
class Person:
    """Someone in a mentorship, as the meeting pages name them."""

    user_id: int | None
    name: str
    email: str
    role: str
    timezone: str

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


def _day(moment: datetime, *, year: bool) -> str:
    label = f"{moment:%a} {moment.day} {moment:%b}"
    return f"{label} {moment.year}" if year else label


def span_label(starts_at: datetime, ends_at: datetime, zone_name: str, *, now: datetime) -> str:
    """The span in the zone, e.g. "Tue 3 Mar, 10:00" to "10:45" joined by an en dash; both days
    when it ends on another one. The year only when it is not this year's."""
    zone = zone_named(zone_name)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    year = start.year != now.astimezone(zone).year
    if start.date() == end.date():
        return f"{_day(start, year=year)}, {start:%H:%M}–{end:%H:%M}"  # noqa: RUF001 - an en dash for a range
    return f"{_day(start, year=year)}, {start:%H:%M} – {_day(end, year=year)}, {end:%H:%M}"  # noqa: RUF001


def _hours(starts_at: datetime, ends_at: datetime, zone_name: str) -> str:
    zone = zone_named(zone_name)
    return f"{starts_at.astimezone(zone):%H:%M}–{ends_at.astimezone(zone):%H:%M}"  # noqa: RUF001


@dataclass(frozen=True)
class Times:
    """One span as a reader sees it: in their own zone, then for each of the others."""

    yours: str
    others: list[str]

    def __str__(self) -> str:
        return " · ".join([f"{self.yours} your time", *self.others])


def times_for(
    starts_at: datetime,
    ends_at: datetime,
    *,
    reader_zone: str,
    others: Sequence[Person],
    now: datetime,
) -> Times:
    """The span in the reader's zone, and for each other person in theirs: the hours alone when
    their day is the reader's, the day too when it is not; "the same time" when their clock
    shows what the reader's does."""
    yours = span_label(starts_at, ends_at, reader_zone, now=now)
    reader = zone_named(reader_zone)
    labels = []
    for person in others:
        zone = zone_named(person.timezone)
        if starts_at.astimezone(zone).utcoffset() == starts_at.astimezone(reader).utcoffset():
            labels.append(f"the same for {person.first_name}")
            continue
        same_day = starts_at.astimezone(zone).date() == starts_at.astimezone(reader).date()
        when = (
            _hours(starts_at, ends_at, person.timezone)
            if same_day and ends_at.astimezone(zone).date() == starts_at.astimezone(zone).date()
            else span_label(starts_at, ends_at, person.timezone, now=now)
        )
        labels.append(f"{when} for {person.first_name} ({person.timezone})")
    return Times(yours, labels)
