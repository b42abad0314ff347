"""The meetings app's routes in the tenant-isolation walk (see tests/security/routes.py)."""

from __future__ import annotations

from tests.security.routes import TenantRoute

MEETING_ROUTES: dict[str, TenantRoute] = {}
