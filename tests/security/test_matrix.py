"""Request every cell of the authorisation matrix (tests/security/matrix.py): each route x each
role x each method it declares, and compare the answer with the row. A route, a method of an
API view or a websocket action without a row fails the suite.

The matrix's world is built once for the module inside a transaction rolled back at its end;
each request runs in a savepoint rolled back after it, so no cell sees another's effects (the
mutating requests of allowed roles included). Websockets: tests/security/test_matrix_websockets.py.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from tests.security import matrix_world as pair_words
from tests.security.matrix import (
    ANSWERS,
    ERROR,
    FORBIDDEN,
    INVALID,
    LOGIN,
    METHOD,
    NOT_FOUND,
    OK,
    PREFIX_ROWS,
    PRIVATE_WORDS,
    REFUSED,
    ROWS,
    Bug,
    Row,
)
from tests.security.matrix_world import (
    MENTEE,
    MENTOR,
    PARTICIPANT,
    PM1,
    PM2,
    ROLES,
    MatrixWorld,
    build_matrix_world,
)
from tests.security.routes import GLOBAL_PREFIXES, GLOBAL_ROUTES, TENANT_ROUTES
from tests.security.test_isolation_walk import all_routes

UNSAFE = ("post", "put", "patch", "delete")
# The body of unsafe requests that do not bring their own (Row.data): fields of many forms, with
# values the requester should not be able to set (a member making themselves report viewer...).
HOSTILE = {
    "role": "report_viewer",
    "email": "intruder@example.com",
    "name": "Hijacked",
    "title": "Hijacked",
    "body": "Hijacked",
    "text": "Hijacked",
    "reason": "Hijacked",
    "status": "completed",
    "message": "Hijacked",
    "label": "Hijacked",
}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Written by any signed-in request; nothing of the organisation's.
BOOKKEEPING_TABLES = frozenset({"django_session"})


@dataclass(frozen=True)
class Observed:
    answer: str
    status: int | None
    leaks: tuple[str, ...]  # private words the role may not read, found in the answer
    changed: tuple[str, ...]  # tables the request changed (checked when it was refused)
    error: str = ""  # the exception out of the view, if one was


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker) -> Iterator[tuple[MatrixWorld, dict[str, Client]]]:
    """The matrix's world, built once for the module and rolled back at its end."""
    # The people confirmed their password when signed in (matrix_world.MatrixWorld.client);
    # for the module's run, that counts as recent.
    with (
        django_db_blocker.unblock(),
        override_settings(ACCOUNT_REAUTHENTICATION_TIMEOUT=24 * 3600),
        transaction.atomic(),
    ):
        built = build_matrix_world()
        clients = {role: built.client(role) for role in ROLES}
        yield built, clients
        transaction.set_rollback(True)


@contextmanager
def permission_denials() -> Iterator[list[PermissionDenied]]:
    """Every PermissionDenied made meanwhile: web actions turn theirs into an error message on
    the page they redirect to, which a status code alone does not tell from a success."""
    raised: list[PermissionDenied] = []

    def record(self, *args) -> None:
        raised.append(self)
        Exception.__init__(self, *args)

    PermissionDenied.__init__ = record
    try:
        yield raised
    finally:
        del PermissionDenied.__init__


def _is_login(location: str) -> bool:
    return location.split("?")[0].rstrip("/").endswith("/login")


def _error_messages(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(message.level >= messages.ERROR for message in queued)


def answer_of(response, denied: bool) -> str:
    status = response.status_code
    if status == 401 or (300 <= status < 400 and _is_login(response.get("Location", ""))):
        return LOGIN
    if status in (403, 404, 405):
        return {403: FORBIDDEN, 404: NOT_FOUND, 405: METHOD}[status]
    if status >= 500:
        return ERROR
    if denied and (300 <= status < 400 or status == 400):
        return FORBIDDEN
    if 300 <= status < 400 and _error_messages(response):
        return REFUSED
    if status >= 400:
        return INVALID
    return OK


def matches(expected: str, observed: str, method: str) -> bool:
    """An unsafe request of an allowed role may be refused by the form or by the object's state
    (the test's body is not a real one): it got past the access checks all the same."""
    if expected == OK and method in UNSAFE:
        return observed in (OK, INVALID, REFUSED)
    return observed == expected


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    try:
        if "spreadsheetml" in kind:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True)
            return "\n".join(
                str(value)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if value is not None
            )
        if "pdf" in kind:
            from pypdf import PdfReader

            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    except Exception:  # a file uploaded as a PDF (or a spreadsheet) need not be one
        return content.decode(errors="replace")
    return content.decode(errors="replace")


def _rows_of(tables: set[str]) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[table] = sorted(map(repr, cursor.fetchall()))
    return found


def _send(client: Client, method: str, url: str, body: dict, *, api: bool):
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, data=body)


