"""The matching pages: settings, match runs and their review, self-select."""

from matching.views.runs import (
    run_detail,
    run_discard,
    run_proposal_lock,
    run_proposal_remove,
    run_publish,
    run_rerun,
    run_start,
    run_swap,
    runs,
)
from matching.views.selfselect import (
    mentor_exclude,
    request_accept,
    request_decline,
    request_send,
    request_withdraw,
    requests_page,
    suggestions,
)
from matching.views.settings import matching_settings

__all__ = [
    "matching_settings",
    "mentor_exclude",
    "request_accept",
    "request_decline",
    "request_send",
    "request_withdraw",
    "requests_page",
    "run_detail",
    "run_discard",
    "run_proposal_lock",
    "run_proposal_remove",
    "run_publish",
    "run_rerun",
    "run_start",
    "run_swap",
    "runs",
    "suggestions",
]
