"""docker-compose.yml is the production-shaped stack: postgres, redis, web, worker and beat.

The compose CLI (`docker compose`, or Debian's `docker-compose`) validates the file where it is
installed; .ci/run installs it, and REQUIRE_SERVICES=1 makes its absence a failure. The structural
checks always run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import require_service

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error} and $NAME; $$ escapes.
INTERPOLATION = re.compile(r"\$(?:\$|\{(?P<braced>[^}]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


def _compose_command() -> list[str] | None:
    """`docker compose` when the plugin is there, else the standalone `docker-compose`, else None."""
    docker = shutil.which("docker")
    if docker is not None:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [docker, "compose", "version"], capture_output=True, timeout=30, check=False
        )
        if result.returncode == 0:
            return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return []


def test_docker_compose_config_accepts_the_file() -> None:
    command = _compose_command()
    require_service(
        "The compose CLI",
        command is not None,
        "install the docker compose plugin or docker-compose",
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [*command, "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=BASE_DIR,
    )
    assert result.returncode == 0, result.stderr


def test_stack_has_the_five_services(compose: dict[str, Any]) -> None:
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])


@pytest.mark.parametrize("name", ["postgres", "redis", "web"])
def test_servers_declare_a_healthcheck(compose: dict[str, Any], name: str) -> None:
    healthcheck = compose["services"][name].get("healthcheck", {})
    assert healthcheck.get("test"), f"{name} has no healthcheck"
    assert not healthcheck.get("disable", False)


def test_web_healthcheck_probes_healthz(compose: dict[str, Any]) -> None:
    probe = " ".join(_strings(compose["services"]["web"]["healthcheck"]["test"]))
    assert "/healthz" in probe
    # python:3.11-slim ships no curl or wget.
    assert "curl" not in probe
    assert "wget" not in probe


def test_named_volumes_are_declared(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    assert {"postgres-data", "redis-data", "media"} <= declared
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":", 1)[0]
            if not source.startswith((".", "/", "~")):
                assert source in declared, f"{name} mounts undeclared volume {source}"


def test_data_lives_on_named_volumes(compose: dict[str, Any]) -> None:
    mounts = {
        name: [str(volume).split(":", 1)[0] for volume in service.get("volumes", [])]
        for name, service in compose["services"].items()
    }
    assert "postgres-data" in mounts["postgres"]
    assert "redis-data" in mounts["redis"]
    assert "media" in mounts["web"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_production_settings_against_the_stack(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    environment = _environment(service)
    assert "build" in service or "image" in service
    assert environment["DJANGO_SETTINGS_MODULE"] == "mentorship.settings.production"
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
        assert environment.get(required), f"{name} does not set {required}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_postgres_and_redis(
    compose: dict[str, Any], name: str
) -> None:
    depends_on = compose["services"][name].get("depends_on", {})
    assert isinstance(depends_on, dict), "the short depends_on form cannot wait for health"
    for dependency in ("postgres", "redis"):
        assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (
            f"{name} does not wait for {dependency} to be healthy"
        )


def test_web_migrates_before_serving(compose: dict[str, Any]) -> None:
    command = " ".join(_strings(compose["services"]["web"]["command"]))
    # `manage.py serve` runs daphne with the ASGI application, a process per WEB_PROCESSES.
    assert command.index("migrate") < command.index("manage.py serve")
    assert "--processes" in command


def test_beat_uses_the_database_scheduler(compose: dict[str, Any]) -> None:
    command = " ".join(_strings(compose["services"]["beat"]["command"]))
    assert "beat" in command
    assert "django_celery_beat.schedulers:DatabaseScheduler" in command


def test_local_compose_does_not_redirect_to_https(compose: dict[str, Any]) -> None:
    # Plain HTTP on localhost; production settings default to redirecting.
    value = _environment(compose["services"]["web"])["SECURE_SSL_REDIRECT"]
    assert value.endswith(":-false}") or value == "false"


def test_every_variable_has_a_default() -> None:
    """`docker compose config` must pass with nothing set, so no variable may be required."""
    for match in INTERPOLATION.finditer(COMPOSE_FILE.read_text()):
        if match.group(0) == "$$":
            continue
        expression = match.group("braced")
        assert expression is not None, f"{match.group(0)} has no default; write ${{NAME:-value}}"
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*:?-.*", expression), (
            f"${{{expression}}} has no default"
        )


def test_image_build_context_leaves_out_local_state() -> None:
    # The image installs its own .venv; a copied host .venv or var/ would clobber or leak into it.
    ignored = set((BASE_DIR / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", "test-artifacts", "__pycache__"} <= ignored
