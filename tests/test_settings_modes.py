"""The settings pick their servers from the environment, and production settings fail closed.

Each case loads the settings in a fresh interpreter with a cleaned environment, because settings
are read once per process and the test process already runs mentorship.settings.test.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables the settings read; a developer's shell or CI must not leak them into these cases.
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "MEDIA_ROOT",
    "EMAIL_URL",
    "CONN_MAX_AGE",
)
# Hosts under .invalid never resolve, so a case that tried to reach a server would fail loudly.
POSTGRES_URL = "postgres://u:p@db.invalid:5432/x"
REDIS_URL = "redis://r.invalid:6379/0"
PRINT_SETTINGS = """
import json
from django.conf import settings
layer = settings.CHANNEL_LAYERS["default"]
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database_name": str(settings.DATABASES["default"]["NAME"]),
    "channel_layer": layer["BACKEND"],
    "channel_layer_hosts": layer.get("CONFIG", {}).get("hosts", []),
    "broker": settings.CELERY_BROKER_URL,
}))
"""


def _environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES
    }
    environment["VAR_DIR"] = str(tmp_path / "var")
    environment.update(variables)
    return environment


def _run(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, arguments from the tests
        [sys.executable, *arguments],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(environment: dict[str, str]) -> dict[str, Any]:
    result = _run(["-c", PRINT_SETTINGS], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _production_environment(tmp_path: Path) -> dict[str, str]:
    return _environment(
        tmp_path,
        DJANGO_SETTINGS_MODULE="mentorship.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="mentorship.example.com",
        DATABASE_URL=POSTGRES_URL,
        REDIS_URL=REDIS_URL,
    )


def test_nothing_set_runs_without_servers(tmp_path: Path) -> None:
    loaded = _settings(_environment(tmp_path, DJANGO_SETTINGS_MODULE="mentorship.settings.base"))

    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert Path(loaded["database_name"]).is_relative_to(tmp_path)
    assert loaded["channel_layer"] == "channels.layers.InMemoryChannelLayer"
    assert loaded["broker"] == "filesystem://"


def test_database_and_redis_urls_switch_to_the_servers(tmp_path: Path) -> None:
    loaded = _settings(
        _environment(
            tmp_path,
            DJANGO_SETTINGS_MODULE="mentorship.settings.base",
            DATABASE_URL=POSTGRES_URL,
            REDIS_URL=REDIS_URL,
        )
    )

    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["channel_layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    # Publish/subscribe: per process one connection to publish and one to listen, whatever
    # the number of sockets.
    assert loaded["channel_layer_hosts"] == [REDIS_URL]
    assert loaded["broker"] == REDIS_URL


def test_production_settings_pass_the_deployment_checklist(tmp_path: Path) -> None:
    # The database hosts do not resolve: the checklist must not need a database connection.
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_environment(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_load_without(tmp_path: Path, missing: str) -> None:
    environment = _production_environment(tmp_path)
    del environment[missing]

    result = _run(["-c", "from django.conf import settings; settings.DEBUG"], environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
