"""Every response tells the browser to run no inline script, to stay out of frames, not to sniff
types and to keep the path to itself; stored files keep their sandbox; production adds HSTS.
No template brings back an inline script or event handler (the policy would refuse it and the
page would break silently)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import allauth
import django
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient, Client, override_settings

from messaging import services as messaging_services
from tests.conftest import logged_in_api_client, logged_in_client
from tests.messaging.conftest import chat  # noqa: F401 - the fixture
from tests.test_settings_modes import _production_environment, _run

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def assert_browser_headers(response) -> None:
    """What every response says, whoever asked and whatever it holds."""
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def assert_page_policy(
    response, *, websocket: str = "ws://testserver", style_attributes: bool = False
) -> None:
    """The policy of our pages; `style_attributes` for the pages we do not write (Django's
    admin, Swagger UI), which may set style attributes and nothing else more."""
    assert_browser_headers(response)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy.get("style-src-attr") == (["'unsafe-inline'"] if style_attributes else None)
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'", websocket]
    for sources in policy.values():
        assert "'unsafe-eval'" not in sources
        assert "*" not in sources


def test_a_public_page(client: Client, db) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert_page_policy(response)


def test_an_organisation_page_of_a_signed_in_member(world) -> None:
    response = logged_in_client(world.alpha_member).get("/o/alpha/")

    assert response.status_code == 200
    assert world.alpha.name in response.content.decode()
    assert_page_policy(response)


def test_an_api_response(world) -> None:
    response = logged_in_api_client(world.alpha_member).get("/api/v1/orgs/alpha/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_page_policy(response)


@pytest.mark.parametrize("path", ["/o/alpha/no-such-page/", "/api/v1/orgs/alpha/no-such-thing/"])
def test_a_not_found_answer(world, path: str) -> None:
    response = logged_in_client(world.alpha_member).get(path)

    assert response.status_code == 404
    assert_page_policy(response)


def test_a_stored_file_keeps_its_sandbox(chat, settings) -> None:  # noqa: F811
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    mw, _, conversation = chat
    message, _ = messaging_services.message_send(
        membership=mw.members["mentee0"],
        conversation=conversation,
        body="",
        files=[SimpleUploadedFile("notes.pdf", PDF)],
    )
    [attachment] = messaging_services.message_payload(message)["attachments"]

    response = logged_in_client(mw.members["mentor0"].user).get(attachment["url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Security-Policy"] == FILE_POLICY
    assert_browser_headers(response)


def test_the_api_documentation_runs_under_the_same_policy(client: Client, db) -> None:
    page = client.get("/api/docs/")

    assert page.status_code == 200
    assert_page_policy(page, style_attributes=True)
    body = page.content.decode()
    assert inline_code_problems(body) == []
    [start_up] = re.findall(r'<script src="(/api/docs/\?[^"]+)"', body)
    script = client.get(start_up)
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle(" in script.content.decode()


def test_a_page_over_https_allows_its_secure_websockets(client: Client, db) -> None:
    response = client.get("/accounts/login/", secure=True)

    assert_page_policy(response, websocket="wss://testserver")


def test_an_unknown_host_still_gets_the_policy(client: Client, db) -> None:
    response = client.get("/accounts/login/", headers={"host": "evil.example"})

    assert response.status_code == 400
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]


@pytest.mark.django_db(transaction=True)
async def test_the_asgi_server_sends_the_same_headers() -> None:
    response = await AsyncClient().get("/accounts/login/")

    assert response.status_code == 200
    assert_page_policy(response)


PRODUCTION_SECURITY_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


@pytest.fixture(scope="module")
def production_security_settings(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The production settings' security values, read in a fresh interpreter (settings load once
    per process, and this one runs the test settings)."""
    names = ", ".join(repr(name) for name in PRODUCTION_SECURITY_SETTINGS)
    result = _run(
        [
            "-c",
            "import json; from django.conf import settings; "
            f"print(json.dumps({{name: getattr(settings, name) for name in ({names})}}))",
        ],
        _production_environment(tmp_path_factory.mktemp("production")),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_sends_hsts_over_https_and_redirects_plain_http(
    production_security_settings: dict, db
) -> None:
    values = {**production_security_settings}
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    with override_settings(**values):
        client = Client()
        secure = client.get("/accounts/login/", secure=True)
        behind_the_proxy = client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
        plain = client.get("/accounts/login/")

    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_page_policy(secure, websocket="wss://testserver")
    assert secure.cookies["csrftoken"]["secure"]
    assert behind_the_proxy["Strict-Transport-Security"].startswith("max-age=31536000")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"


ADMIN_TEMPLATES = Path(django.__file__).parent / "contrib" / "admin" / "templates"
# Templates the platform renders: its own, and the packages' it does not override.
TEMPLATE_FOLDERS = (
    Path(settings.BASE_DIR) / "templates",
    Path(allauth.__file__).parent / "templates",
    ADMIN_TEMPLATES,
)
# Emails are no web page: no policy applies to them, and mail clients want inline styles.
EMAIL_FOLDER = re.compile(r"(^|/)emails?/")
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# Scripts that carry data (json_script, allauth's onload settings) are never run.
DATA_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"(?:^|\s)(on[a-z]+)\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)
HTMX_EVAL = re.compile(
    r"""\bhx-on\b|\bhx-on[:-]|\bhx-(?:vals|vars)\s*=\s*["'][^"']*\b(?:js|javascript):""",
    re.IGNORECASE,
)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.IGNORECASE)


