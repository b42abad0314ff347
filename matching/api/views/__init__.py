"""The matching API views, one module per area; the URLconf imports them from here."""

from matching.api.views.runs import (
    MatchRunDetailView,
    MatchRunDiscardView,
    MatchRunListCreateView,
    MatchRunPublishView,
    MatchRunRerunView,
    MatchRunSwapView,
    ProposalDetailView,
    ProposalListView,
    ProposalLockView,
    UnmatchedListView,
)
from matching.api.views.selfselect import (
    MentorshipRequestAcceptView,
    MentorshipRequestDeclineView,
    MentorshipRequestListCreateView,
    MentorshipRequestWithdrawView,
    SuggestionListView,
)
from matching.api.views.settings import (
    MatchingSettingsView,
)

__all__ = [
    "MatchRunDetailView",
    "MatchRunDiscardView",
    "MatchRunListCreateView",
    "MatchRunPublishView",
    "MatchRunRerunView",
    "MatchRunSwapView",
    "MatchingSettingsView",
    "MentorshipRequestAcceptView",
    "MentorshipRequestDeclineView",
    "MentorshipRequestListCreateView",
    "MentorshipRequestWithdrawView",
    "ProposalDetailView",
    "ProposalListView",
    "ProposalLockView",
    "SuggestionListView",
    "UnmatchedListView",
]
