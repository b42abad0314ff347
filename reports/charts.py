"""The dashboard's charts, drawn on the server: bar geometry for the HTML bars and the health
trend as an inline SVG (no JavaScript, nothing from a CDN). Every chart has its numbers in text
beside it, so nobody needs to read a colour or a shape to get them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reports.metrics import FunnelStage, Tally, TrendWeek

# Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphics), one per health state.
HEALTH_COLOURS = {"on_track": "#1a7f37", "needs_attention": "#9a6700", "at_risk": "#cf222e"}
HEALTH_LABELS = {
    "on_track": "On track",
    "needs_attention": "Needs attention",
    "at_risk": "At risk",
}


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    # The bar's length, in percent of the longest bar (of the first, for a funnel).
    width: float
    # Its share of the whole, in percent; None without a whole.
    share: int | None
    note: str = ""

    @property
    def length(self) -> str:
        """The bar's length on a track 100 long (an SVG attribute, never a style: the
        Content-Security-Policy refuses style attributes); never localised, at least a sliver
        when not 0."""
        return f"{max(self.width, 0.8) if self.count else 0:.1f}"


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def bars(tallies: Sequence[Tally]) -> list[Bar]:
    """Bars scaled to the longest; each with its share of the total."""
    longest = max((t.count for t in tallies), default=0)
    total = sum(t.count for t in tallies)
    return [
        Bar(
            t.key,
            t.label,
            t.count,
            100 * t.count / longest if longest else 0,
            _percent(t.count, total),
        )
        for t in tallies
    ]


def funnel_bars(stages: Sequence[FunnelStage]) -> list[Bar]:
    """The funnel: each stage scaled to the first, with its share of the first."""
    first = stages[0].people if stages else 0
    return [
        Bar(
            stage.key,
            stage.label,
            stage.people,
            100 * stage.people / first if first else 0,
            _percent(stage.people, first),
            note=f"{stage.mentees} mentee{'s' if stage.mentees != 1 else ''}, "
            f"{stage.mentors} mentor{'s' if stage.mentors != 1 else ''}",
        )
        for stage in stages
    ]


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    count: int
    share: float  # percent of the whole
    offset: float = 0.0  # where it starts, in percent: the shares of the parts before it

    @property
    def start(self) -> str:
        return f"{self.offset:.2f}"

    @property
    def length(self) -> str:
        return f"{self.share:.2f}"


def stacked(tallies: Sequence[Tally]) -> list[Segment]:
    """The parts of one stacked bar (empty parts left out)."""
    total = sum(t.count for t in tallies)
    segments, offset = [], 0.0
    for tally in tallies:
        if tally.count:
            share = 100 * tally.count / total
            segments.append(Segment(tally.key, tally.label, tally.count, share, offset))
            offset += share
    return segments


# The health trend: a stacked area of the pairs in each state, week by week.

WIDTH, HEIGHT = 600, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 18, 36, 64
LAYERS = ("on_track", "needs_attention", "at_risk")  # bottom to top


def _nice_step(largest: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, 50...) giving about `ticks` gridlines up to `largest`."""
    raw = max(1, largest) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return max(1, int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)))


def _short(day) -> str:
    return f"{day.day} {day:%b}"


def _runs(weeks: Sequence[TrendWeek]) -> list[list[int]]:
    """Indexes of consecutive weeks with a snapshot: the chart leaves a gap between runs."""
    runs: list[list[int]] = []
    for index, week in enumerate(weeks):
        if week.taken_on is None:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _points(coordinates: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)


