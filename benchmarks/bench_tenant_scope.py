"""What does fail-closed tenant scoping cost on a list read?

Compares one organisation's memberships (with their users) read two ways in the same process and
database: the explicit filter on the `all_organizations` escape hatch (baseline) and the scoped
`objects` manager inside `organization_scope(org)`. Prints one JSON object.

Runs on a throwaway SQLite database in a temporary directory, whatever DATABASE_URL says, so it
never writes into a developer's database; the directory is removed afterwards.

    .venv/bin/python benchmarks/bench_tenant_scope.py [--rows 2000] [--runs 30]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")


def configure_django(var_dir: str) -> None:
    """Base settings on SQLite under `var_dir`; must run before Django reads its settings."""
    sys.path.insert(0, str(BASE_DIR))
    for name in SERVER_VARIABLES:
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentorship.settings.base"
    os.environ["VAR_DIR"] = var_dir
    # DEBUG would record every query in memory and time that too.
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def create_organisations(rows: int) -> list[Any]:
    """Two organisations with `rows` members each, so the filter has rows to leave out."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from organizations.models import Membership, Organization

    organisations = Organization.objects.bulk_create(
        [Organization(name=f"Benchmark {name}", slug=f"benchmark-{name}") for name in "ab"]
    )
    unusable_password = make_password(None)
    for organisation in organisations:
        users = User.objects.bulk_create(
            [
                User(
                    email=f"member{number}@{organisation.slug}.example",
                    full_name=f"Member {number}",
                    password=unusable_password,
                )
                for number in range(rows)
            ],
            batch_size=500,
        )
        Membership.all_organizations.bulk_create(
            [Membership(organization=organisation, user=user) for user in users],
            batch_size=500,
        )
    return organisations


def measure(readers: dict[str, Callable[[], list[Any]]], runs: int) -> dict[str, float]:
    """Median milliseconds per reader; runs alternate their order so drift hits both alike.

    As in timeit, the garbage collector is kept out of the timed reads: a collection triggered by
    one read's thousands of model instances would otherwise land on whichever read came next.
    """
    timings: dict[str, list[float]] = {name: [] for name in readers}
    for read in readers.values():
        read()  # Warm-up: connection, statement and model caches.
    for run in range(runs):
        order = list(readers.items())
        if run % 2:
            order.reverse()
        for name, read in order:
            gc.collect()
            gc.disable()
            try:
                started = time.perf_counter()
                read()
                timings[name].append((time.perf_counter() - started) * 1000)
            finally:
                gc.enable()
    return {name: statistics.median(values) for name, values in timings.items()}


def run_benchmark(rows: int, runs: int) -> dict[str, Any]:
    from organizations.models import Membership
    from organizations.scope import organization_scope

    organisation = create_organisations(rows)[0]

    def baseline() -> list[Any]:
        return list(
            Membership.all_organizations.filter(organization=organisation).select_related("user")
        )

    def scoped() -> list[Any]:
        with organization_scope(organisation):
            return list(Membership.objects.select_related("user"))

    returned = {membership.pk for membership in baseline()}
    if returned != {membership.pk for membership in scoped()} or len(returned) != rows:
        raise SystemExit("baseline and scoped reads returned different rows")

    medians = measure({"baseline": baseline, "scoped": scoped}, runs)
    return {
        "benchmark": "tenant_scope",
        "rows": rows,
        "baseline_ms": round(medians["baseline"], 3),
        "scoped_ms": round(medians["scoped"], 3),
        "ratio": round(medians["scoped"] / medians["baseline"], 3),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="memberships per organisation")
    parser.add_argument("--runs", type=int, default=30, help="timed reads of each kind")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-tenant-scope-") as var_dir:
        configure_django(var_dir)
        try:
            result = run_benchmark(arguments.rows, arguments.runs)
        finally:
            from django.db import connections

            # SQLite keeps the file (and its WAL) open; close it so the directory can go.
            connections.close_all()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
