"""A mentorship with its conversation, for the messaging tests."""

from __future__ import annotations

import pytest

from matching import services as matching_services
from messaging.models import Conversation
from organizations.scope import organization_scope
from tests.matching.test_requests import ask, self_select_cohort


@pytest.fixture
def chat(world, django_capture_on_commit_callbacks):
    """A mentorship (its conversation opened by the start event) between mentee0 and mentor0."""
    mw = self_select_cohort(world, mentees=2, mentors=1, capacity=2)
    request = ask(mw, "mentee0", "mentor0")
    with django_capture_on_commit_callbacks(execute=True):
        mentorship = matching_services.mentorship_request_accept(
            actor=mw.members["mentor0"], request_id=request.pk
        )
    with organization_scope(world.alpha):
        conversation = Conversation.objects.select_related("mentorship__mentor").get(
            mentorship=mentorship
        )
    return mw, mentorship, conversation
