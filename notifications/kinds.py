"""Every kind of notification the platform sends, declared once: its name in the preferences,
what it is about, the channels it uses unless the person says otherwise, and how it behaves
around quiet hours and the daily digest.

The preferences page, the unsubscribe links, the API's validation and the scans all read this
table: a kind that is not here does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    # Default channels; each person may switch either off (or on) per kind.
    email: bool = True
    in_app: bool = True
    # Time-bound (a meeting in an hour): never held back for the digest, and dropped from
    # email when quiet hours would deliver it after it stopped mattering.
    urgent: bool = False
    # Sent to program managers (shown in their preferences only if they manage a program).
    for_managers: bool = False
    # Chosen in the preferences (an invitee has no account, so no preferences).
    in_preferences: bool = True


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind("mentorship_started", "New mentorships",
             "When you are matched: who with, and where to start."),
        Kind("meeting_reminder", "Meeting reminders",
             "A day before and an hour before each meeting.", urgent=True),
        Kind("milestone_due", "Milestones due and overdue",
             "A few days before a milestone is due, and once when it is overdue."),
        Kind("check_in_due", "Check-ins due",
             "When it is time for your regular check-in."),
        Kind("agreement_pending", "Agreement not confirmed",
             "When your mentoring agreement still waits for a confirmation."),
        Kind("survey_due", "Surveys",
             "When your program asks how your mentorship is going, at its mid-point and at its end."),
        Kind("request_expiring", "Requests about to expire",
             "When a mentoring request to you expires soon without an answer."),
        Kind("pair_inactive", "No contact for a while",
             "When you and your partner have not written or met for some time."),
        Kind("manual_nudge", "Messages from your program managers",
             "Notes your program's managers send to your pair."),
        Kind("weekly_digest", "Weekly summary",
             "Once a week: what is coming up in your mentorship.", in_app=False),
        Kind("pair_escalation", "Pairs out of contact",
             "When a pair of your program has had no contact for weeks.", for_managers=True),
        Kind("manager_digest", "Weekly pairs needing attention",
             "Once a week: the pairs of your programs that need attention.", in_app=False,
             for_managers=True),
        Kind("invitation_reminder", "Invitation reminders",
             "To someone invited who has not joined yet, on day 3 and day 10.", in_app=False,
             in_preferences=False),
    )
}  # fmt: skip

KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]
CHANNELS = ("email", "in_app")
