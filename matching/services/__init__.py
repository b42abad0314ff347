"""Every write of the matching app; import from here."""

from matching.services.pool import load_pool, matching_settings_for, program_criteria
from matching.services.requests import (
    MAX_PENDING_REQUESTS,
    Suggestion,
    mentor_exclusion_set,
    mentorship_request_accept,
    mentorship_request_decline,
    mentorship_request_send,
    mentorship_request_withdraw,
    mentorship_requests_expire,
    self_select_problem,
    suggestions_for,
)
from matching.services.runs import (
    match_run_create,
    match_run_discard,
    match_run_publish,
    match_run_remove_pair,
    match_run_rerun,
    match_run_set_locked,
    match_run_swap,
)
from matching.services.settings import matching_settings_update

__all__ = [
    "MAX_PENDING_REQUESTS",
    "Suggestion",
    "load_pool",
    "match_run_create",
    "match_run_discard",
    "match_run_publish",
    "match_run_remove_pair",
    "match_run_rerun",
    "match_run_set_locked",
    "match_run_swap",
    "matching_settings_for",
    "matching_settings_update",
    "mentor_exclusion_set",
    "mentorship_request_accept",
    "mentorship_request_decline",
    "mentorship_request_send",
    "mentorship_request_withdraw",
    "mentorship_requests_expire",
    "program_criteria",
    "self_select_problem",
    "suggestions_for",
]
