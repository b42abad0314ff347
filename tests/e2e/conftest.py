"""Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live_server.

The live server runs in a thread of this process, so the test reads the emails it sends from
django.core.mail.outbox and shares its cache (rate limits, used TOTP codes; the suite's autouse
_fresh_cache empties it around every test) and database. Without Chromium the tests skip, or fail
when REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Error, sync_playwright

from tests.conftest import require_service

from .support import BROWSER_TIMEZONE, BrowserSession

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture(scope="package")
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop in the test thread, so Django would refuse the
    ORM calls a test makes. Allowed only while this package's tests run, so that the rest of the
    suite still catches real async-unsafe calls."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_allow_orm_beside_playwright: None) -> Iterator:
    require_service(
        "Chromium", CHROMIUM.exists(), f"install it at {CHROMIUM} (apt-get install chromium)"
    )
    for stale in ARTIFACTS.glob("*/FAILED-*.png"):
        stale.unlink()
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            require_service("Chromium", False, f"{CHROMIUM} does not start: {error.message}")
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def browser_session(request, browser, live_server) -> Iterator[BrowserSession]:
    subdir = getattr(request.module, "ARTIFACT_SUBDIR", "e2e")
    context = browser.new_context(
        viewport=DESKTOP, locale="en-GB", timezone_id=BROWSER_TIMEZONE, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    session = BrowserSession(page, live_server.url, ARTIFACTS / subdir, serves_websockets=False)
    yield session
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        session.shoot(f"FAILED-{request.node.name}")
    context.close()


@pytest.fixture
def demo_organization(transactional_db):
    """The demo organisation as `make run` seeds it (committed, so the live server sees it)."""
    from django.core.management import call_command

    from organizations.models import Organization

    call_command("seed_demo", quiet=True)
    return Organization.objects.get(slug="demo")


def _fresh_channel_layers() -> None:
    """In the forked server: forget what belongs to the parent's threads and event loops. A fork
    copies asgiref's single database thread as an executor whose thread no longer exists (every
    database call would wait forever), and channel layers whose Redis connections belong to the
    parent's loops."""
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    channel_layers.backends = {}


@pytest.fixture
def asgi_live_server(transactional_db):
    """The real ASGI application (HTTP and websockets) served by daphne in a child process, on
    the test database. The child shares the database, so it must be a server: PostgreSQL."""
    from functools import partial

    from channels.testing.live import make_application
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connection, connections

    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "set DATABASE_URL: the live chat server runs in another process and needs a real database",
    )
    connections.close_all()
    # Forked: the child already points at the test database, as the parent does.
    process = DaphneProcess(
        "127.0.0.1",
        partial(make_application, static_wrapper=ASGIStaticFilesHandler),
        setup=_fresh_channel_layers,
    )
    process.start()
    while not process.ready.wait(timeout=1):
        if not process.is_alive():
            raise RuntimeError("The live chat server stopped before it was ready.")
    yield f"http://127.0.0.1:{process.port.value}"
    process.terminate()
    process.join()
