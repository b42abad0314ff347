"""When an email may go out, in the person's own time zone: quiet hours (which may wrap past
midnight) and the hour of the daily digest. Pure functions of aware datetimes; every result
is in UTC.

Clock changes: a local time that does not exist that day (the spring gap) is read as the
moment the clocks jump to; a local time that happens twice (the autumn overlap) as its first
occurrence.
"""

from __future__ import annotations

import datetime
import zoneinfo

UTC = datetime.UTC


def zone_of(name: str | None) -> tuple[zoneinfo.ZoneInfo, bool]:
    """The person's time zone, and whether it is theirs: an empty or unknown name is UTC."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name), True
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return zoneinfo.ZoneInfo("UTC"), False


def _at(day: datetime.date, time: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """`time` on `day` in `zone`, in UTC (see the module's note on clock changes)."""
    local = datetime.datetime.combine(day, time).replace(tzinfo=zone, fold=0)
    moment = local.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        # In the gap: the wall time does not exist; the clocks jump at the gap's start.
        before = datetime.datetime.combine(day, time).replace(tzinfo=zone, fold=1)
        moment = min(moment, before.astimezone(UTC))
        wall = moment.astimezone(zone)
        while wall.replace(tzinfo=None) < local.replace(tzinfo=None):
            moment += datetime.timedelta(minutes=1)
            wall = moment.astimezone(zone)
    return moment


def in_quiet_hours(local: datetime.time, start: datetime.time, end: datetime.time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # wraps midnight


def quiet_until(
    now: datetime.datetime,
    zone: zoneinfo.ZoneInfo,
    start: datetime.time | None,
    end: datetime.time | None,
) -> datetime.datetime | None:
    """When the quiet hours `now` falls in end (UTC), or None when `now` is not in them."""
    if start is None or end is None:
        return None
    local = now.astimezone(zone)
    if not in_quiet_hours(local.time(), start, end):
        return None
    day = local.date()
    if start > end and local.time() >= start:  # before midnight: they end tomorrow
        day += datetime.timedelta(days=1)
    return _at(day, end, zone)


def next_digest_at(now: datetime.datetime, zone: zoneinfo.ZoneInfo, hour: int) -> datetime.datetime:
    """The next time (UTC) the daily digest goes out: `hour` o'clock local, today if still to
    come, else tomorrow."""
    local = now.astimezone(zone)
    moment = _at(local.date(), datetime.time(hour), zone)
    if moment <= now:
        moment = _at(local.date() + datetime.timedelta(days=1), datetime.time(hour), zone)
    return moment


def digest_hour_now(now: datetime.datetime, zone: zoneinfo.ZoneInfo, hour: int) -> bool:
    """Whether `now` is in the hour the person's digest goes out."""
    return now.astimezone(zone).hour == hour
