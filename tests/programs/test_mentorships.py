"""Mentorships and their agreements: versions, confirmations, history, status."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matching import services as matching_services
from organizations.scope import organization_scope
from programs.models import AgreementRevision, MentorshipStatus
from programs.services import mentorships as services
from tests.matching.test_requests import ask, self_select_cohort


@pytest.fixture
def pair(world):
    mw = self_select_cohort(world, mentees=1, mentors=1)
    request = ask(mw, "mentee0", "mentor0")
    mentorship = matching_services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=request.pk
    )
    return mw, mentorship


def test_a_new_agreement_starts_from_the_program_defaults(pair):
    mw, mentorship = pair
    agreement = mentorship.agreement
    assert agreement.version == 1
    assert agreement.channels == ["chat", "video"]
    assert agreement.meeting_cadence == mw.cohort.program.meeting_cadence
    assert "stays between us" in agreement.confidentiality


def test_both_confirm_and_a_change_asks_again_and_keeps_history(pair):
    mw, mentorship = pair
    mentor, mentee = mw.members["mentor0"], mw.members["mentee0"]
    users = [mentor.user_id, mentee.user_id]
    services.agreement_confirm(actor=mentor, mentorship=mentorship, version=1)
    assert not services.agreement_is_confirmed(mentorship.agreement, users)
    services.agreement_confirm(actor=mentee, mentorship=mentorship, version=1)
    assert services.agreement_is_confirmed(mentorship.agreement, users)

    agreement = services.agreement_update(
        actor=mentee,
        mentorship=mentorship,
        data={"goals_scope": "Negotiating my next role.", "off_limits": "Salary numbers."},
    )
    assert agreement.version == 2
    # The writer confirmed by writing; the mentor has to confirm the new text.
    assert services.agreement_confirmed_by(agreement) == {mentee.user_id}
    with pytest.raises(ValidationError, match="changed since you opened it"):
        services.agreement_confirm(actor=mentor, mentorship=mentorship, version=1)
    services.agreement_confirm(actor=mentor, mentorship=mentorship, version=2)
    assert services.agreement_is_confirmed(agreement, users)
    with organization_scope(mw.cohort.organization):
        (revision,) = AgreementRevision.objects.filter(agreement=agreement)
    assert revision.version == 1
    assert revision.content["goals_scope"] == ""


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"channels": []}, "channels", "at least one way"),
        ({"channels": ["pigeon"]}, "channels", "Unknown way to keep in touch: pigeon"),
        ({"meeting_cadence": "hourly"}, "meeting_cadence", "Choose one of the options"),
        ({"confidentiality": "  "}, "confidentiality", "what stays between you"),
        ({"off_limits": "x" * 2001}, "off_limits", "under 2000 characters"),
    ],
)
def test_a_bad_agreement_is_refused_and_nothing_changes(pair, data, field, message):
    mw, mentorship = pair
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(actor=mw.members["mentee0"], mentorship=mentorship, data=data)
    assert message in " ".join(caught.value.message_dict[field])
    mentorship.agreement.refresh_from_db()
    assert mentorship.agreement.version == 1


def test_only_the_pair_edits_the_agreement(pair, world):
    _, mentorship = pair
    with pytest.raises(PermissionDenied):
        services.agreement_update(
            actor=world.alpha_owner_membership, mentorship=mentorship, data={"off_limits": "x"}
        )


def test_pause_resume_complete(pair):
    mw, mentorship = pair
    mentor = mw.members["mentor0"]
    assert (
        services.mentorship_set_status(actor=mentor, mentorship=mentorship, status="paused").status
        == MentorshipStatus.PAUSED
    )
    assert (
        services.mentorship_set_status(actor=mentor, mentorship=mentorship, status="active").status
        == MentorshipStatus.ACTIVE
    )
    done = services.mentorship_set_status(actor=mentor, mentorship=mentorship, status="completed")
    assert done.status == MentorshipStatus.COMPLETED
    assert done.ended_on is not None
    with pytest.raises(ValidationError, match="cannot be set"):
        services.mentorship_set_status(actor=mentor, mentorship=mentorship, status="active")
    with pytest.raises(ValidationError, match="already ended"):
        services.mentorship_end_early(actor=mentor, mentorship=mentorship, reason="Too late.")
    with pytest.raises(ValidationError, match="has ended"):
        services.agreement_update(actor=mentor, mentorship=mentorship, data={"off_limits": "x"})


def test_the_programs_confidentiality_promise_starts_every_agreement(world):
    from programs import services as program_services
    from programs.services import ProgramSettings

    mw = self_select_cohort(world, mentees=1, mentors=1)
    program = mw.cohort.program
    program_services.program_update(
        actor_membership=world.alpha_owner_membership,
        program=program,
        values=ProgramSettings(
            name=program.name,
            purpose=program.purpose,
            matching_mode="both",
            confidentiality_text="Nothing leaves this room, except safety concerns.",
        ),
    )
    with pytest.raises(ValidationError, match="under 4000 characters"):
        program_services.program_update(
            actor_membership=world.alpha_owner_membership,
            program=program,
            values=ProgramSettings(
                name=program.name, purpose=program.purpose, confidentiality_text="x" * 4001
            ),
        )
    request = ask(mw, "mentee0", "mentor0")
    mentorship = matching_services.mentorship_request_accept(
        actor=mw.members["mentor0"], request_id=request.pk
    )
    assert mentorship.agreement.confidentiality == (
        "Nothing leaves this room, except safety concerns."
    )
