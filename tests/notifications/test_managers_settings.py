"""A program's reminders and nudges: the service's checks (nothing saved on a refusal), the
page and the API, and who reaches them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications import managers
from notifications.models import ProgramNudgeSettings
from notifications.program_settings import PROGRAM_KINDS, nudge_settings_for
from organizations.models import Role
from organizations.scope import organization_scope
from tests.conftest import _add_member, logged_in_api_client, logged_in_client
from tests.factories import make_user

VALID = {
    "disabled": ["weekly_digest"],
    "inactive_days": [5, 10, 20],
    "milestone_due_days": 2,
    "agreement_after_days": 10,
    "request_expiry_hours": 48,
}


def _manager(world):
    return world.membership(world.alpha, world.alpha_manager)


def _row(world):
    with organization_scope(world.alpha):
        return ProgramNudgeSettings.objects.filter(program=world.alpha_program).first()


def _page_url(world, program=None) -> str:
    return reverse(
        "nudges:program_settings",
        kwargs={"org_slug": world.alpha.slug, "program_id": (program or world.alpha_program).pk},
    )


def _api_url(world) -> str:
    return reverse(
        "api_program_nudge_settings",
        kwargs={"org_slug": world.alpha.slug, "program_id": world.alpha_program.pk},
    )


def _form(**overrides) -> dict:
    data = {f"runs_{kind}": "on" for kind in PROGRAM_KINDS if kind != "weekly_digest"}
    data |= {
        "inactive_days": "5, 10, 20",
        "milestone_due_days": "2",
        "agreement_after_days": "10",
        "request_expiry_hours": "48",
    }
    return {**data, **overrides}


# The service ----------------------------------------------------------------------------------


def test_defaults_until_the_first_save_which_makes_the_row(world):
    assert _row(world) is None
    assert managers.nudge_settings_of(world.alpha_program).inactive_days == (7, 14, 21)
    saved = managers.nudge_settings_update(
        actor=_manager(world), program=world.alpha_program, **VALID
    )
    assert saved.inactive_days == (5, 10, 20) and not saved.runs("weekly_digest")
    row = _row(world)
    assert row.organization_id == world.alpha.pk
    assert row.inactive_days == [5, 10, 20] and row.disabled == ["weekly_digest"]
    read = nudge_settings_for(world.alpha, [world.alpha_program.pk])[world.alpha_program.pk]
    assert read == saved
    # A second save changes the same row.
    managers.nudge_settings_update(
        actor=_manager(world), program=world.alpha_program, **{**VALID, "disabled": []}
    )
    with organization_scope(world.alpha):
        assert ProgramNudgeSettings.objects.count() == 1
    assert _row(world).disabled == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inactive_days", [14, 7], "larger than the one before"),
        ("inactive_days", [7, 7], "larger than the one before"),
        ("inactive_days", [0, 7], "from 1 to 120"),
        ("inactive_days", [7, 121], "from 1 to 120"),
        ("inactive_days", [1, 2, 3, 4, 5, 6], "at most 5"),
        ("inactive_days", [], "at least one"),
        ("inactive_days", ["7"], "whole numbers"),
        ("disabled", ["pair_inactive", "nope"], "No such nudge: nope"),
        ("disabled", ["manual_nudge"], "No such nudge: manual_nudge"),
        ("milestone_due_days", 31, "from 0 to 30"),
        ("milestone_due_days", -1, "from 0 to 30"),
        ("agreement_after_days", 0, "from 1 to 60"),
        ("agreement_after_days", 61, "from 1 to 60"),
        ("request_expiry_hours", 169, "from 1 to 168"),
        ("request_expiry_hours", True, "from 1 to 168"),
    ],
)
def test_refusals_name_the_field_and_save_nothing(world, field, value, message):
    managers.nudge_settings_update(actor=_manager(world), program=world.alpha_program, **VALID)
    before = _row(world)
    with pytest.raises(ValidationError) as refused:
        managers.nudge_settings_update(
            actor=_manager(world),
            program=world.alpha_program,
            **{**VALID, "milestone_due_days": 9, field: value},
        )
    assert message in refused.value.message_dict[field][0]
    after = _row(world)
    assert (after.disabled, after.inactive_days, after.milestone_due_days) == (
        before.disabled,
        before.inactive_days,
        before.milestone_due_days,
    )


def test_a_first_save_refused_makes_no_row(world):
    with pytest.raises(ValidationError):
        managers.nudge_settings_update(
            actor=_manager(world), program=world.alpha_program, **{**VALID, "inactive_days": [9, 3]}
        )
    assert _row(world) is None


def test_only_those_who_run_the_program_change_it(world):
    with pytest.raises(PermissionDenied):
        managers.nudge_settings_update(
            actor=world.alpha_member_membership, program=world.alpha_program, **VALID
        )
    assert _row(world) is None


# The page -------------------------------------------------------------------------------------


def test_the_page_shows_each_nudge_and_saves(world):
    client = logged_in_client(world.alpha_manager)
    page = client.get(_page_url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert "No contact for a while" in text and "Pairs out of contact" in text
    assert 'value="7, 14, 21"' in text
    assert "The last number also tells the program&#x27;s managers" in text
    response = client.post(_page_url(world), _form())
    assert response.status_code == 302 and response.url == _page_url(world)
    row = _row(world)
    assert row.inactive_days == [5, 10, 20] and row.disabled == ["weekly_digest"]
    assert (row.milestone_due_days, row.agreement_after_days, row.request_expiry_hours) == (
        2,
        10,
        48,
    )
    assert 'value="5, 10, 20"' in client.get(_page_url(world)).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"inactive_days": "14, 7"}, "Give each number larger than the one before"),
        ({"inactive_days": "7, two"}, "Write whole numbers of days"),
        ({"milestone_due_days": "45"}, "from 0 to 30"),
        ({"request_expiry_hours": "0"}, "from 1 to 168"),
    ],
)
def test_a_refused_save_comes_back_with_what_was_typed(world, overrides, message):
    response = logged_in_client(world.alpha_manager).post(_page_url(world), _form(**overrides))
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert f'value="{next(iter(overrides.values()))}"' in text
    assert _row(world) is None


def test_who_reaches_the_page(world):
    # Owners and admins run every program; other members do not see it; report viewers see
    # it but do not run it (as for the program's other settings pages).
    viewer = make_user("viewer@alphacanary.example", "Vera Viewer")
    _add_member(world.alpha, world.alpha_owner_membership, viewer, Role.REPORT_VIEWER)
    other_manager = make_user("other-pm@alphacanary.example", "Otto Other")
    _add_member(world.alpha, world.alpha_owner_membership, other_manager, Role.PROGRAM_MANAGER)
    expected = {
        world.alpha_owner: 200,
        world.alpha_admin: 200,
        world.alpha_manager: 200,
        world.alpha_member: 404,
        other_manager: 404,
        viewer: 403,
        world.bravo_owner: 404,
    }
    for user, code in expected.items():
        assert logged_in_client(user).get(_page_url(world)).status_code == code, user.email
        assert logged_in_client(user).post(_page_url(world), _form()).status_code in (
            code if code != 200 else 302,
        ), user.email


# The API --------------------------------------------------------------------------------------


def test_api_reads_the_defaults_and_replaces_them(world):
    client = logged_in_api_client(world.alpha_manager)
    read = client.get(_api_url(world))
    assert read.status_code == 200
    assert read.json()["inactive_days"] == [7, 14, 21] and read.json()["disabled"] == []
    kinds = {k["kind"]: k for k in read.json()["kinds"]}
    assert set(kinds) == set(PROGRAM_KINDS) and kinds["pair_inactive"]["runs"]
    saved = client.put(_api_url(world), VALID, format="json")
    assert saved.status_code == 200
    assert saved.json()["inactive_days"] == [5, 10, 20]
    assert {k["kind"]: k["runs"] for k in saved.json()["kinds"]}["weekly_digest"] is False
    assert client.get(_api_url(world)).json()["request_expiry_hours"] == 48


def test_api_refusals_are_400_with_the_fields_messages(world):
    client = logged_in_api_client(world.alpha_manager)
    response = client.put(
        _api_url(world),
        {**VALID, "inactive_days": [10, 5], "disabled": ["nope"], "agreement_after_days": 90},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "larger than the one before" in fields["inactive_days"][0]
    assert "No such nudge: nope" in fields["disabled"][0]
    assert "from 1 to 60" in fields["agreement_after_days"][0]
    missing = client.put(_api_url(world), {"inactive_days": [3]}, format="json")
    assert missing.status_code == 400 and "milestone_due_days" in missing.json()["fields"]
    assert _row(world) is None


def test_api_answers_others_404_or_403(world):
    viewer = make_user("viewer@alphacanary.example", "Vera Viewer")
    _add_member(world.alpha, world.alpha_owner_membership, viewer, Role.REPORT_VIEWER)
    for user, code in (
        (world.alpha_member, 404),
        (world.bravo_owner, 404),
        (viewer, 403),
    ):
        client = logged_in_api_client(user)
        assert client.get(_api_url(world)).status_code == code
        assert client.put(_api_url(world), VALID, format="json").status_code == code
    assert _row(world) is None
