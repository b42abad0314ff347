"""When people are free, from the weekly availability on their profiles. Pure functions.

A profile's availability is a list of [weekday (Monday=0), start minute, end minute] in that
person's own time zone (programs/answers.py). Each week is laid onto real dates in that zone, day
by day, so a daylight saving change moves the free time in UTC exactly as it moves for them.
A wall-clock time that does not exist on the day the clocks go forward is read with the offset
before the change (zoneinfo's fold=0), as the person's clock would show it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

Interval = tuple[datetime, datetime]

SUGGESTION_DAYS = 14
MIN_SUGGESTION = timedelta(minutes=30)


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called `name`; UTC for a name that is not one (as the matching engine)."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@dataclass(frozen=True)
class WeeklyAvailability:
    """One person's free time each week, in their own time zone."""

    zone: str
    windows: Sequence[Sequence[int]]


def _at(day: date, minute: int, zone: zoneinfo.ZoneInfo) -> datetime:
    local = datetime.combine(day, time()) + timedelta(minutes=minute)
    return local.replace(tzinfo=zone).astimezone(UTC)


def _merged(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with touching or overlapping intervals joined (three-hour blocks back to back
    make one free afternoon)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_intervals(
    availability: WeeklyAvailability, start: datetime, end: datetime
) -> list[Interval]:
    """The person's free time between `start` and `end` (aware), in UTC, merged and in order."""
    zone = zone_named(availability.zone)
    # A day before and after in local dates: the zone may be up to 14 hours from UTC.
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    intervals: list[Interval] = []
    day = first
    while day <= last:
        for weekday, from_minute, until_minute in availability.windows:
            if weekday == day.weekday():
                free_from, free_until = _at(day, from_minute, zone), _at(day, until_minute, zone)
                clipped = (max(free_from, start), min(free_until, end))
                if clipped[0] < clipped[1]:
                    intervals.append(clipped)
        day += timedelta(days=1)
    return _merged(intervals)


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    common: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            common.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return common


def _subtract(free: list[Interval], busy: Sequence[Interval]) -> list[Interval]:
    left = free
    for busy_from, busy_until in sorted(busy):
        remaining: list[Interval] = []
        for start, end in left:
            if busy_until <= start or end <= busy_from:
                remaining.append((start, end))
                continue
            if start < busy_from:
                remaining.append((start, busy_from))
            if busy_until < end:
                remaining.append((busy_until, end))
        left = remaining
    return left


def common_free_time(
    people: Sequence[WeeklyAvailability],
    start: datetime,
    *,
    days: int = SUGGESTION_DAYS,
    shortest: timedelta = MIN_SUGGESTION,
    busy: Sequence[Interval] = (),
) -> list[Interval]:
    """The windows in the `days` after `start` when everyone is free and none of the `busy`
    times (meetings already planned) takes them, in UTC, each at least `shortest` long. Nobody
    (or someone with no availability given) means no windows."""
    end = start + timedelta(days=days)
    if not people:
        return []
    common = free_intervals(people[0], start, end)
    for person in people[1:]:
        common = _intersect(common, free_intervals(person, start, end))
    return [(s, e) for s, e in _subtract(common, busy) if e - s >= shortest]


def is_free(availability: WeeklyAvailability, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the whole of [starts_at, ends_at) lies in the person's free time."""
    return any(
        s <= starts_at and ends_at <= e for s, e in free_intervals(availability, starts_at, ends_at)
    )
