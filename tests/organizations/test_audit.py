"""The organisation's audit log: every admin action is written once, in words, inside the action's
transaction; owners read it (page, CSV, API) and nothing changes or deletes an entry."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import services as matching_services
from organizations import services
from organizations.audit import (
    audit_events_for,
    audit_record,
    organization_delete_with_audit_log,
)
from organizations.audit_log import audit_sentence
from organizations.models import (
    AuditAction,
    AuditEvent,
    AuditLogAppendOnlyError,
    Membership,
    Organization,
    Role,
)
from organizations.scope import organization_scope
from programs import services as program_services
from programs.models import ProgramStatus
from reports.audit import audit
from reports.models import AuditEntry, ReportAction
from tests.conftest import CANARY, logged_in_api_client, logged_in_client
from tests.factories import make_user
from tests.matching.test_runs import small_cohort
from tests.reports.test_metrics_world import report_viewer

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only; SQLite has no such triggers here",
)


def events(organization: Organization, action: str | None = None) -> list[AuditEvent]:
    found = AuditEvent.all_organizations.filter(organization=organization)
    return list(found.filter(action=action) if action else found)


def only_new(organization: Organization, before: int) -> list[AuditEvent]:
    """The entries written since the log had `before` of them, oldest first."""
    return list(
        AuditEvent.all_organizations.filter(organization=organization).order_by("id")[before:]
    )


def count(organization: Organization) -> int:
    return AuditEvent.all_organizations.filter(organization=organization).count()


def audit_url(world, query: str = "", name: str = "organizations:audit_log") -> str:
    return reverse(name, args=[world.alpha.slug]) + (f"?{query}" if query else "")


def api_url(world, query: str = "", organization: Organization | None = None) -> str:
    slug = (organization or world.alpha).slug
    return reverse("api_audit_events", args=[slug]) + (f"?{query}" if query else "")


# Each audited action writes exactly one entry, in words ----------------------------------------


def test_a_role_change_is_written_with_both_roles(world):
    before = count(world.alpha)
    services.membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.alpha_member_membership,
        role=Role.PROGRAM_MANAGER,
    )
    [event] = only_new(world.alpha, before)
    assert event.action == AuditAction.MEMBER_ROLE_CHANGED
    assert event.actor_id == world.alpha_owner.pk
    assert event.actor_label == f"Olga {CANARY} Owner <owner@{CANARY}.example>"
    assert event.target_label == (
        f"Max {CANARY} Member <member@{CANARY}.example>: member -> program manager"
    )
    assert event.details["from"] == "member" and event.details["to"] == "program_manager"
    assert audit_sentence(event) == (
        f"Olga {CANARY} Owner changed Max {CANARY} Member's role from member to program manager"
    )


def test_choosing_the_same_role_again_writes_nothing(world):
    before = count(world.alpha)
    services.membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.alpha_member_membership,
        role=Role.MEMBER,
    )
    assert count(world.alpha) == before


def test_a_removal_and_a_departure_are_written(world):
    admin = world.membership(world.alpha, world.alpha_admin)
    before = count(world.alpha)
    services.membership_remove(actor_membership=admin, membership=world.alpha_member_membership)
    [removed] = only_new(world.alpha, before)
    assert removed.action == AuditAction.MEMBER_REMOVED
    assert removed.target_label == f"Max {CANARY} Member <member@{CANARY}.example> (member)"
    assert audit_sentence(removed) == (
        f"Adam {CANARY} Admin removed Max {CANARY} Member (member) from the organisation"
    )
    manager = world.membership(world.alpha, world.alpha_manager)
    services.membership_remove(actor_membership=manager, membership=manager)
    [left] = only_new(world.alpha, before + 1)
    assert left.details["left"] is True
    assert (
        audit_sentence(left) == f"Mia {CANARY} Manager left the organisation (was program manager)"
    )


def test_invitations_created_and_withdrawn_are_written(world):
    before = count(world.alpha)
    invitation = services.invitation_create(
        actor_membership=world.alpha_owner_membership, email="New.Person@Example.org", role="admin"
    )
    services.invitation_revoke(actor_membership=world.alpha_owner_membership, invitation=invitation)
    created, revoked = only_new(world.alpha, before)
    assert (created.action, created.target_label) == (
        AuditAction.INVITATION_CREATED,
        "new.person@example.org as admin",
    )
    assert audit_sentence(created) == f"Olga {CANARY} Owner invited new.person@example.org as admin"
    assert revoked.action == AuditAction.INVITATION_REVOKED
    assert audit_sentence(revoked) == (
        f"Olga {CANARY} Owner withdrew the invitation of new.person@example.org (admin)"
    )


def test_a_participant_invitation_is_written_once_and_reused_silently(world):
    manager = world.membership(world.alpha, world.alpha_manager)
    before = count(world.alpha)
    first = services.invitation_ensure_for_participant(
        actor_membership=manager, email="mentee@example.org"
    )
    again = services.invitation_ensure_for_participant(
        actor_membership=manager, email="mentee@example.org"
    )
    assert first.pk == again.pk
    [event] = only_new(world.alpha, before)
    assert audit_sentence(event) == f"Mia {CANARY} Manager invited mentee@example.org as member"


def test_a_name_change_and_the_two_factor_requirement_are_written_apart(world):
    before = count(world.alpha)
    services.organization_update(
        actor_membership=world.alpha_owner_membership,
        name="Alpha Renamed",
        require_mfa_for_staff=True,
    )
    renamed, mfa = only_new(world.alpha, before)
    assert renamed.action == AuditAction.ORGANIZATION_SETTINGS_CHANGED
    assert audit_sentence(renamed) == (
        f"Olga {CANARY} Owner renamed the organisation from “Alpha {CANARY} Corp” to “Alpha Renamed”"
    )
    assert mfa.action == AuditAction.ORGANIZATION_MFA_CHANGED
    assert audit_sentence(mfa) == (
        f"Olga {CANARY} Owner turned on two-factor authentication for owners, admins and "
        "report viewers"
    )
    # Saving the settings unchanged writes nothing.
    services.organization_update(
        actor_membership=world.alpha_owner_membership,
        name="Alpha Renamed",
        require_mfa_for_staff=True,
    )
    assert count(world.alpha) == before + 2


def test_archiving_a_program_is_written(world):
    before = count(world.alpha)
    program_services.program_set_status(
        actor_membership=world.alpha_owner_membership,
        program=world.alpha_program,
        status=ProgramStatus.ARCHIVED,
    )
    [event] = only_new(world.alpha, before)
    assert audit_sentence(event) == (
        f"Olga {CANARY} Owner archived the program Alpha {CANARY} Leadership"
    )
    # Archiving it again is no new action.
    program_services.program_set_status(
        actor_membership=world.alpha_owner_membership,
        program=world.alpha_program,
        status=ProgramStatus.ARCHIVED,
    )
    assert count(world.alpha) == before + 1


def test_publishing_matches_is_written_with_the_number_of_pairs(world):
    mw = small_cohort(world, mentees=2, capacity=2)
    run = matching_services.match_run_create(actor=mw.manager, cohort=mw.cohort)
    before = count(world.alpha)
    matching_services.match_run_publish(actor=mw.manager, run=run)
    [event] = only_new(world.alpha, before)
    assert event.action == AuditAction.MATCHES_PUBLISHED
    assert event.details["pairs"] == 2
    assert audit_sentence(event) == (
        f"Mia {CANARY} Manager published the matches: 2 pairs in Alpha {CANARY} Leadership, "
        f"Spring {CANARY}"
    )


def test_report_exports_are_written_and_dashboard_views_are_not(world):
    viewer = report_viewer(world)
    before = count(world.alpha)
    audit(viewer, ReportAction.VIEW_DASHBOARD, "dashboard", {})
    audit(viewer, ReportAction.API_READ, "funnel", {})
    assert count(world.alpha) == before
    audit(viewer, ReportAction.EXPORT_CSV, "progress", {"program": [world.alpha_program.pk]}, 42)
    [event] = only_new(world.alpha, before)
    assert event.action == AuditAction.REPORT_EXPORTED
    assert event.target_label == (
        f"Progress report (CSV, 42 rows): Program: Alpha {CANARY} Leadership"
    )
    assert audit_sentence(event) == (
        f"Rita Viewer exported the progress report (CSV, 42 rows): "
        f"Program: Alpha {CANARY} Leadership"
    )
    # The reports' own log keeps every view and export as before.
    with organization_scope(world.alpha):
        assert AuditEntry.objects.count() == 3


def test_a_downloaded_report_is_written_once(world):
    viewer = report_viewer(world)
    before = count(world.alpha)
    client = logged_in_client(viewer.user)
    response = client.get(reverse("exports:progress_csv", args=[world.alpha.slug]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [event] = only_new(world.alpha, before)
    assert event.action == AuditAction.REPORT_EXPORTED
    assert event.target_label.startswith("Progress report (CSV, 0 rows)")


def test_the_other_actions_read_as_sentences(world):
    owner = world.alpha_owner
    erased = audit_record(
        organization=world.alpha,
        actor=owner,
        action=AuditAction.ACCOUNT_ERASED,
        target_label="Pat Gone <pat@example.org>",
    )
    exported = audit_record(
        organization=world.alpha, actor=owner, action=AuditAction.ORGANIZATION_EXPORTED
    )
    by_the_platform = audit_record(
        organization=world.alpha, actor=None, action=AuditAction.PROGRAM_DELETED, target_label="Old"
    )
    assert audit_sentence(erased) == f"Olga {CANARY} Owner erased the account of Pat Gone"
    own_erasure = audit_record(
        organization=world.alpha, actor=world.alpha_member, action=AuditAction.ACCOUNT_ERASED
    )
    assert audit_sentence(own_erasure) == f"Max {CANARY} Member erased their account"
    assert audit_sentence(exported) == f"Olga {CANARY} Owner exported the whole organisation"
    assert audit_sentence(by_the_platform) == "The platform deleted the program Old"


def test_an_unknown_action_is_refused(world):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(organization=world.alpha, actor=world.alpha_owner, action="member.hugged")


# Rolled back with the action ----------------------------------------------------------------------


def test_a_role_change_that_rolls_back_leaves_no_entry(world, monkeypatch):
    def broken(**kwargs) -> None:
        raise RuntimeError("the socket layer is down")

    monkeypatch.setattr(services, "sockets_refresh_access", broken)
    before = count(world.alpha)
    with pytest.raises(RuntimeError):
        services.membership_change_role(
            actor_membership=world.alpha_owner_membership,
            membership=world.alpha_member_membership,
            role=Role.ADMIN,
        )
    assert count(world.alpha) == before
    assert world.membership(world.alpha, world.alpha_member).role == Role.MEMBER


def test_a_refused_action_leaves_no_entry(world):
    before = count(world.alpha)
    with pytest.raises(ValidationError):
        services.membership_change_role(
            actor_membership=world.alpha_owner_membership,
            membership=world.alpha_owner_membership,
            role=Role.MEMBER,
        )
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor_membership=world.alpha_member_membership, email="x@example.org"
        )
    assert count(world.alpha) == before


def test_an_entry_written_in_a_transaction_that_fails_is_gone(world):
    before = count(world.alpha)

    def invite_then_fail() -> None:
        with transaction.atomic():
            services.invitation_create(
                actor_membership=world.alpha_owner_membership, email="later@example.org"
            )
            raise RuntimeError("the caller failed after the invitation")

    with pytest.raises(RuntimeError):
        invite_then_fail()
    assert count(world.alpha) == before


# Append-only ----------------------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(world):
    event = audit_record(
        organization=world.alpha, actor=world.alpha_owner, action=AuditAction.ORGANIZATION_EXPORTED
    )
    event.target_label = "rewritten"
    with organization_scope(world.alpha):
        with pytest.raises(AuditLogAppendOnlyError):
            event.save()
        with pytest.raises(AuditLogAppendOnlyError):
            event.delete()
        with pytest.raises(AuditLogAppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(target_label="rewritten")
        with pytest.raises(AuditLogAppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        with pytest.raises(AuditLogAppendOnlyError):
            AuditEvent.objects.bulk_update([event], ["target_label"])
    with pytest.raises(AuditLogAppendOnlyError):
        AuditEvent.all_organizations.all().update(action=AuditAction.MEMBER_REMOVED)
    with pytest.raises(AuditLogAppendOnlyError):
        AuditEvent.all_organizations.all().delete()
    stored = AuditEvent.all_organizations.get(pk=event.pk)
    assert stored.target_label == ""


def test_deleting_an_account_keeps_its_entries_under_its_name(world):
    person = make_user("leaving@example.org", "Lee Leaving")
    membership = services.invitation_accept(
        user=person,
        organization=world.alpha,
        token=_token_for(world, person.email, Role.ADMIN),
    )
    services.membership_change_role(
        actor_membership=membership,
        membership=world.alpha_member_membership,
        role=Role.PROGRAM_MANAGER,
    )
    person.delete()
    [event] = events(world.alpha, AuditAction.MEMBER_ROLE_CHANGED)
    assert event.actor_id is None
    assert event.actor_label == "Lee Leaving <leaving@example.org>"
    assert audit_sentence(event).startswith("Lee Leaving changed Max")


def _token_for(world, email: str, role: str) -> str:
    from organizations.invitation_links import invitation_token

    invitation = services.invitation_create(
        actor_membership=world.alpha_owner_membership, email=email, role=role
    )
    return invitation_token(invitation)


@on_postgresql
def test_the_database_refuses_raw_updates_and_deletes(world):
    event = audit_record(
        organization=world.alpha, actor=world.alpha_owner, action=AuditAction.ORGANIZATION_EXPORTED
    )
    for statement in (
        "UPDATE organizations_auditevent SET target_label = 'rewritten' WHERE id = %s",
        "UPDATE organizations_auditevent SET actor_label = 'Someone', actor_id = NULL WHERE id = %s",
        "DELETE FROM organizations_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    stored = AuditEvent.all_organizations.get(pk=event.pk)
    assert (stored.target_label, stored.actor_id) == ("", world.alpha_owner.pk)


@on_postgresql
def test_the_database_lets_an_account_deletion_clear_the_actor_only(world):
    event = audit_record(
        organization=world.alpha, actor=world.alpha_admin, action=AuditAction.ORGANIZATION_EXPORTED
    )
    world.alpha_admin.delete()
    stored = AuditEvent.all_organizations.get(pk=event.pk)
    assert stored.actor_id is None
    assert stored.actor_label == f"Adam {CANARY} Admin <admin@{CANARY}.example>"


@on_postgresql
def test_only_the_organisation_deletion_path_deletes_its_log(world):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Organization.objects.filter(pk=world.bravo.pk).delete()
    assert count(world.bravo) > 0
    bravo_id = world.bravo.pk
    organization_delete_with_audit_log(world.bravo)
    assert not Organization.objects.filter(pk=bravo_id).exists()
    assert not AuditEvent.all_organizations.filter(organization_id=bravo_id).exists()
    # The permission ended with the deletion, even inside the test's wider transaction.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "DELETE FROM organizations_auditevent WHERE organization_id = %s", [world.alpha.pk]
        )
    assert count(world.alpha) > 0


def test_the_organisation_deletion_path_deletes_the_log_on_any_database(world):
    bravo_id = world.bravo.pk
    organization_delete_with_audit_log(world.bravo)
    assert not AuditEvent.all_organizations.filter(organization_id=bravo_id).exists()
    assert count(world.alpha) > 0


# Who reads it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alpha_admin", "alpha_manager", "alpha_member", "viewer"])
def test_only_owners_read_the_log(world, who):
    membership = (
        report_viewer(world)
        if who == "viewer"
        else world.membership(world.alpha, getattr(world, who))
    )
    with pytest.raises(PermissionDenied):
        audit_events_for(membership)
    client = logged_in_client(membership.user)
    assert client.get(audit_url(world)).status_code == 403
    assert client.get(audit_url(world, name="organizations:audit_log_csv")).status_code == 403
    assert logged_in_api_client(membership.user).get(api_url(world)).status_code == 403


def test_another_organisation_gets_404(world):
    client = logged_in_client(world.bravo_owner)
    assert client.get(audit_url(world)).status_code == 404
    assert client.get(audit_url(world, name="organizations:audit_log_csv")).status_code == 404
    assert logged_in_api_client(world.bravo_owner).get(api_url(world)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(audit_url(world))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(api_url(world)).status_code in (401, 403)


def test_each_organisation_reads_only_its_own_log(world):
    services.invitation_create(
        actor_membership=world.membership(world.bravo, world.bravo_owner), email="b@example.org"
    )
    body = (
        logged_in_client(world.bravo_owner)
        .get(reverse("organizations:audit_log", args=[world.bravo.slug]))
        .content.decode()
    )
    assert "b@example.org" in body
    assert CANARY not in body
    data = logged_in_api_client(world.bravo_owner).get(api_url(world, organization=world.bravo))
    assert CANARY not in data.content.decode()
    download = logged_in_client(world.bravo_owner).get(
        reverse("organizations:audit_log_csv", args=[world.bravo.slug])
    )
    rows = _csv_rows(download)
    assert any("b@example.org" in row[3] for row in rows)
    assert CANARY not in str(rows)


# The page ------------------------------------------------------------------------------------------


def test_the_page_shows_each_entry_as_a_sentence_newest_first(world):
    services.membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.alpha_member_membership,
        role=Role.PROGRAM_MANAGER,
    )
    response = logged_in_client(world.alpha_owner).get(audit_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    total = count(world.alpha)
    sentence = (
        f"Olga {CANARY} Owner changed Max {CANARY} Member&#x27;s role from member to "
        "program manager"
    )
    assert sentence in html
    assert f"{total} entries, newest first" in html  # the world's invitations, then the change
    assert html.index("changed Max") < html.index("invited invitee@")
    assert reverse("reports:audit_log", args=[world.alpha.slug]) in html
    assert 'href="' + audit_url(world, name="organizations:audit_log_csv") in html


def test_the_owners_navigation_links_to_the_log(world):
    overview = reverse("overview", args=[world.alpha.slug])
    assert audit_url(world) in logged_in_client(world.alpha_owner).get(overview).content.decode()
    assert (
        audit_url(world) not in logged_in_client(world.alpha_admin).get(overview).content.decode()
    )


def test_the_reports_view_log_links_back_to_the_admin_actions(world):
    page = logged_in_client(world.alpha_owner).get(
        reverse("reports:audit_log", args=[world.alpha.slug])
    )
    assert audit_url(world) in page.content.decode()


def _write_entries(world, how_many: int, **fields) -> None:
    with organization_scope(world.alpha):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                organization=world.alpha,
                actor=fields.get("actor", world.alpha_owner),
                actor_label=fields.get("actor_label", "Olga Owner <owner@example.org>"),
                action=fields.get("action", AuditAction.ORGANIZATION_EXPORTED),
                target_label=f"entry {number}",
                created_at=fields.get("created_at") or datetime.datetime.now(datetime.UTC),
            )
            for number in range(how_many)
        )


def test_fifty_a_page_and_the_links_keep_the_filters(world):
    _write_entries(world, 51)
    client = logged_in_client(world.alpha_owner)
    query = "action=organization.exported"
    first = client.get(audit_url(world, query)).content.decode()
    assert first.count('class="audit-entry"') == 50
    assert "51 entries matching the filters" in first
    assert f'href="?{query}&amp;page=2"' in first
    second = client.get(audit_url(world, f"{query}&page=2")).content.decode()
    assert second.count('class="audit-entry"') == 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("make_client", "url"),
    [
        (logged_in_client, lambda world: audit_url(world)),
        (logged_in_client, lambda world: audit_url(world, name="organizations:audit_log_csv")),
        (logged_in_api_client, lambda world: api_url(world)),
    ],
    ids=["page", "csv", "api"],
)
def test_the_query_count_does_not_grow_with_the_entries(
    world, make_client, url: Callable, django_assert_max_num_queries
):
    client = make_client(world.alpha_owner)
    _write_entries(world, 5)
    with_five = _queries(client, url(world))
    _write_entries(world, 45)
    with django_assert_max_num_queries(with_five):
        response = client.get(url(world))
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert with_five <= 12


# Filters ---------------------------------------------------------------------------------------------


def test_the_filters_narrow_the_log(world):
    admin = world.membership(world.alpha, world.alpha_admin)
    services.membership_change_role(
        actor_membership=admin, membership=world.alpha_member_membership, role=Role.PROGRAM_MANAGER
    )
    old = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
    _write_entries(world, 2, created_at=old)
    client = logged_in_client(world.alpha_owner)

    by_action = client.get(audit_url(world, "action=member.role_changed")).content.decode()
    assert "1 entry matching the filters" in by_action and "changed Max" in by_action

    by_person = client.get(audit_url(world, f"person={world.alpha_admin.pk}")).content.decode()
    assert "1 entry matching the filters" in by_person
    assert f"Adam {CANARY} Admin ({world.alpha_admin.email})" in by_person  # in the person list

    in_march = client.get(audit_url(world, "since=2026-03-10&until=2026-03-10")).content.decode()
    assert "2 entries matching the filters" in in_march
    after = client.get(audit_url(world, "since=2026-03-11")).content.decode()
    assert "entry 0" not in after and "changed Max" in after

    api = logged_in_api_client(world.alpha_owner)
    data = api.get(api_url(world, f"person={world.alpha_admin.pk}")).json()
    assert data["count"] == 1
    assert data["results"][0]["action"] == "member.role_changed"
    assert data["results"][0]["description"].startswith(f"Adam {CANARY} Admin changed Max")
    assert api.get(api_url(world, "until=2026-03-09")).json()["count"] == 0


def test_the_days_are_read_in_the_viewers_time_zone(world):
    # 23:30 UTC on 9 March is already 10 March in Auckland.
    _write_entries(world, 1, created_at=datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.UTC))
    world.alpha_owner.timezone = "Pacific/Auckland"
    world.alpha_owner.save(update_fields=["timezone"])
    client = logged_in_client(world.alpha_owner)
    page = client.get(audit_url(world, "since=2026-03-10&until=2026-03-10")).content.decode()
    assert "1 entry matching the filters" in page
    assert "10 Mar 2026 12:30" in page
    api = logged_in_api_client(world.alpha_owner)
    assert api.get(api_url(world, "since=2026-03-10&until=2026-03-10")).json()["count"] == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("action=member.hugged", "action", "Choose an action from the list."),
        ("person=999999", "person", "nobody else has an entry in the log"),
        ("person=abc", "person", "nobody else has an entry in the log"),
        ("since=2026-13-01", "since", "Enter a valid date."),
        ("since=2026-03-10&until=2026-03-01", "until", "The last day comes before the first day."),
    ],
)
def test_bad_filters_are_refused_with_the_reason(world, query, field, message):
    page = logged_in_client(world.alpha_owner).get(audit_url(world, query))
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert 'class="audit-entry"' not in html
    csv_response = logged_in_client(world.alpha_owner).get(
        audit_url(world, query, name="organizations:audit_log_csv")
    )
    assert csv_response.status_code == 400
    before = count(world.alpha)
    api = logged_in_api_client(world.alpha_owner).get(api_url(world, query))
    assert api.status_code == 400
    assert any(message in text for text in api.json()["fields"][field])
    assert count(world.alpha) == before  # a refused download is not written


def test_a_person_from_another_organisation_is_not_a_filter(world):
    bravo = world.membership(world.bravo, world.bravo_owner)
    services.invitation_create(actor_membership=bravo, email="b@example.org")
    response = logged_in_client(world.alpha_owner).get(
        audit_url(world, f"person={world.bravo_owner.pk}")
    )
    assert response.status_code == 400


# CSV ----------------------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_the_filtered_log_and_is_itself_written(world):
    services.membership_change_role(
        actor_membership=world.alpha_owner_membership,
        membership=world.alpha_member_membership,
        role=Role.PROGRAM_MANAGER,
    )
    audit_record(
        organization=world.alpha,
        actor=world.alpha_owner,
        action=AuditAction.ACCOUNT_ERASED,
        target_label='=HYPERLINK("http://evil.example") <x@example.org>',
    )
    before = count(world.alpha)
    response = logged_in_client(world.alpha_owner).get(
        audit_url(world, "action=member.role_changed", name="organizations:audit_log_csv")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-audit-log-')
    assert response["Cache-Control"] == "private, no-store"
    header, *rows = _csv_rows(response)
    assert header == ["When", "Who", "Action", "What happened", "About", "Details"]
    assert len(rows) == 1
    assert rows[0][2] == "member.role_changed"
    assert rows[0][3] == (
        f"Olga {CANARY} Owner changed Max {CANARY} Member's role from member to program manager"
    )
    [download] = only_new(world.alpha, before)
    assert download.action == AuditAction.AUDIT_EXPORTED
    assert download.target_label == "Role changed"
    assert download.details == {"filters": {"action": "member.role_changed"}}

    # The whole log: every entry but the download being written, formulas neutralised.
    response = logged_in_client(world.alpha_owner).get(
        audit_url(world, name="organizations:audit_log_csv")
    )
    header, *rows = _csv_rows(response)
    assert len(rows) == before + 1  # the earlier download is in it, this one is not
    erased = next(row for row in rows if row[2] == "account.erased")
    assert erased[4].startswith("'=HYPERLINK")
    assert erased[3].startswith(f"Olga {CANARY} Owner erased the account of")


def test_the_api_lists_entries_paginated(world):
    _write_entries(world, 60)
    data = logged_in_api_client(world.alpha_owner).get(api_url(world)).json()
    assert data["count"] == count(world.alpha) >= 60
    assert len(data["results"]) == 50
    first = data["results"][0]
    assert set(first) == {
        "id", "created_at", "actor", "actor_label", "action", "action_label", "target_label",
        "description", "details",
    }  # fmt: skip
    assert first["actor"] == world.alpha_owner.pk
    assert data["next"]


def test_memberships_keep_their_roles_when_the_log_is_read(world):
    """Reading the log changes nothing (no entry, no role)."""
    before = count(world.alpha)
    logged_in_client(world.alpha_owner).get(audit_url(world))
    logged_in_api_client(world.alpha_owner).get(api_url(world))
    assert count(world.alpha) == before
    with organization_scope(world.alpha):
        assert Membership.objects.get(user=world.alpha_owner).role == Role.OWNER


def test_an_operator_deletes_an_organisation_with_its_log_in_the_admin(world):
    operator = make_user("operator@example.org", is_staff=True, is_superuser=True)
    bravo_id = world.bravo.pk
    assert count(world.bravo) > 0
    response = logged_in_client(operator).post(
        reverse("admin:organizations_organization_delete", args=[bravo_id]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=bravo_id).exists()
    assert not AuditEvent.all_organizations.filter(organization_id=bravo_id).exists()
    assert count(world.alpha) > 0
