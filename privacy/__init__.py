"""A person's own data: everything the platform holds about them, as one JSON document
(`privacy.export`), and the erasure of their account at their request (`privacy.erasure`).

Both read every other app, since a person's data lives wherever they took part: so this app
sits at the right end of the dependency order, next to reports (organizations <- accounts <-
programs <- {matching, messaging, goals, meetings} <- notifications <- reports, privacy).
Nothing imports it except the project URLs. Each organisation is read in its own
`organization_scope`, so the tenant rule holds inside.
"""