def inline_code_problems(text: str, *, styles_allowed: bool = False) -> list[str]:
    """What the Content-Security-Policy would refuse in this HTML: inline scripts, event handler
    attributes, javascript: URLs, htmx attributes that need eval, <style> elements and style
    attributes."""
    problems = []
    for attributes in SCRIPT.findall(text):
        if not re.search(r"\bsrc\s*=", attributes) and not DATA_SCRIPT_TYPE.search(attributes):
            problems.append(f"inline <script{attributes}>")
    for name, attributes in TAG.findall(text):
        problems.extend(f"{handler}= on <{name}>" for handler in EVENT_HANDLER.findall(attributes))
        if JAVASCRIPT_URL.search(attributes):
            problems.append(f"javascript: URL on <{name}>")
        if HTMX_EVAL.search(attributes):
            problems.append(f"htmx attribute that needs eval on <{name}>")
        if not styles_allowed and STYLE_ATTRIBUTE.search(attributes):
            problems.append(f"style attribute on <{name}>")
    if not styles_allowed and STYLE_ELEMENT.search(text):
        problems.append("<style> element")
    return problems


def test_the_scanner_finds_what_the_policy_refuses() -> None:
    found = inline_code_problems(
        '<script>alert(1)</script><script\n  type="module">x()</script>'
        '<button type="button" onclick="go()">Go</button><img src="x.png"\n onerror="steal()">'
        '<a href="javascript:void(0)">x</a><div hx-on:click="x()"></div>'
        "<form hx-post=\"/x\" hx-vals='js:{a: b()}'></form><style>p {}</style>"
        '<span class="bar" style="width: 40%"></span>'
    )

    assert len(found) == 9, found
    assert (
        inline_code_problems(
            '<script src="/static/js/app.js" defer></script><script type="application/json">{}'
            '</script><a href="/online/" data-confirm="Go on?">Online</a><p>Click on = go</p>'
        )
        == []
    )


def test_no_template_carries_inline_script() -> None:
    problems = []
    for folder in TEMPLATE_FOLDERS:
        templates = sorted(folder.rglob("*.html"))
        assert templates, folder
        for template in templates:
            relative = template.relative_to(folder).as_posix()
            if folder != TEMPLATE_FOLDERS[0] and (TEMPLATE_FOLDERS[0] / relative).exists():
                continue  # ours overrides it (and is scanned)
            # The admin's change list has a style element only for a ModelAdmin that turns off
            # both action bars, which none of ours does.
            styles_allowed = folder == ADMIN_TEMPLATES or bool(EMAIL_FOLDER.search(relative))
            found = inline_code_problems(
                template.read_text(encoding="utf-8"), styles_allowed=styles_allowed
            )
            problems.extend(f"{template}: {problem}" for problem in found)

    assert problems == []
