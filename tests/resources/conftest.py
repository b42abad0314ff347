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
