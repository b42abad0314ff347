"""Restore an archive written by `manage.py backup` into a fresh, empty database.

pg_restore runs in one transaction and stops at the first error, so a failed restore leaves the
database empty and can simply be run again. Ownership and grants are not restored: the tables
belong to the role of DATABASE_URL, which may differ on the new server.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from mentorship.management.commands.backup import (
    DUMP_NAME,
    MEDIA_DIR,
    postgres_program,
    postgres_target,
    run_postgres_program,
)


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` (database and uploaded files) into the empty "
        "database of DATABASE_URL and into MEDIA_ROOT."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="The .tar file written by `manage.py backup`.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The empty database to restore into."
        )

    def handle(self, *args, archive: str, database: str, **options) -> None:
        arguments, environment = postgres_target(database)
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        # Never merge into live data: restoring over existing tables would fail half-way or mix
        # two histories.
        with connection.cursor() as cursor:
            existing = connection.introspection.table_names(cursor)
        if existing:
            raise CommandError(
                f"Database {name} already has {len(existing)} tables. Restore into a fresh "
                f"database: createdb <name>, point DATABASE_URL at it, run restore again."
            )
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive) as tar:
            if DUMP_NAME not in tar.getnames():
                raise CommandError(f"{archive} is not an archive of `manage.py backup`.")
            # The "data" filter refuses absolute paths, links out of the directory and devices.
            tar.extractall(scratch, filter="data")
            run_postgres_program(
                [
                    postgres_program("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    *arguments,
                    str(Path(scratch) / DUMP_NAME),
                ],
                environment,
            )
            media = Path(scratch) / MEDIA_DIR
            files = [path for path in media.rglob("*") if path.is_file()]
            if media.is_dir():
                shutil.copytree(media, media_root, dirs_exist_ok=True)
        self.stdout.write(
            f"Restored database {name} and {len(files)} uploaded files into {media_root}"
        )
