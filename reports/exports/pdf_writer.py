"""The progress report as a short PDF (one or two pages): the filters, the key figures, four
charts (health, meetings and messages per mentorship, goals and milestones) and the pairs that
need attention, by name and health only. Drawn with reportlab (pure Python, its own charts).

Every name is escaped before it reaches reportlab's paragraph markup."""

from __future__ import annotations

import datetime
import io
from html import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.exports.summary import (
    MEETING_BUCKETS,
    MESSAGE_BUCKETS,
    Tally,
    bucket_counts,
    exported_at_text,
)

PDF_CONTENT_TYPE = "application/pdf"
EMPTY_TEXT = "No mentorships match these filters."

INK = colors.HexColor("#1F3864")
FILL = colors.HexColor("#DCE6F1")
HEALTH_COLOURS = {
    "On track": colors.HexColor("#2E7D32"),
    "Needs attention": colors.HexColor("#F9A825"),
    "At risk": colors.HexColor("#C62828"),
}
WIDTH = A4[0] - 36 * mm


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], textColor=INK, spaceAfter=2),
        "heading": ParagraphStyle(
            "heading", parent=sheet["Heading2"], textColor=INK, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=9, leading=12),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8, leading=10),
        "muted": ParagraphStyle(
            "muted", parent=sheet["BodyText"], fontSize=8, leading=10, textColor=colors.grey
        ),
    }


def _grid(rows: list[list], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), FILL),
            ("TEXTCOLOR", (0, 0), (-1, 0), INK),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ]
    table.setStyle(TableStyle(style))
    return table


def _bar_chart(
    title: str, pairs: list[tuple[str, int]], *, width: float, height: float = 52 * mm,
    bar_colours: list | None = None, horizontal: bool = False,
) -> Drawing:  # fmt: skip
    drawing = Drawing(width, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    left = 30 * mm if horizontal else 10 * mm
    chart.x, chart.y = left, 10 * mm
    chart.width, chart.height = width - left - 4 * mm, height - 20 * mm
    chart.data = [[value for _, value in pairs]]
    chart.categoryAxis.categoryNames = [label for label, _ in pairs]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    highest = max((value for _, value in pairs), default=0)
    chart.valueAxis.valueMax = max(highest, 1) * 1.15
    chart.valueAxis.valueStep = _step(highest)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    chart.bars[0].fillColor = INK
    chart.bars[0].strokeColor = None
    for index, colour in enumerate(bar_colours or []):
        chart.bars[(0, index)].fillColor = colour
    drawing.add(chart)
    drawing.add(String(0, height - 6 * mm, title, fontName="Helvetica-Bold", fontSize=9,
                       fillColor=INK))  # fmt: skip
    return drawing


def _step(highest: int) -> int:
    """A round step giving at most about five gridlines."""
    step = 1
    while highest / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if highest / step <= 5:
                break
    return step


def progress_pdf(
    *,
    organization_name: str,
    about: list[tuple[str, str]],
    tally: Tally,
    exported_at: datetime.datetime,
    compress: bool = True,
) -> bytes:
    """The PDF's bytes. `about` is the filters and who exported it (as on the Filters sheet)."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=16 * mm, title="Mentorship progress report", author=organization_name,
        pageCompression=1 if compress else 0, invariant=0 if compress else 1,
    )  # fmt: skip
    story: list = [
        Paragraph("Mentorship progress report", styles["title"]),
        Paragraph(f"{escape(organization_name)} · {exported_at_text(exported_at)}", styles["body"]),
        Spacer(1, 4 * mm),
        _grid(
            [[label, Paragraph(escape(value), styles["small"])] for label, value in about],
            [32 * mm, WIDTH - 32 * mm],
            header=False,
        ),
    ]
    if not tally.rows:
        story += [Spacer(1, 10 * mm), Paragraph(EMPTY_TEXT, styles["heading"])]
        document.build(story)
        return buffer.getvalue()

    # The totals on the left, the mentorships by status on the right.
    totals, statuses = tally.totals(), tally.status_counts()
    cells = [
        [*totals[n], *(statuses[n] if n < len(statuses) else ("", ""))] for n in range(len(totals))
    ]
    cells = [[a, f"{b:,}", c, f"{d:,}" if d != "" else ""] for a, b, c, d in cells]
    story += [
        Paragraph("Key figures", styles["heading"]),
        _grid(
            cells,
            [WIDTH * 0.32, WIDTH * 0.18, WIDTH * 0.32, WIDTH * 0.18],
            header=False,
        ),
        Paragraph("Charts", styles["heading"]),
    ]
    half_width = WIDTH / 2
    health = tally.health_counts()
    health[-1] = ("No health", health[-1][1])
    goals = [
        ("Goals set", tally.goals_set),
        ("Goals achieved", tally.goals_achieved),
        ("Milestones done", tally.milestones_done),
        ("Milestones overdue", tally.milestones_overdue),
    ]
    charts = [
        [
            _bar_chart("Health (latest snapshot)", health, width=half_width,
                       bar_colours=[HEALTH_COLOURS.get(label, colors.grey) for label, _ in health]),
            _bar_chart("Goals and milestones", goals, width=half_width, horizontal=True),
        ],
        [
            _bar_chart("Mentorships by meetings held",
                       bucket_counts(tally.meetings_buckets, MEETING_BUCKETS), width=half_width),
            _bar_chart("Mentorships by messages sent",
                       bucket_counts(tally.messages_buckets, MESSAGE_BUCKETS), width=half_width),
        ],
    ]  # fmt: skip
    story.append(Table(charts, colWidths=[half_width, half_width]))

    story.append(Paragraph("Pairs needing attention", styles["heading"]))
    attention = tally.needing_attention()
    if not attention:
        story.append(Paragraph("No pair is at risk or needs attention.", styles["body"]))
    else:
        rows = [["Mentor", "Mentees", "Program · cohort", "Health"]]
        for row in attention:
            rows.append(
                [
                    Paragraph(escape(row.mentor), styles["small"]),
                    Paragraph(escape(row.mentees), styles["small"]),
                    Paragraph(escape(f"{row.program} · {row.cohort}"), styles["small"]),
                    row.health,
                ]
            )
        story.append(_grid(rows, [WIDTH * 0.26, WIDTH * 0.3, WIDTH * 0.3, WIDTH * 0.14]))
        shown = len(attention)
        total = tally.attention_total
        if total > shown:
            story.append(
                Paragraph(
                    f"The {shown} listed first (at risk, then needing attention); "
                    f"{total - shown:,} more in the CSV or XLSX export.",
                    styles["muted"],
                )
            )
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            "Counts only: no message, goal or note text is ever part of this report.",
            styles["muted"],
        )
    )
    document.build(story)
    return buffer.getvalue()
