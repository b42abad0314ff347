"""Back up the database and the uploaded files into one archive; `manage.py restore` reads it.

The archive is a tar file: `database.dump` (pg_dump's custom format, compressed, read by
pg_restore) and `media/` (every file under MEDIA_ROOT). The dump is taken first, so every file
that a row of the dump refers to is already on disk when the files are archived.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

DUMP_NAME = "database.dump"
MEDIA_DIR = "media"
POSTGRES_INSTALLS = Path("/usr/lib/postgresql")


def postgres_program(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, else the newest Debian install."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        POSTGRES_INSTALLS.glob(f"*/bin/{name}"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not installed:
        raise CommandError(f"{name} is not installed (apt-get install postgresql-client).")
    return str(installed[-1])


def postgres_target(alias: str) -> tuple[list[str], dict[str, str]]:
    """The arguments and environment that point pg_dump / pg_restore at the database `alias`.

    The password travels in the environment, never on the command line (where `ps` shows it)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise CommandError(
            "Backup and restore need PostgreSQL (set DATABASE_URL). With the embedded SQLite "
            "default, stop the server and copy var/db.sqlite3 and var/media instead."
        )
    settings_dict = connection.settings_dict
    _, client_environment = connection.client.settings_to_cmd_args_env(settings_dict, [])
    arguments: list[str] = []
    for flag, value in (
        ("--host", settings_dict.get("HOST")),
        ("--port", settings_dict.get("PORT")),
        ("--username", settings_dict.get("USER")),
        ("--dbname", settings_dict.get("NAME")),
    ):
        if value:
            arguments.append(f"{flag}={value}")
    return arguments, {**os.environ, **(client_environment or {})}


def run_postgres_program(command: list[str], environment: dict[str, str]) -> None:
    completed = subprocess.run(  # noqa: S603 - a fixed program with arguments, no shell
        command, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {completed.stderr.strip()}")


class Command(BaseCommand):
    help = (
        "Write the database (pg_dump) and the uploaded files (MEDIA_ROOT) into one tar archive, "
        "which `manage.py restore` puts back into a fresh database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "archive",
            nargs="?",
            help="Where to write the archive (default: VAR_DIR/backups/mentorship-<UTC time>.tar).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *args, archive: str | None, database: str, **options) -> None:
        arguments, environment = postgres_target(database)
        if archive:
            target = Path(archive)
        else:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            target = Path(settings.VAR_DIR) / "backups" / f"mentorship-{stamp}.tar"
        target.parent.mkdir(parents=True, exist_ok=True)
        media_root = Path(settings.MEDIA_ROOT)
        # Written beside the target and renamed at the end: a failed run leaves no archive that
        # looks complete.
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tempfile.TemporaryDirectory() as scratch:
                dump = Path(scratch) / DUMP_NAME
                run_postgres_program(
                    [postgres_program("pg_dump"), "--format=custom", f"--file={dump}", *arguments],
                    environment,
                )
                media_files = sorted(p for p in media_root.rglob("*") if p.is_file())
                with tarfile.open(partial, "w") as tar:
                    tar.add(dump, arcname=DUMP_NAME)
                    for path in media_files:
                        tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root)}")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            f"Backed up database {connections[database].settings_dict['NAME']} and "
            f"{len(media_files)} uploaded files to {target}"
        )
