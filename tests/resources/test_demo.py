"""The demo's library: about twenty resources of every kind, and a few shared into pairs."""

from __future__ import annotations

from django.core.management import call_command

from organizations.models import Organization
from organizations.scope import organization_scope
from resources.models import Resource, ResourceKind, SharedItem


def test_the_demo_has_a_varied_library_shared_into_its_pairs(db, stored_files):
    call_command("seed_demo", quiet=True)
    call_command("seed_demo", quiet=True)  # again: nothing added twice
    demo = Organization.objects.get(slug="demo")
    with organization_scope(demo):
        resources = list(Resource.objects.all())
        shared = list(SharedItem.objects.select_related("resource"))
    assert 18 <= len(resources) <= 24
    assert {r.kind for r in resources} == set(ResourceKind.values)
    assert sum(r.in_mentor_guide for r in resources) >= 4
    assert {r.audience for r in resources} == {"both", "mentor", "mentee"}
    files = [r for r in resources if r.kind == ResourceKind.FILE]
    assert all(r.file and r.file.read().startswith(b"%PDF-") for r in files)
    assert len({item.mentorship_id for item in shared}) == 3
    assert any(item.done_on for item in shared) and any(item.file for item in shared)
    assert all(item.goal_id for item in shared)
