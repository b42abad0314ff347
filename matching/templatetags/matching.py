"""Explanations on screen: each part rounded so that the parts still add up to the score shown."""

from __future__ import annotations

from django import template

from matching.engine.model import Part, rounded_parts

register = template.Library()


@register.filter
def shown_parts(parts: list[dict]) -> list[dict]:
    """The stored parts, each with `shown`: its points to one decimal, largest remainder."""
    shown = rounded_parts(
        [Part(p["key"], p["name"], p["points"], p["max_points"], p["words"]) for p in parts]
    )
    return [{**part, "shown": value} for part, value in zip(parts, shown, strict=True)]
