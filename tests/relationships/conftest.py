"""Fixtures shared with the goals tests."""

from tests.goals.conftest import pair  # noqa: F401 - a mentorship started through matching
