"""The relationships app's pages; the URLconf imports them from here."""

from relationships.views.home import (
    agreement_confirm,
    agreement_edit,
    mentorship_end,
    mentorship_end_reason,
    mentorship_home,
    mentorship_status,
)
from relationships.views.pairs import cohort_pairs, my_mentorships

__all__ = [
    "agreement_confirm",
    "agreement_edit",
    "cohort_pairs",
    "mentorship_end",
    "mentorship_end_reason",
    "mentorship_home",
    "mentorship_status",
    "my_mentorships",
]
