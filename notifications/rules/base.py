"""A rule: a scan that finds who is due a notification, and what to tell them.

`scan(organization, now)` yields batches of small JSON-able items (ids and an occurrence): one
task each, so a batch of hundreds of people costs a fixed number of queries. `drafts(
organization, items, now)` turns a batch into notifications, checking again that each is
still due (a meeting cancelled since the scan tells nobody). Both run again safely: the
notifications' dedupe keys make a second run create nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from notifications.delivery import Draft
from organizations.models import Organization

Item = list[Any]  # JSON-able: it travels through the broker

# Items per task.
BATCH = 500


@dataclass(frozen=True)
class Rule:
    key: str
    # How often beat runs the scan (seconds); each scan looks far enough back to cover a
    # missed tick.
    every: int
    scan: Callable[[Organization, datetime.datetime], Iterator[list[Item]]]
    drafts: Callable[[Organization, list[Item], datetime.datetime], list[Draft]]


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    RULES[rule.key] = rule
    return rule


def in_batches(items: list[Item], size: int = BATCH) -> Iterator[list[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
