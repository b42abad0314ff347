"""A pair shares resources and documents, attaches them to goals, and the mentee marks them
done: the goal's history shows it, the resource's counts go up, nothing says who."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from goals import services as goal_services
from goals.models import GoalProgressEntry
from organizations.scope import organization_scope
from programs.models import Program
from resources import services, sharing
from resources.models import Resource, SharedItem
from tests.goals.conftest import pair  # noqa: F401 - the fixture

PDF = b"%PDF-1.7\n" + b"x" * 50


@pytest.fixture
def shared_setup(world, pair):  # noqa: F811
    mw, mentorship = pair
    program = mentorship.cohort.program
    with organization_scope(world.alpha):
        Program.objects.filter(pk=program.pk).update(skills=["Public speaking"])
    program.skills = ["Public speaking"]
    resource = services.resource_create(
        actor=world.alpha_owner_membership,
        program=program,
        details=services.ResourceDetails(
            kind="link", title="Storytelling", url="https://example.com/story"
        ),
    )
    goal = goal_services.goal_create(
        actor=mw.members["mentee0"],
        mentorship=mentorship,
        text=goal_services.GoalText(
            title="Speak at the all-hands", measure="A talk", why="",
            target_date=timezone.localdate() + datetime.timedelta(days=30),
        ),
    )  # fmt: skip
    return mw, mentorship, resource, goal


def test_a_shared_resource_done_by_the_mentee_shows_in_the_goals_history(world, shared_setup):
    mw, mentorship, resource, goal = shared_setup
    item = sharing.resource_share(
        actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk,
        note="Chapter 2 is the one", goal_id=goal.pk,
    )  # fmt: skip
    assert (item.title, item.goal_id, item.done_on) == ("Storytelling", goal.pk, None)
    with pytest.raises(PermissionDenied):
        sharing.shared_item_complete(actor=mw.members["mentor0"], item=item)
    sharing.shared_item_complete(actor=mw.members["mentee0"], item=item)
    with organization_scope(world.alpha):
        notes = list(GoalProgressEntry.objects.filter(goal=goal).values_list("note", flat=True))
        counts = Resource.objects.values_list("shares", "completions").get()
    assert notes[0] == "Done: Storytelling"
    assert counts == (1, 1)


def test_documents_are_checked_like_the_library(world, shared_setup, stored_files):
    mw, mentorship, _, _ = shared_setup
    item = sharing.document_share(
        actor=mw.members["mentee0"], mentorship=mentorship,
        upload=SimpleUploadedFile("draft.pdf", PDF), title="My talk draft",
    )  # fmt: skip
    assert (item.title, item.file_name, item.size) == ("My talk draft", "draft.pdf", len(PDF))
    with pytest.raises(ValidationError) as error:
        sharing.document_share(
            actor=mw.members["mentee0"], mentorship=mentorship,
            upload=SimpleUploadedFile("talk.html", b"<script>"),
        )  # fmt: skip
    assert "file" in error.value.message_dict
    with organization_scope(world.alpha):
        assert SharedItem.objects.count() == 1
    assert stored_files() == [item.file.name]


def test_only_the_pair_shares_and_only_into_their_own_goals(world, shared_setup):
    mw, mentorship, resource, goal = shared_setup
    with pytest.raises(PermissionDenied):
        sharing.resource_share(
            actor=mw.members["mentee1"], mentorship=mentorship, resource_id=resource.pk
        )
    with pytest.raises(ValidationError) as error:
        sharing.resource_share(
            actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk,
            goal_id=goal.pk + 1000,
        )  # fmt: skip
    assert "goal" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        sharing.resource_share(
            actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk + 1000
        )
    assert "resource" in error.value.message_dict
    with organization_scope(world.alpha):
        assert SharedItem.objects.count() == 0


def test_what_one_side_only_may_open_is_not_shared(world, shared_setup):
    mw, mentorship, resource, _ = shared_setup
    with organization_scope(world.alpha):
        Resource.objects.filter(pk=resource.pk).update(audience="mentor")
    with pytest.raises(ValidationError) as refused:
        sharing.resource_share(
            actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk
        )
    assert "your mentee could not open it" in str(refused.value)
    with organization_scope(world.alpha):
        assert not SharedItem.objects.exists()


def test_done_undone_done_counts_one_completion(world, shared_setup):
    mw, mentorship, resource, _ = shared_setup
    item = sharing.resource_share(
        actor=mw.members["mentor0"], mentorship=mentorship, resource_id=resource.pk
    )
    mentee = mw.members["mentee0"]
    for done in (True, False, True, True):
        sharing.shared_item_complete(actor=mentee, item=item, done=done)
    with organization_scope(world.alpha):
        assert Resource.objects.get(pk=resource.pk).completions == 1