def _value(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _element(name: str, text: str = "", **attributes) -> SafeString:
    """One SVG element; `class_` is `class`, other underscores are hyphens (`text_anchor`)."""
    attribute_text = format_html_join(
        " ",
        '{}="{}"',
        ((key.rstrip("_").replace("_", "-"), _value(value)) for key, value in attributes.items()),
    )
    if text:
        return format_html("<{} {}>{}</{}>", name, attribute_text, text, name)
    return format_html("<{} {}/>", name, attribute_text)


def trend_summary(weeks: Sequence[TrendWeek]) -> str:
    """The trend in one sentence: the latest week with snapshots against the earliest."""
    measured = [week for week in weeks if week.taken_on is not None]
    if not measured:
        return "No health snapshots in this period yet: they are taken once a day."

    def counts(week: TrendWeek) -> str:
        return (
            f"{week.on_track} on track, {week.needs_attention} needing attention "
            f"and {week.at_risk} at risk"
        )

    last = measured[-1]
    sentence = f"Latest week (from {_short(last.week_of)}): {counts(last)}."
    if len(measured) > 1:
        first = measured[0]
        sentence += (
            f" First week shown with a check (from {_short(first.week_of)}): {counts(first)}."
        )
    return sentence


def trend_svg(weeks: Sequence[TrendWeek], *, chart_id: str = "health-trend") -> SafeString:
    """Pairs by health, week by week, as a stacked area chart with both axes labelled. Weeks
    without a snapshot are gaps; a lone week is a column."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    largest = max((week.total for week in weeks), default=0)
    step = _nice_step(largest)
    top_value = max(step, math.ceil(largest / step) * step)
    count = len(weeks)

    def x(index: int) -> float:
        return LEFT + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / top_value)

    parts = [
        _element("title", "Pairs by health, week by week", id=f"{chart_id}-title"),
        _element("desc", trend_summary(weeks), id=f"{chart_id}-desc"),
    ]
    # Gridlines and the vertical axis: how many pairs.
    for value in range(0, top_value + 1, step):
        parts.append(
            _element(
                "line",
                class_="trend-chart__grid",
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y1=y(value),
                y2=y(value),
            )
        )
        parts.append(
            _element(
                "text",
                str(value),
                class_="trend-chart__tick",
                x=LEFT - 8,
                y=y(value) + 5,
                text_anchor="end",
            )
        )
    middle = TOP + plot_height / 2
    parts.append(
        _element("text", "Pairs", class_="trend-chart__axis", x=4, y=20, text_anchor="start")
    )
    # The areas, bottom layer first: one polygon per run of weeks with snapshots.
    for run in _runs(weeks):
        below = [0] * len(run)
        for layer in LAYERS:
            above = [below[i] + getattr(weeks[index], layer) for i, index in enumerate(run)]
            colour = HEALTH_COLOURS[layer]
            if len(run) == 1:
                height = y(below[0]) - y(above[0])
                parts.append(
                    _element(
                        "rect", x=x(run[0]) - 7, y=y(above[0]), width=14, height=height, fill=colour
                    )
                )
            else:
                outline = [(x(index), y(above[i])) for i, index in enumerate(run)]
                outline += [(x(index), y(below[i])) for i, index in reversed(list(enumerate(run)))]
                parts.append(
                    _element(
                        "polygon",
                        points=_points(outline),
                        fill=colour,
                        stroke="#fff",
                        stroke_width=1,
                    )
                )
            below = above
    # The horizontal axis: the weeks, labelled by their Monday (at most seven labels).
    parts.append(
        _element(
            "line", class_="trend-chart__axis-line", x1=LEFT, x2=WIDTH - RIGHT, y1=y(0), y2=y(0)
        )
    )
    # At most seven week labels; every other one is "minor", left out on a phone.
    every = max(1, math.ceil(count / 7))
    for number, index in enumerate(range(0, count, every)):
        anchor = "middle"
        if count > 1 and index in (0, count - 1):
            anchor = "start" if index == 0 else "end"
        minor = " trend-chart__tick--minor" if number % 2 else ""
        parts.append(
            _element(
                "text",
                _short(weeks[index].week_of),
                class_=f"trend-chart__tick{minor}",
                x=x(index),
                y=TOP + plot_height + 26,
                text_anchor=anchor,
            )
        )
    parts.append(
        _element(
            "text",
            "Week starting",
            class_="trend-chart__axis",
            x=LEFT + plot_width / 2,
            y=HEIGHT - 8,
            text_anchor="middle",
        )
    )
    if not any(week.taken_on for week in weeks):
        parts.append(
            _element(
                "text",
                "No health snapshots in this period yet",
                class_="trend-chart__empty",
                x=LEFT + plot_width / 2,
                y=middle,
                text_anchor="middle",
            )
        )
    labelled_by = f"{chart_id}-title {chart_id}-desc"
    return format_html(
        '<svg class="trend-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        HEIGHT,
        labelled_by,
        mark_safe("".join(parts)),  # noqa: S308 - every part comes from format_html
    )
