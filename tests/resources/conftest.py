"""Alpha's program, with a skill list, for the library tests."""

from __future__ import annotations

import pytest

from organizations.scope import organization_scope
from programs.models import Program


@pytest.fixture
def program(world) -> Program:
    with organization_scope(world.alpha):
        Program.objects.filter(pk=world.alpha_program.pk).update(
            skills=["Public speaking", "Leadership"]
        )
    world.alpha_program.refresh_from_db()
    return world.alpha_program


@pytest.fixture
def stored_files(settings):
    """A fresh in-memory storage for the test; calling the fixture's value lists every file in
    it, so a test sees what a refused upload left behind."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    from django.core.files.storage import default_storage

    def listing(folder: str = "") -> list[str]:
        folders, files = default_storage.listdir(folder)
        found = [f"{folder}/{name}".lstrip("/") for name in files]
        for name in folders:
            found += listing(f"{folder}/{name}".lstrip("/"))
        return found

    return listing
