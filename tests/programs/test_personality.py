import pytest

from programs.personality import ITEMS, TRAITS, trait_scores, validate_ratings


def test_every_item_scores_exactly_one_trait_once():
    used = sorted(item for pair in TRAITS.values() for item in pair)
    assert used == list(range(1, len(ITEMS) + 1))


def test_scores_use_reverse_keyed_items():
    # Extraverted 7, reserved 1 -> fully extraverted; everything else neutral.
    ratings = [4] * 10
    ratings[0], ratings[5] = 7, 1
    scores = trait_scores(ratings)
    assert scores["extraversion"] == 7.0
    assert scores["openness"] == 4.0


def test_published_example_profile():
    # Agrees strongly with every statement: each trait is (7 + 1) / 2 = 4.
    assert set(trait_scores([7] * 10).values()) == {4.0}


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ([4] * 9, "all 10"),
        ([4] * 9 + [8], "Statement 10"),
        ([4] * 9 + [True], "Statement 10"),
        (["4"] * 10, "Statement 1"),
    ],
)
def test_invalid_ratings_are_explained(ratings, message):
    with pytest.raises(ValueError, match=message):
        validate_ratings(ratings)