def request_cell(
    client: Client, role: str, method: str, url: str, body: dict, *, api: bool, row: Row
) -> Observed:
    """One cell's request, in a savepoint rolled back afterwards. When it was refused, the
    tables it wrote to are compared before and after."""
    connection.queries_log.clear()
    changed: tuple[str, ...] = ()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, permission_denials() as denied:
            try:
                response = _send(client, method, url, body, api=api)
            except Exception as error:  # out of a view: a 500
                transaction.set_rollback(True)
                return Observed(ERROR, None, (), (), error=repr(error)[:300])
        answer = answer_of(response, bool(denied))
        text = _text(response)
        written = {
            match.group(1)
            for query in queries.captured_queries
            if (match := WRITE.match(query["sql"]))
        } - BOOKKEEPING_TABLES
        after = _rows_of(written) if written and answer != OK else {}
        transaction.set_rollback(True)
    if after:
        before = _rows_of(set(after))
        changed = tuple(table for table in after if after[table] != before[table])
    leaks = ()
    if not row.secret_link:
        leaks = tuple(
            words
            for words, readers in PRIVATE_WORDS.items()
            if role not in readers and words in text
        )
    return Observed(answer, response.status_code, leaks, changed)


def _url(name: str, matrix_world: MatrixWorld) -> str:
    kwargs = matrix_world.kwargs.get(name, {})
    if name in TENANT_ROUTES:
        kwargs = {"org_slug": matrix_world.world.alpha.slug, **kwargs}
    return reverse(name, kwargs=kwargs)


def _body(row: Row, matrix_world: MatrixWorld) -> dict:
    if row.data is None:
        return HOSTILE
    return dict(row.data(matrix_world) if callable(row.data) else row.data)


# One route of each third-party family, by its name.
PREFIX_CASES: dict[str, Row] = dict(
    entry for entry in PREFIX_ROWS.values() if not isinstance(entry, str)
)


@pytest.mark.parametrize("name", sorted(ROWS) + sorted(PREFIX_CASES))
def test_route_answers_each_role_as_declared(matrix, db, name):
    """Every role and method of one route; all wrong cells are listed in one failure."""
    matrix_world, clients = matrix
    row = ROWS.get(name) or PREFIX_CASES[name]
    api = name.startswith("api_")
    url = _url(name, matrix_world)
    body = _body(row, matrix_world)
    wrong: list[str] = []
    known: list[str] = []
    for method, answers in row.methods(web=not api).items():
        assert set(answers) == set(ROLES), f"{name} {method}: the row must name every role"
        for role in ROLES:
            cell = answers[role]
            session = clients[role].cookies.get(settings.SESSION_COOKIE_NAME)
            observed = request_cell(clients[role], role, method, url, body, api=api, row=row)
            if row.ends_session and session is not None:
                # The sign-out was rolled back with the request: the session is back.
                clients[role].cookies[settings.SESSION_COOKIE_NAME] = session.value
            where = f"{method.upper()} {url} as {role}"
            if isinstance(cell, Bug) and cell.databases and connection.vendor not in cell.databases:
                cell = cell.expected
            if isinstance(cell, Bug):
                assert cell.expected in ANSWERS and cell.actual in (*ANSWERS, ERROR)
                if matches(cell.actual, observed.answer, method):
                    known.append(f"{where}: {cell.issue}")
                elif matches(cell.expected, observed.answer, method):
                    wrong.append(f"{where}: answers {cell.expected} now; remove the Bug marker")
                else:
                    wrong.append(f"{where}: expected {cell.actual} (known bug), got {observed}")
            elif not matches(cell, observed.answer, method):
                got = observed.error or observed.status
                wrong.append(f"{where}: expected {cell}, got {observed.answer} ({got})")
            if observed.leaks:
                wrong.append(f"{where}: shows words private to others: {observed.leaks}")
            if observed.changed:
                wrong.append(f"{where}: refused ({observed.answer}) yet changed {observed.changed}")
    assert not wrong, f"{name}: {len(wrong)} wrong cells:\n" + "\n".join(wrong)
    if known:
        pytest.xfail(f"{name}: known bugs:\n" + "\n".join(known))


def test_every_route_has_a_row():
    """As the isolation walk walks them: every URL pattern, third-party families by prefix."""
    missing, families = [], set()
    for route, name in all_routes():
        prefix = next((p for p in GLOBAL_PREFIXES if route.startswith(p)), None)
        if prefix is not None:
            families.add(prefix)
        elif name not in ROWS:
            missing.append(f"{name or '(unnamed)'}: /{route}")
    assert not missing, (
        "Routes without a row in tests/security/matrix.py (say what each role gets):\n"
        + "\n".join(missing)
    )
    assert families <= set(PREFIX_ROWS), (
        f"Route families without a row: {families - set(PREFIX_ROWS)}"
    )
    assert set(GLOBAL_PREFIXES) == set(PREFIX_ROWS)
    routed = {name for _, name in all_routes()}
    assert not set(ROWS) - routed, f"Rows of routes that no longer exist: {set(ROWS) - routed}"
    assert set(ROWS) == set(TENANT_ROUTES) | set(GLOBAL_ROUTES)


