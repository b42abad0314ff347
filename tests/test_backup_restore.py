"""Backup and restore round trip: `manage.py backup` of the demo organisation, `manage.py restore`
into a fresh database on the same server, and every table, sequence and uploaded file comes back
identical; the restored database then serves the demo and has no migration left to apply.

PostgreSQL only (pg_dump / pg_restore): skipped on SQLite, a failure when REQUIRE_SERVICES=1.
The test is transactional because pg_dump only sees committed rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, models

from mentorship.management.commands.backup import postgres_program
from mentorship.management.commands.seed_demo import DEMO_SLUG
from organizations.models import Membership, Organization
from programs.models import Mentorship
from resources.models import Resource
from tests.conftest import require_service

RESTORED = "restored"

TableSnapshot = dict[str, tuple[int, str]]


def require_postgres() -> None:
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "set DATABASE_URL: backups are pg_dump / pg_restore archives",
    )
    for program in ("pg_dump", "pg_restore"):
        try:
            postgres_program(program)
        except CommandError as error:
            require_service(program, False, str(error))


@pytest.fixture
def media_on_disk(settings, tmp_path) -> Path:
    """Uploads written to a real MEDIA_ROOT, as on a server (the suite keeps them in memory)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def restored_database(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A fresh, empty database on the same server as connections[RESTORED]; dropped afterwards,
    also when the test fails. Module-scoped so that it exists before the test's database setup,
    which must allow the alias, and outlives its teardown."""
    require_postgres()
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    quoted = connection.ops.quote_name(name)
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")
    connections.databases[RESTORED] = {**connection.settings_dict, "NAME": name}
    try:
        yield RESTORED
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        del connections.databases[RESTORED]
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def table_snapshot(alias: str) -> TableSnapshot:
    """Every table's row count and a checksum of the text of all its rows (ids included)."""
    database = connections[alias]
    snapshot: TableSnapshot = {}
    with database.cursor() as cursor:
        for table in database.introspection.table_names(cursor):
            quoted = database.ops.quote_name(table)
            # The rows' text in a fixed (byte) order: equal checksums mean equal rows, ids included.
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(row_text, E'\\n' "  # noqa: S608 - a table name from introspection, quoted
                "ORDER BY row_text COLLATE \"C\"), '')) "
                f"FROM (SELECT t::text AS row_text FROM {quoted} AS t) AS r"
            )
            snapshot[table] = cursor.fetchone()
    return snapshot


def sequence_snapshot(alias: str) -> dict[str, int | None]:
    """Where every id sequence stands: the next row inserted after a restore must not collide."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
        return dict(cursor.fetchall())


def media_snapshot(media_root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media_root.rglob("*")
        if path.is_file()
    }


def our_models() -> list[type[models.Model]]:
    """The models of the project's own apps (not Django's or third-party ones)."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        model
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(base) and ".venv" not in Path(app.path).parts
        for model in app.get_models()
    ]


def demo_people(alias: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The demo organisation's members (email, role) and mentorships (mentor email, status)."""
    demo = Organization.objects.using(alias).get(slug=DEMO_SLUG)
    members = (
        Membership.all_organizations.using(alias)
        .filter(organization=demo)
        .order_by("user__email")
        .values_list("user__email", "role")
    )
    mentorships = (
        Mentorship.all_organizations.using(alias)
        .filter(organization=demo)
        .order_by("pk")
        .values_list("mentor__user__email", "status")
    )
    return list(members), list(mentorships)


@pytest.mark.django_db(transaction=True, databases=["default", RESTORED])
def test_backup_then_restore_into_a_fresh_database_gives_back_the_demo(
    restored_database: str, media_on_disk: Path, settings, tmp_path
):
    call_command("seed_demo", quiet=True)
    tables, sequences = table_snapshot("default"), sequence_snapshot("default")
    files = media_snapshot(media_on_disk)
    people = demo_people("default")

    # The comparison below is not vacuous: every model of ours is a counted table, and the demo
    # filled the ones a user would miss first, uploaded files included.
    assert {model._meta.db_table for model in our_models()} <= tables.keys()
    for model in (Organization, Membership, Mentorship, Resource):
        assert tables[model._meta.db_table][0] > 0, model
    assert files

    archive = tmp_path / "backups" / "demo.tar"
    output = StringIO()
    call_command("backup", str(archive), stdout=output)
    assert f"{len(files)} uploaded files to {archive}" in output.getvalue()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    call_command("restore", str(archive), database=restored_database, stdout=output)
    assert f"{len(files)} uploaded files into {settings.MEDIA_ROOT}" in output.getvalue()

    assert table_snapshot(restored_database) == tables
    assert sequence_snapshot(restored_database) == sequences
    assert media_snapshot(settings.MEDIA_ROOT) == files

    # The restored database works: the ORM reads the demo through it, every file a row refers
    # to is in the restored MEDIA_ROOT, and there is no migration left to apply.
    assert demo_people(restored_database) == people
    referenced = {
        name
        for model in our_models()
        for field in model._meta.fields
        if isinstance(field, models.FileField)
        for name in model._base_manager.using(restored_database)
        .exclude(**{field.name: ""})
        .values_list(field.name, flat=True)
    }
    assert referenced
    assert referenced <= files.keys()
    call_command("migrate", check_unapplied=True, database=restored_database, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_already_has_tables(tmp_path):
    require_postgres()
    with pytest.raises(CommandError, match=r"already has \d+ tables"):
        call_command("restore", str(tmp_path / "any.tar"))
