import pytest

from organizations.models import Membership
from organizations.scope import TenantScopeError, organization_scope


def test_query_without_scope_fails_closed(world):
    with pytest.raises(TenantScopeError):
        list(Membership.objects.all())


def test_scope_limits_rows_to_the_organisation(world):
    with organization_scope(world.bravo):
        emails = {m.user.email for m in Membership.objects.select_related("user")}
    assert emails == {"owner@bravo.example"}
    with organization_scope(world.alpha):
        assert Membership.objects.count() == 4
        # A lookup of another organisation's row by primary key finds nothing.
        bravo_ids = list(
            Membership.all_organizations.filter(organization=world.bravo).values_list(
                "pk", flat=True
            )
        )
        assert not Membership.objects.filter(pk__in=bravo_ids).exists()


def test_saving_into_another_organisation_than_the_scope_raises(world):
    with organization_scope(world.bravo), pytest.raises(TenantScopeError):
        Membership(organization=world.alpha, user=world.bravo_owner, role="member").save()
    assert not Membership.all_organizations.filter(
        organization=world.alpha, user=world.bravo_owner
    ).exists()


def test_querysets_built_in_scope_stay_scoped_after_it(world):
    with organization_scope(world.bravo):
        queryset = Membership.objects.all()
    assert [m.organization_id for m in queryset] == [world.bravo.pk]


def test_escape_hatch_is_explicit(world):
    assert Membership.all_organizations.count() == 5


def test_bulk_create_into_another_organisation_raises(world):
    rows = [Membership(organization=world.alpha, user=world.bravo_owner, role="member")]
    with organization_scope(world.bravo), pytest.raises(TenantScopeError):
        Membership.objects.bulk_create(rows)
    with pytest.raises(TenantScopeError):
        Membership.objects.bulk_create(rows)
    assert not Membership.all_organizations.filter(
        organization=world.alpha, user=world.bravo_owner
    ).exists()
