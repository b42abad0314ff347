"""Recommendations and their reasons, on plain data."""

from __future__ import annotations

from resources.recommend import Candidate, Reader, recommend

SPEAKING = Candidate(1, "Storytelling for presentations", skills=("Public speaking",))
FEEDBACK = Candidate(2, "Giving feedback that lands", skills=("Giving feedback",),
                     tags=("feedback",))  # fmt: skip
FIRST_MEETING = Candidate(3, "How to run a first meeting", audience="mentor", stage="first_month")
NEGOTIATION = Candidate(4, "Negotiation basics", skills=("Negotiation",))
CLOSING = Candidate(5, "Closing a mentorship well", stage="closing")


def _reasons(found) -> dict[int, tuple[str, ...]]:
    return {r.candidate.id: r.reasons for r in found}


def test_a_mentee_gets_what_fits_their_goals_and_skills_with_why():
    reader = Reader(
        side="mentee",
        skills=("Public speaking", "Leadership"),
        goals=("Present our roadmap at the all-hands", "Give feedback to my team"),
        days_in=10,
        length_days=180,
    )
    found = recommend([SPEAKING, FEEDBACK, FIRST_MEETING, NEGOTIATION, CLOSING], reader)
    reasons = _reasons(found)
    assert reasons[1] == ("you want to grow: Public speaking",)
    assert reasons[2] == ("matches your goal: Give feedback to my team",)
    # Mentor material and what fits nobody are left out.
    assert 3 not in reasons and 4 not in reasons and 5 not in reasons


def test_mentors_get_their_guide_in_the_first_month_and_skills_they_offer():
    reader = Reader(side="mentor", skills=("Negotiation",), days_in=5, length_days=180)
    reasons = _reasons(recommend([FIRST_MEETING, NEGOTIATION, SPEAKING], reader))
    assert reasons == {
        3: ("suggested for your first month",),
        4: ("you help others grow: Negotiation",),
    }


def test_stage_follows_the_relationships_length():
    late = Reader(side="mentee", days_in=150, length_days=180)
    assert _reasons(recommend([CLOSING, FIRST_MEETING], late)) == {
        5: ("suggested for the closing weeks",)
    }
    unmatched = Reader(side="mentee")
    assert recommend([CLOSING], unmatched) == []


def test_more_reasons_rank_higher_and_common_words_do_not_match():
    both = Candidate(6, "Public speaking for your roadmap", skills=("Public speaking",))
    reader = Reader(side="mentee", skills=("Public speaking",),
                    goals=("Present the roadmap",))  # fmt: skip
    found = recommend([SPEAKING, both], reader)
    assert [r.candidate.id for r in found] == [6, 1]
    assert found[0].reasons == (
        "matches your goal: Present the roadmap",
        "you want to grow: Public speaking",
    )
    # "for" and "your" are in both the title and a goal: not a match.
    assert recommend([both], Reader(side="mentee", goals=("Time for your team",))) == []


def test_a_mentor_reads_for_their_mentees_goals():
    reader = Reader(side="mentor", goals=("Give feedback to my team",))
    found = recommend([FEEDBACK], reader)
    assert found[0].reasons == ("matches your mentee's goal: Give feedback to my team",)


def test_forms_of_a_word_meet():
    talks = Candidate(7, "Public speaking for leaders", skills=("Leadership",))
    reader = Reader(side="mentee", goals=("Speak at the all-hands",))
    assert recommend([talks], reader)[0].reasons == ("matches your goal: Speak at the all-hands",)
    lead = Reader(side="mentee", goals=("Lead the quarterly review",))
    assert recommend([talks], lead)[0].reasons == ("matches your goal: Lead the quarterly review",)


def test_the_goal_named_is_the_one_with_most_in_common():
    talk = Candidate(8, "Speaking up in leadership meetings")
    reader = Reader(
        side="mentee", goals=("Lead a project end to end", "Speak with confidence in meetings")
    )
    assert recommend([talk], reader)[0].reasons == (
        "matches your goal: Speak with confidence in meetings",
    )
    equal = Reader(side="mentee", goals=("Lead the review", "Lead the launch"))
    assert recommend([talk], equal)[0].reasons == ("matches your goal: Lead the review",)
