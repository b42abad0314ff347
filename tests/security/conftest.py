"""Fixtures the security tests share with the apps' own tests."""

from tests.messaging.conftest import chat  # noqa: F401 - a mentorship with its conversation
