"""The progress report as a workbook: "Progress" (the rows), "Summary" (counts by status and
health, and the totals) and "Filters" (the filters, who exported it and when).

xlsxwriter in constant-memory mode: each row goes to a temporary file as it is written, so
memory stays flat however many rows there are; the workbook itself is written into the file
object given (a temporary file the view then streams). Text is never turned into a formula or
a link, whatever a name starts with."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO

import xlsxwriter

from organizations.models import Membership, Organization
from reports.exports.summary import Tally, describe_filters, exported_at_text
from reports.filters import ReportFilters
from reports.progress import ProgressRow, progress_chunks, progress_headers

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "in_memory": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "default_date_format": "yyyy-mm-dd",
}

HEADER_FORMAT = {
    "bold": True,
    "bg_color": "#DCE6F1",
    "font_color": "#1F3864",
    "bottom": 1,
    "text_wrap": True,
    "valign": "top",
}

# Column widths of the progress sheet, by header; others get DEFAULT_WIDTH.
WIDTHS = {
    "Mentorship ID": 13,
    "Program": 28,
    "Cohort": 22,
    "Mentor": 26,
    "Mentees": 30,
    "Departments": 26,
    "Started on": 12,
    "Ends on": 12,
    "Ended on": 12,
    "Status": 13,
    "Health": 16,
}
DEFAULT_WIDTH = 12


def _sheet_with_header(workbook, name: str, headers: Sequence[str], header_format, widths=None):
    sheet = workbook.add_worksheet(name)
    for column, header in enumerate(headers):
        width = (widths or {}).get(header, DEFAULT_WIDTH)
        sheet.set_column(column, column, width)
    sheet.set_row(0, 30 if widths else None)
    sheet.write_row(0, 0, headers, header_format)
    sheet.freeze_panes(1, 0)
    return sheet


def write_rows(sheet, rows: Iterable[Sequence], first_row: int = 1) -> int:
    """Write the rows' cells below the header; returns how many rows were written. The same
    code writes the export's rows and the benchmark's in-memory baseline."""
    write_row = sheet.write_row
    number = first_row
    for row in rows:
        write_row(number, 0, row)
        number += 1
    return number - first_row


def write_progress_workbook(
    target: IO[bytes] | str,
    *,
    headers: Sequence[str],
    chunks: Iterable[list[ProgressRow]],
    about: list[tuple[str, str]],
) -> Tally:
    """Write the three sheets into `target` (the rows come chunk by chunk, as
    progress_chunks gives them); `about` is the Filters sheet's lines. Returns the tally of the
    rows."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    header_format = workbook.add_format(HEADER_FORMAT)
    progress = _sheet_with_header(workbook, "Progress", headers, header_format, WIDTHS)
    summary = workbook.add_worksheet("Summary")
    filters_sheet = workbook.add_worksheet("Filters")
    tally = Tally()
    count = 0
    for chunk in tally.counting(chunks):
        count += write_rows(progress, chunk, first_row=count + 1)
        del chunk  # one chunk in memory at a time
    progress.autofilter(0, 0, max(count, 1), len(headers) - 1)

    summary.set_column(0, 0, 44)
    summary.set_column(1, 1, 14)
    line = 0
    for title, pairs in (
        ("Status", tally.status_counts()),
        ("Health (latest daily snapshot)", tally.health_counts()),
        ("Totals", tally.totals()),
    ):
        summary.write_row(
            line, 0, (title, "Mentorships" if title != "Totals" else ""), header_format
        )
        line += 1
        for label, value in pairs:
            summary.write_row(line, 0, (label, value))
            line += 1
        line += 1

    filters_sheet.set_column(0, 0, 18)
    filters_sheet.set_column(1, 1, 60)
    filters_sheet.write_row(0, 0, ("Filter", "Value"), header_format)
    for number, (label, value) in enumerate(about, start=1):
        filters_sheet.write_row(number, 0, (label, value))
    filters_sheet.write_row(len(about) + 1, 0, ("Rows", tally.rows))
    workbook.close()
    return tally


def about_export(
    membership: Membership, organization: Organization, filters: ReportFilters,
    exported_at: datetime.datetime,
) -> list[tuple[str, str]]:  # fmt: skip
    user = membership.user
    who = f"{user.full_name} <{user.email}>" if user.full_name else user.email
    return [
        *describe_filters(organization, filters),
        ("Exported by", who),
        ("Exported at", exported_at_text(exported_at)),
    ]


def progress_workbook_file(
    membership: Membership, filters: ReportFilters, exported_at: datetime.datetime
) -> tuple[IO[bytes], Tally]:
    """The progress workbook in a temporary file (removed when closed), at its start."""
    organization = membership.organization
    target = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    try:
        tally = write_progress_workbook(
            target,
            headers=progress_headers(),
            chunks=progress_chunks(organization, filters),
            about=about_export(membership, organization, filters, exported_at),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, tally
