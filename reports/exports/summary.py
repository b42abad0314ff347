"""What every export says besides its rows: the filters in words, and the totals of the rows
(counted as they stream past, so no second pass over the data)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from organizations.models import Organization
from programs.models import MentorshipStatus
from relationships.models import HealthStatus
from reports.filters import ReportFilters
from reports.progress import PROGRESS_FIELDS, ProgressRow

NO_HEALTH = "No health (not active, or no snapshot yet)"
# The pairs listed as needing attention: at most this many, at risk first.
ATTENTION_LIMIT = 30
ATTENTION_LEVELS = (HealthStatus.AT_RISK.label, HealthStatus.NEEDS_ATTENTION.label)


def describe_filters(organization: Organization, filters: ReportFilters) -> list[tuple[str, str]]:
    """The filters as a reader says them."""
    everything = "All the programs you report on"
    return [
        ("Organisation", organization.name),
        (
            "Programs",
            ", ".join(p.name for p in filters.programs)
            if filters.given.get("program")
            else everything,
        ),
        ("Cohort", filters.cohort.name if filters.cohort else "All cohorts"),
        ("Active from", filters.since.isoformat() if filters.since else "Any date"),
        ("Active until", filters.until.isoformat() if filters.until else "Any date"),
        ("Department", filters.department or "All departments"),
    ]


# (label, lowest count) of each bucket, lowest first.
MEETING_BUCKETS = (("0", 0), ("1-2", 1), ("3-5", 3), ("6-10", 6), ("11+", 11))
MESSAGE_BUCKETS = (("0", 0), ("1-10", 1), ("11-50", 11), ("51-100", 51), ("101+", 101))


def _labels_by_count(buckets: tuple[tuple[str, int], ...]) -> list[str]:
    """The bucket label of each count from 0 to the last bucket's lowest (counts above it are
    capped to it): a list lookup instead of a search per row."""
    labels = []
    for index, (label, lowest) in enumerate(buckets):
        following = buckets[index + 1][1] if index + 1 < len(buckets) else lowest + 1
        labels += [label] * (following - lowest)
    return labels


_MEETING_LABELS = _labels_by_count(MEETING_BUCKETS)
_MESSAGE_LABELS = _labels_by_count(MESSAGE_BUCKETS)
# Columns read by position (a row is a tuple in PROGRESS_FIELDS order): no property per value.
_column = {name: itemgetter(index) for index, name in enumerate(PROGRESS_FIELDS)}
_status, _health = _column["status"], _column["health"]
_meetings, _messages = _column["meetings_held"], _column["messages"]
_SUMMED = ("meetings_held", "messages", "goals_set", "goals_achieved", "milestones_done",
           "milestones_overdue", "check_ins")  # fmt: skip


@dataclass
class Tally:
    """The totals of the rows, added chunk by chunk at C speed (Counter and sum over maps)."""

    rows: int = 0
    by_status: Counter = field(default_factory=Counter)
    # By health label; "" for no health (not active, or no snapshot yet).
    by_health: Counter = field(default_factory=Counter)
    meetings_held: int = 0
    messages: int = 0
    goals_set: int = 0
    goals_achieved: int = 0
    milestones_done: int = 0
    milestones_overdue: int = 0
    check_ins: int = 0
    # Mentorships by how many meetings were held and messages sent (for the charts).
    meetings_buckets: Counter = field(default_factory=Counter)
    messages_buckets: Counter = field(default_factory=Counter)
    attention: dict[str, list[ProgressRow]] = field(
        default_factory=lambda: {level: [] for level in ATTENTION_LEVELS}
    )

    def add(self, chunk: list[ProgressRow]) -> None:
        self.rows += len(chunk)
        self.by_status.update(map(_status, chunk))
        self.by_health.update(map(_health, chunk))
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + sum(map(_column[name], chunk)))
        meetings_cap, messages_cap = len(_MEETING_LABELS) - 1, len(_MESSAGE_LABELS) - 1
        self.meetings_buckets.update(
            map(_MEETING_LABELS.__getitem__, map(min, map(_meetings, chunk), repeat(meetings_cap)))
        )
        self.messages_buckets.update(
            map(_MESSAGE_LABELS.__getitem__, map(min, map(_messages, chunk), repeat(messages_cap)))
        )
        for level, found in self.attention.items():
            if len(found) < ATTENTION_LIMIT and self.by_health.get(level):
                found += [row for row in chunk if row.health == level][
                    : ATTENTION_LIMIT - len(found)
                ]

    def counting(self, chunks: Iterable[list[ProgressRow]]) -> Iterator[list[ProgressRow]]:
        """Pass the chunks through, counting them (one chunk held at a time: each is let go
        before the next is read)."""
        for chunk in chunks:
            self.add(chunk)
            yield chunk
            del chunk

    def add_all(self, chunks: Iterable[list[ProgressRow]]) -> Tally:
        for chunk in chunks:
            self.add(chunk)
            del chunk
        return self

    def status_counts(self) -> list[tuple[str, int]]:
        return [(label, self.by_status.get(label, 0)) for label in MentorshipStatus.labels]

    def health_counts(self) -> list[tuple[str, int]]:
        return [(label, self.by_health.get(label, 0)) for label in HealthStatus.labels] + [
            (NO_HEALTH, self.by_health.get("", 0))
        ]

    def totals(self) -> list[tuple[str, int]]:
        return [
            ("Mentorships", self.rows),
            ("Meetings held", self.meetings_held),
            ("Messages", self.messages),
            ("Goals set", self.goals_set),
            ("Goals achieved", self.goals_achieved),
            ("Milestones done", self.milestones_done),
            ("Milestones overdue", self.milestones_overdue),
            ("Check-ins", self.check_ins),
        ]

    @property
    def attention_total(self) -> int:
        return sum(self.by_health.get(level, 0) for level in ATTENTION_LEVELS)

    def needing_attention(self) -> list[ProgressRow]:
        """At risk first, then needing attention: at most ATTENTION_LIMIT."""
        found = [row for level in ATTENTION_LEVELS for row in self.attention[level]]
        return found[:ATTENTION_LIMIT]


def bucket_counts(counter: Counter, buckets: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
    return [(label, counter.get(label, 0)) for label, _ in buckets]


def exported_at_text(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")
