"""Channel-layer group names. The organisation is part of every name, so groups never mix tenants."""


def user_group_name(organization_id: int, user_id: int) -> str:
    return f"org.{organization_id}.user.{user_id}"
