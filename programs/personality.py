"""The Ten-Item Personality Inventory (TIPI): a validated ten-item measure of the Big Five.

Gosling, S. D., Rentfrow, P. J., & Swann, W. B., Jr. (2003). A very brief measure of the
Big-Five personality domains. Journal of Research in Personality, 37, 504-528.

Each item is rated 1 (disagree strongly) to 7 (agree strongly); every trait is the mean of one
item and one reverse-scored item (8 - rating), so each trait score lies between 1 and 7.
"""

from __future__ import annotations

from collections.abc import Sequence

ITEM_STEM = "I see myself as:"
ITEMS: tuple[str, ...] = (
    "Extraverted, enthusiastic.",
    "Critical, quarrelsome.",
    "Dependable, self-disciplined.",
    "Anxious, easily upset.",
    "Open to new experiences, complex.",
    "Reserved, quiet.",
    "Sympathetic, warm.",
    "Disorganized, careless.",
    "Calm, emotionally stable.",
    "Conventional, uncreative.",
)
RATING_LABELS: tuple[str, ...] = (
    "Disagree strongly",
    "Disagree moderately",
    "Disagree a little",
    "Neither agree nor disagree",
    "Agree a little",
    "Agree moderately",
    "Agree strongly",
)
# trait -> (item number scored as is, item number reverse-scored); items are numbered from 1.
TRAITS: dict[str, tuple[int, int]] = {
    "extraversion": (1, 6),
    "agreeableness": (7, 2),
    "conscientiousness": (3, 8),
    "emotional_stability": (9, 4),
    "openness": (5, 10),
}
TRAIT_LABELS = {
    "extraversion": "Extraversion",
    "agreeableness": "Agreeableness",
    "conscientiousness": "Conscientiousness",
    "emotional_stability": "Emotional stability",
    "openness": "Openness to experience",
}


def validate_ratings(ratings: Sequence[object]) -> list[int]:
    """Ten whole-number ratings from 1 to 7, or ValueError saying what is wrong."""
    if len(ratings) != len(ITEMS):
        raise ValueError(f"Answer all {len(ITEMS)} statements.")
    cleaned = []
    for number, rating in enumerate(ratings, 1):
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 7:
            raise ValueError(f"Statement {number}: choose a rating from 1 to 7.")
        cleaned.append(rating)
    return cleaned


def trait_scores(ratings: Sequence[int]) -> dict[str, float]:
    """The five trait scores (1-7) from ten ratings."""
    ratings = validate_ratings(ratings)
    return {
        trait: (ratings[direct - 1] + (8 - ratings[reverse - 1])) / 2
        for trait, (direct, reverse) in TRAITS.items()
    }
