"""The privacy routes in the tenant-isolation walk (see tests/security/routes.py): a person's
own data and the erasure of their account (outside any organisation), and the owners' export
of the whole organisation.

The export is a file, not a list: tests/reports/test_organization_export.py proves that Bravo's
export holds none of Alpha's rows."""

from __future__ import annotations

from tests.security.routes import GlobalRoute, TenantRoute

PRIVACY_ROUTES: dict[str, TenantRoute] = {
    "reports:organization_export": TenantRoute(),
    "api_organization_export": TenantRoute(),
}
PRIVACY_GLOBAL_ROUTES: dict[str, GlobalRoute] = {
    "privacy:data_download": GlobalRoute(
        "the signed-in user's own data, read by their user in each of their own organisations"
    ),
    "privacy:erase": GlobalRoute("erases the signed-in user's own account only"),
    "privacy:erased": GlobalRoute("a fixed page shown after an erasure, no data"),
    "api_me_data": GlobalRoute(
        "the signed-in user's own data, read by their user in each of their own organisations"
    ),
    "api_me_erase": GlobalRoute("erases the signed-in user's own account only"),
}
