"""Channel-layer group of a conversation; the organisation is part of the name."""


def conversation_group_name(organization_id: int, conversation_id: int) -> str:
    return f"org.{organization_id}.conv.{conversation_id}"
