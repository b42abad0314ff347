"""A program's matching settings: criterion weights and hard rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from matching.criteria_mapping import validate_weights
from matching.engine import Rules
from matching.engine.criteria import PERSONALITY_TRAITS
from matching.models import MatchingSettings
from matching.services.pool import matching_settings_for, program_criteria
from organizations.models import Membership
from programs.models import Program
from programs.services.common import require_program_manager

SETTING_FIELDS = (
    "exclude_same_department",
    "exclude_reporting_line",
    "require_shared_language",
    "max_timezone_difference_hours",
    "seniority_gap_min",
    "seniority_gap_max",
    "availability_target_hours",
    "personality_modes",
    "request_expiry_days",
    "suggestions_shown",
)


def _whole(value, low: int, high: int, errors: dict, name: str, *, empty_ok: bool = False):
    if value in (None, "") and empty_ok:
        return None
    try:
        number = int(value)
        if isinstance(value, bool) or str(value).strip() != str(number):
            raise ValueError
    except (TypeError, ValueError):
        errors[name] = f"Give a whole number from {low} to {high}."
        return None
    if not low <= number <= high:
        errors[name] = f"Give a whole number from {low} to {high}."
        return None
    return number


@transaction.atomic
def matching_settings_update(
    *, actor: Membership, program: Program, weights: dict, values: dict
) -> MatchingSettings:
    """Change how a program matches. Weights are 0 (off) to 10 (must-have) per criterion of the
    program; the rules must make sense together (the smallest experience gap no larger than
    the largest, a time zone limit of at most 12 hours, ...). Nothing is saved on any error."""
    require_program_manager(actor, program)
    settings = matching_settings_for(program)
    criteria = program_criteria(program, settings.weights)
    errors = {
        f"weight_{k}": v for k, v in validate_weights(weights, [c.key for c in criteria]).items()
    }
    cleaned: dict = {}
    for name in ("exclude_same_department", "exclude_reporting_line", "require_shared_language"):
        if name in values:
            cleaned[name] = bool(values[name])
    if "max_timezone_difference_hours" in values:
        cleaned["max_timezone_difference_hours"] = _whole(
            values["max_timezone_difference_hours"], 0, 12, errors,
            "max_timezone_difference_hours", empty_ok=True,
        )  # fmt: skip
    for name, low, high in (
        ("seniority_gap_min", -4, 4),
        ("seniority_gap_max", -4, 4),
        ("request_expiry_days", 1, 60),
        ("suggestions_shown", 1, 20),
    ):
        if name in values:
            cleaned[name] = _whole(values[name], low, high, errors, name)
    if "availability_target_hours" in values:
        try:
            hours = Decimal(str(values["availability_target_hours"]))
            if not Decimal("0.5") <= hours <= Decimal("40"):
                raise InvalidOperation
            cleaned["availability_target_hours"] = hours.quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            errors["availability_target_hours"] = "Give a number of hours from 0.5 to 40."
    if "personality_modes" in values:
        modes = values["personality_modes"] or {}
        if not isinstance(modes, dict) or any(
            trait not in PERSONALITY_TRAITS or mode not in ("similar", "complementary")
            for trait, mode in modes.items()
        ):
            errors["personality_modes"] = "Each trait is either similar or complementary."
        else:
            cleaned["personality_modes"] = dict(modes)
    if errors:
        raise ValidationError(errors)
    for name, value in cleaned.items():
        setattr(settings, name, value)
    try:
        Rules(
            seniority_gap_min=settings.seniority_gap_min,
            seniority_gap_max=settings.seniority_gap_max,
            max_timezone_difference_hours=settings.max_timezone_difference_hours,
            availability_target_hours=float(settings.availability_target_hours),
            personality_modes=dict(settings.personality_modes or {}),
        )
    except ValueError as error:
        raise ValidationError({"seniority_gap_min": str(error)}) from None
    merged = dict(settings.weights or {})
    merged.update({key: int(value) for key, value in weights.items()})
    if criteria and not any(merged.get(c.key, c.weight) > 0 for c in criteria):
        raise ValidationError(
            "Turn on at least one criterion: with every weight at 0, every pair scores the same."
        )
    settings.weights = merged
    settings.save()
    return settings