def test_api_rows_declare_every_method_their_view_implements(matrix, db):
    matrix_world, _ = matrix
    wrong = []
    for name, row in ROWS.items():
        view = resolve(_url(name, matrix_world)).func
        view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
        if view_class is None:
            assert not name.startswith("api_"), f"{name}: an API route with no view class"
            continue
        implemented = {method for method in UNSAFE if hasattr(view_class, method)}
        declared = {method for method in row.methods(web=False) if method in UNSAFE}
        if implemented != declared:
            wrong.append(
                f"{name}: the view implements {sorted(implemented)}, the row declares {sorted(declared)}"
            )
    assert not wrong, "\n".join(wrong)


def _through_p2(name: str, matrix_world: MatrixWorld) -> list[dict]:
    """The route's URL kwargs with P2 (and P2's cohort) in place of P1 (and P1's cohort), for
    routes that name an object of P1 beneath its program: P2's manager runs P2, so only the
    object's own program can refuse them."""
    kwargs = matrix_world.kwargs.get(name, {})
    variants = [{**kwargs, "program_id": matrix_world.other_program.pk}]
    if "cohort_id" in kwargs and len(kwargs) > 2:
        variants.append({**variants[0], "cohort_id": matrix_world.other_cohort.pk})
    return variants


def _names_an_object_beneath_a_program(route: str) -> bool:
    parameters = set(re.findall(r"<\w+:(\w+)>", route)) - {"org_slug", "moment"}
    return "program_id" in parameters and len(parameters) > 1


CROSS_PROGRAM = sorted(
    name
    for route, name in all_routes()
    if name in ROWS and _names_an_object_beneath_a_program(route)
)


@pytest.mark.parametrize("name", CROSS_PROGRAM)
def test_p1_objects_are_not_found_under_p2(matrix, db, name):
    """P2's manager asks for one of P1's objects (a cohort, a question, a run, a template...)
    under P2's URL: refused whatever the method, 404 (or 403 where P2's manager may not use
    the route at all, 405 where GET is not one of its methods), and nothing changes."""
    matrix_world, clients = matrix
    row = ROWS[name]
    api = name.startswith("api_")
    body = _body(row, matrix_world)
    wrong = []
    for kwargs in _through_p2(name, matrix_world):
        url = reverse(name, kwargs={"org_slug": matrix_world.world.alpha.slug, **kwargs})
        for method in row.methods(web=not api):
            observed = request_cell(clients[PM2], PM2, method, url, body, api=api, row=row)
            allowed = (NOT_FOUND, FORBIDDEN, METHOD) if method == "get" else (NOT_FOUND, FORBIDDEN)
            if observed.answer not in allowed or observed.changed or observed.leaks:
                wrong.append(f"{method.upper()} {url}: {observed}")
    assert not wrong, f"{name}: P1's object reached under P2:\n" + "\n".join(wrong)


# Where a reader of each private word reads it: the leak checks above look for words that are
# really on the platform's pages.
PRIVATE_WORDS_SHOWN = {
    pair_words.MESSAGE_WORDS: ("api_conversation_messages", MENTOR),
    pair_words.AGREEMENT_WORDS: ("api_agreement", MENTOR),
    pair_words.PRIVATE_NOTE_WORDS: ("api_meeting_private_note", MENTEE),
    pair_words.MEETING_NOTES_WORDS: ("api_meeting_notes", MENTEE),
    pair_words.MEETING_TITLE_WORDS: ("meetings:detail", MENTOR),
    pair_words.MEETING_AGENDA_WORDS: ("api_meeting", MENTOR),
    pair_words.GOAL_WORDS: ("goals:goal", MENTOR),
    pair_words.MILESTONE_WORDS: ("api_goal_milestones", MENTEE),
    pair_words.COMMENT_WORDS: ("api_milestone_comments", MENTOR),
    pair_words.CHECK_IN_WORDS: ("goals:check_ins", MENTOR),
    pair_words.NOTE_TO_MANAGERS_WORDS: ("api_check_ins", PM1),
    pair_words.SHARED_DOCUMENT_WORDS: ("resources:shared", MENTOR),
    pair_words.REPORT_WORDS: ("messaging:reports", PM1),
    pair_words.NUDGE_WORDS: ("nudges:mentorship_log", PM1),
    pair_words.PROGRAM_WORDS: ("programs:my_programs", PARTICIPANT),
    pair_words.OTHER_PROGRAM_WORDS: ("programs:list", PM2),
}


def test_private_words_are_shown_to_their_readers(matrix, db):
    """Positive control of the leak checks: each private word is on a page its reader opens."""
    matrix_world, clients = matrix
    assert set(PRIVATE_WORDS_SHOWN) == set(PRIVATE_WORDS)
    missing = []
    for words, (name, role) in PRIVATE_WORDS_SHOWN.items():
        assert role in PRIVATE_WORDS[words]
        response = clients[role].get(_url(name, matrix_world))
        if response.status_code != 200 or words not in _text(response):
            missing.append(f"{words!r} not on {name} for {role} ({response.status_code})")
    assert not missing, "\n".join(missing)
