"""A mentorship (started through matching, so its start event ran) for the goals tests."""

from __future__ import annotations

import pytest

from matching import services as matching_services
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from tests.matching.test_requests import ask, self_select_cohort


@pytest.fixture
def pair(world, django_capture_on_commit_callbacks):
    """(mw, mentorship): mentee0 mentored by mentor0; mw.members holds their memberships."""
    mw = self_select_cohort(world, mentees=2, mentors=1, capacity=2)
    request = ask(mw, "mentee0", "mentor0")
    with django_capture_on_commit_callbacks(execute=True):
        started = matching_services.mentorship_request_accept(
            actor=mw.members["mentor0"], request_id=request.pk
        )
    with organization_scope(world.alpha):
        mentorship = program_selectors.get_mentorship_for(mw.members["mentor0"], started.pk)
    return mw, mentorship
