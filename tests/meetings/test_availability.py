"""When people are free together, and times in words: pure functions, across daylight saving
changes (in 2026 the US moves its clocks on 8 March, the UK on 29 March)."""

# ruff: noqa: RUF001 - times are written with an en dash, as people read them

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from meetings.availability import WeeklyAvailability, common_free_time, free_intervals, is_free
from meetings.times import Person, span_label, times_for

WEEKDAYS = range(5)
LONDON = WeeklyAvailability("Europe/London", [[day, 9 * 60, 12 * 60] for day in WEEKDAYS])
NEW_YORK = WeeklyAvailability("America/New_York", [[day, 6 * 60, 9 * 60] for day in WEEKDAYS])


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def on_day(windows, day: int) -> list[tuple[datetime, datetime]]:
    return [(s, e) for s, e in windows if s.date().day == day]


def test_the_shared_hours_follow_each_countrys_clock_change():
    windows = common_free_time([LONDON, NEW_YORK], utc(2026, 3, 2), days=35)
    # Both on winter time: London 09-12 GMT, New York 06-09 EST (11-14 UTC): one hour.
    assert on_day(windows, 6) == [(utc(2026, 3, 6, 11), utc(2026, 3, 6, 12))]
    # New York moved on 8 March (06-09 EDT is 10-13 UTC), London not yet: two hours.
    assert on_day(windows, 9) == [(utc(2026, 3, 9, 10), utc(2026, 3, 9, 12))]
    assert on_day(windows, 27) == [(utc(2026, 3, 27, 10), utc(2026, 3, 27, 12))]
    # London moved on 29 March (09-12 BST is 08-11 UTC): one hour again.
    assert on_day(windows, 30) == [(utc(2026, 3, 30, 10), utc(2026, 3, 30, 11))]
    # Weekends are nobody's free time here.
    assert on_day(windows, 7) == on_day(windows, 8) == []


def test_common_time_starts_no_earlier_than_asked_and_drops_short_windows():
    windows = common_free_time([LONDON, NEW_YORK], utc(2026, 3, 6, 11, 40), days=1)
    # Twenty minutes are left of Friday's shared hour: too short to suggest.
    assert windows == []
    windows = common_free_time([LONDON, NEW_YORK], utc(2026, 3, 6, 11, 15), days=1)
    assert windows == [(utc(2026, 3, 6, 11, 15), utc(2026, 3, 6, 12))]


def test_meetings_already_planned_are_not_free_time():
    planned = [
        (utc(2026, 3, 9, 10, 30), utc(2026, 3, 9, 11)),
        (utc(2026, 3, 10, 9), utc(2026, 3, 10, 13)),
    ]
    windows = common_free_time([LONDON, NEW_YORK], utc(2026, 3, 9), days=2, busy=planned)
    # Monday's two shared hours lose the half hour in the middle; Tuesday's are all taken.
    assert windows == [
        (utc(2026, 3, 9, 10), utc(2026, 3, 9, 10, 30)),
        (utc(2026, 3, 9, 11), utc(2026, 3, 9, 12)),
    ]


def test_back_to_back_blocks_make_one_window_and_nobody_means_none():
    blocks = WeeklyAvailability("Europe/Berlin", [[0, 9 * 60, 12 * 60], [0, 12 * 60, 15 * 60]])
    # Monday 2 March 2026, Berlin on winter time (UTC+1).
    assert free_intervals(blocks, utc(2026, 3, 2), utc(2026, 3, 3)) == [
        (utc(2026, 3, 2, 8), utc(2026, 3, 2, 14))
    ]
    assert common_free_time([], utc(2026, 3, 2)) == []
    assert common_free_time([LONDON, WeeklyAvailability("Asia/Tokyo", [])], utc(2026, 3, 2)) == []


def test_a_window_across_midnight_in_utc_and_an_hour_the_clocks_skip():
    tokyo_evening = WeeklyAvailability("Asia/Tokyo", [[0, 20 * 60, 24 * 60]])
    # Monday 20:00-24:00 in Tokyo is Monday 11:00-15:00 UTC.
    assert free_intervals(tokyo_evening, utc(2026, 3, 1), utc(2026, 3, 3)) == [
        (utc(2026, 3, 2, 11), utc(2026, 3, 2, 15))
    ]
    # Sunday 29 March, 01:00-03:00 in London: 01:00-02:00 never happens (the clocks jump to
    # 02:00 BST). The free time is the hour from the jump to 03:00 BST.
    night = WeeklyAvailability("Europe/London", [[6, 60, 180]])
    assert free_intervals(night, utc(2026, 3, 28), utc(2026, 3, 30)) == [
        (utc(2026, 3, 29, 1), utc(2026, 3, 29, 2))
    ]


