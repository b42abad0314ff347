"""The periodic scans that find who is due a reminder or a nudge (see base.Rule); RULES is
filled by each rule's module."""

from notifications.rules import (  # noqa: F401 - importing a rule's module registers it
    agreements,
    check_ins,
    inactive_pairs,
    invitations,
    meeting_reminders,
    milestones,
    requests,
    surveys,
    weekly_digests,
)
from notifications.rules.base import RULES, Rule, register

__all__ = ["RULES", "Rule", "register"]
