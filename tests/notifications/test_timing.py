"""Quiet hours and the digest hour, in the person's time zone, across midnight and the clock
changes."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from notifications.timing import in_quiet_hours, next_digest_at, quiet_until, zone_of

UTC = datetime.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
T = datetime.time


def at(text: str, zone=UTC) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.mark.parametrize(
    ("local", "start", "end", "quiet"),
    [
        (T(23, 0), T(22, 0), T(7, 0), True),
        (T(6, 59), T(22, 0), T(7, 0), True),
        (T(7, 0), T(22, 0), T(7, 0), False),
        (T(12, 0), T(22, 0), T(7, 0), False),
        (T(13, 0), T(12, 0), T(14, 0), True),
        (T(14, 0), T(12, 0), T(14, 0), False),
    ],
)
def test_quiet_hours_may_wrap_midnight(local, start, end, quiet):
    assert in_quiet_hours(local, start, end) is quiet


def test_quiet_hours_end_tomorrow_before_midnight_and_today_after():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    # 23:30 in Tokyo on 3 March: quiet until 07:00 on 4 March (22:00 UTC on 3 March).
    assert quiet_until(at("2027-03-03T14:30"), tokyo, T(22), T(7)) == at("2027-03-03T22:00")
    # 02:00 in Tokyo: quiet until 07:00 the same day.
    assert quiet_until(at("2027-03-03T17:00"), tokyo, T(22), T(7)) == at("2027-03-03T22:00")
    assert quiet_until(at("2027-03-03T03:00"), tokyo, T(22), T(7)) is None
    assert quiet_until(at("2027-03-03T03:00"), tokyo, None, None) is None


def test_quiet_hours_across_the_spring_and_autumn_clock_changes():
    # London springs forward at 01:00 UTC on 28 March 2027: quiet hours ending at 01:30 (a
    # local time that does not exist that night) end when the clocks jump.
    assert quiet_until(at("2027-03-28T00:10"), LONDON, T(0), T(1, 30)) == at("2027-03-28T01:00")
    # A 07:00 end after the change is 06:00 UTC.
    assert quiet_until(at("2027-03-27T23:00"), LONDON, T(22), T(7)) == at("2027-03-28T06:00")
    # Autumn, 31 October 2027: 01:30 happens twice; the first one counts (00:30 UTC).
    assert quiet_until(at("2027-10-30T23:50"), LONDON, T(23), T(1, 30)) == at("2027-10-31T00:30")


def test_the_digest_goes_at_the_persons_hour():
    new_york = zoneinfo.ZoneInfo("America/New_York")
    # 07:00 in New York (12:00 UTC): the 08:00 digest is an hour away.
    assert next_digest_at(at("2027-01-11T12:00"), new_york, 8) == at("2027-01-11T13:00")
    # 09:00 there: tomorrow's.
    assert next_digest_at(at("2027-01-11T14:00"), new_york, 8) == at("2027-01-12T13:00")


def test_an_unknown_or_empty_time_zone_is_utc_and_said_so():
    assert zone_of("Europe/Lisbon") == (zoneinfo.ZoneInfo("Europe/Lisbon"), True)
    assert zone_of("") == (zoneinfo.ZoneInfo("UTC"), False)
    assert zone_of("Mars/Olympus") == (zoneinfo.ZoneInfo("UTC"), False)
    assert zone_of("../etc/passwd") == (zoneinfo.ZoneInfo("UTC"), False)