def test_is_free_checks_the_whole_slot_in_the_persons_own_time():
    # Monday 9 March, 10:00-10:45 UTC is 06:00-06:45 in New York (EDT): free.
    assert is_free(NEW_YORK, utc(2026, 3, 9, 10), utc(2026, 3, 9, 10, 45))
    # A week earlier the same UTC time is 05:00 EST: before their morning starts.
    assert not is_free(NEW_YORK, utc(2026, 3, 2, 10), utc(2026, 3, 2, 10, 45))
    # Half inside is not free.
    assert not is_free(LONDON, utc(2026, 3, 2, 11, 30), utc(2026, 3, 2, 12, 30))


def test_an_unknown_time_zone_is_read_as_utc():
    odd = WeeklyAvailability("Mars/Olympus", [[0, 9 * 60, 10 * 60]])
    assert free_intervals(odd, utc(2026, 3, 2), utc(2026, 3, 3)) == [
        (utc(2026, 3, 2, 9), utc(2026, 3, 2, 10))
    ]


KENJI = Person(
    user_id=2, name="Kenji Sato", email="k@example.com", role="mentor", timezone="Asia/Tokyo"
)
ANA = Person(
    user_id=3, name="Ana Lima", email="a@example.com", role="mentee", timezone="Europe/London"
)


def test_times_in_the_readers_zone_and_the_others():
    now = utc(2026, 3, 1)
    times = times_for(
        utc(2026, 3, 3, 10), utc(2026, 3, 3, 10, 45), reader_zone="Europe/London",
        others=[KENJI], now=now,
    )  # fmt: skip
    assert str(times) == "Tue 3 Mar, 10:00–10:45 your time · 19:00–19:45 for Kenji (Asia/Tokyo)"
    # From New York the evening is the next day in Tokyo: the day is named.
    times = times_for(
        utc(2026, 3, 3, 23), utc(2026, 3, 3, 23, 45), reader_zone="America/New_York",
        others=[KENJI, ANA], now=now,
    )  # fmt: skip
    assert times.yours == "Tue 3 Mar, 18:00–18:45"
    assert times.others == [
        "Wed 4 Mar, 08:00–08:45 for Kenji (Asia/Tokyo)",
        "23:00–23:45 for Ana (Europe/London)",
    ]
    # Same clock: said once.
    times = times_for(
        utc(2026, 7, 1, 9), utc(2026, 7, 1, 10), reader_zone="Europe/Dublin", others=[ANA], now=now
    )
    assert str(times) == "Wed 1 Jul, 10:00–11:00 your time · the same for Ana"


def test_the_same_utc_hour_reads_differently_once_the_clocks_change():
    before = times_for(
        utc(2026, 3, 27, 10), utc(2026, 3, 27, 11), reader_zone="Europe/London",
        others=[], now=utc(2026, 3, 1),
    )  # fmt: skip
    after = times_for(
        utc(2026, 3, 30, 10), utc(2026, 3, 30, 11), reader_zone="Europe/London",
        others=[], now=utc(2026, 3, 1),
    )  # fmt: skip
    assert (before.yours, after.yours) == ("Fri 27 Mar, 10:00–11:00", "Mon 30 Mar, 11:00–12:00")


def test_a_span_across_midnight_and_another_year():
    assert (
        span_label(utc(2027, 1, 4, 23, 30), utc(2027, 1, 5, 0, 15), "UTC", now=utc(2026, 12, 1))
        == "Mon 4 Jan 2027, 23:30 – Tue 5 Jan 2027, 00:15"
    )
    assert span_label(utc(2026, 1, 5, 9), utc(2026, 1, 5, 9, 30), "UTC", now=utc(2026, 1, 1)) == (
        "Mon 5 Jan, 09:00–09:30"
    )


def test_free_intervals_are_clipped_to_the_period_asked():
    start = utc(2026, 3, 2, 10)
    found = free_intervals(LONDON, start, start + timedelta(hours=1))
    assert found == [(start, start + timedelta(hours=1))]
