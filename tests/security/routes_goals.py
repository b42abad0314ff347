"""The goals app's routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

from tests.security.routes import TenantRoute

GOAL_ROUTES: dict[str, TenantRoute] = {}
