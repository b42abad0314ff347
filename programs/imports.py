"""Reading a participant CSV: columns email, name, role, and optionally department and
manager_email. Every row is checked before anything is stored; the report names each problem
by line so the admin can fix the file and upload it again."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from programs.models import EnrolmentRole

REQUIRED_COLUMNS = ("email", "name", "role")
OPTIONAL_COLUMNS = ("department", "manager_email")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
ROLE_WORDS = {"mentor": EnrolmentRole.MENTOR, "mentee": EnrolmentRole.MENTEE}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says what to change."""


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    name: str
    role: str
    department: str
    manager_email: str


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _text_lines(chunks: Iterable[bytes], size: int) -> io.TextIOBase:
    if size > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_IMPORT_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files."
        )
    data = b"".join(chunks)
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload it again."
        ) from None
    return io.StringIO(text, newline="")


def read_participant_csv(
    chunks: Iterable[bytes], size: int
) -> tuple[list[ImportRow], list[RowError]]:
    """The rows of the file and the problems found in them (rows are only usable without problems)."""
    reader = csv.reader(_text_lines(chunks, size))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    except csv.Error as error:
        raise ImportFileError(f"The file is not a readable CSV: {error}.") from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    unknown = [name for name in columns if name and name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(
                f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
            )
        if unknown:
            problems.append(
                f"unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}"
            )
        raise ImportFileError(
            f"The first row must name the columns email, name, role (and optionally department, "
            f"manager_email); this file has {'; '.join(problems)}."
        )
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    try:
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
                raise ImportFileError(
                    f"The file has more than {MAX_IMPORT_ROWS:,} rows; split it into smaller files."
                )
            record = {
                name: (values[i].strip() if i < len(values) else "")
                for i, name in enumerate(columns)
            }
            row_errors = _check_row(line, record, first_line)
            if row_errors:
                errors.extend(row_errors)
                continue
            first_line[record["email"].lower()] = line
            rows.append(
                ImportRow(
                    line=line,
                    email=record["email"].lower(),
                    name=record["name"],
                    role=ROLE_WORDS[record["role"].lower()],
                    department=record.get("department", ""),
                    manager_email=record.get("manager_email", "").lower(),
                )
            )
    except csv.Error as error:
        raise ImportFileError(
            f"The file is not a readable CSV near line {reader.line_num}: {error}."
        ) from None
    if not rows and not errors:
        raise ImportFileError("The file has a header row but no participants.")
    return rows, errors


def _check_row(line: int, record: dict[str, str], first_line: dict[str, int]) -> list[RowError]:
    errors = []
    email = record["email"]
    if not _valid_email(email):
        errors.append(
            RowError(
                line,
                "email",
                f"“{email}” is not an email address." if email else "The email is missing.",
            )
        )
    elif email.lower() in first_line:
        errors.append(
            RowError(line, "email", f"{email} is already on line {first_line[email.lower()]}.")
        )
    if not record["name"]:
        errors.append(RowError(line, "name", "The name is missing."))
    elif len(record["name"]) > 150:
        errors.append(RowError(line, "name", "Names are at most 150 characters."))
    if record["role"].lower() not in ROLE_WORDS:
        errors.append(RowError(line, "role", f"Role “{record['role']}” is not mentor or mentee."))
    if len(record.get("department", "")) > 120:
        errors.append(RowError(line, "department", "Departments are at most 120 characters."))
    manager_email = record.get("manager_email", "")
    if manager_email and not _valid_email(manager_email):
        errors.append(
            RowError(line, "manager_email", f"“{manager_email}” is not an email address.")
        )
    return errors
