from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations.scope import organization_scope
from organizations.services import membership_change_role
from programs import selectors, services
from programs.models import Cohort, CohortStatus, Program, ProgramStatus
from programs.program_templates import PROGRAM_TEMPLATES
from programs.services import CohortSettings, ProgramSettings


def settings_from_template(key: str, name: str) -> ProgramSettings:
    return ProgramSettings(name=name, **PROGRAM_TEMPLATES[key].initial())


def test_program_from_a_template_gets_its_defaults(world):
    program = services.program_create(
        actor_membership=world.alpha_owner_membership,
        values=settings_from_template("career_circles", "Circles"),
        template="career_circles",
    )
    assert (program.format, program.matching_mode) == ("group", "self_select")
    assert (program.default_mentor_capacity, program.relationship_length_weeks) == (5, 24)
    assert program.status == ProgramStatus.DRAFT


def test_program_validation_names_the_fields(world):
    with pytest.raises(ValidationError) as error:
        services.program_create(
            actor_membership=world.alpha_owner_membership,
            values=ProgramSettings(
                name=world.alpha_program.name.upper(), purpose="", default_mentor_capacity=0
            ),
        )
    assert set(error.value.message_dict) == {"name", "purpose", "default_mentor_capacity"}


def test_members_and_report_viewers_cannot_create_programs(world):
    with pytest.raises(PermissionDenied):
        services.program_create(
            actor_membership=world.alpha_member_membership,
            values=ProgramSettings(name="X", purpose="Y"),
        )


def test_a_program_manager_sees_and_runs_only_their_programs(world):
    manager = world.membership(world.alpha, world.alpha_manager)
    own = services.program_create(
        actor_membership=manager, values=ProgramSettings(name="Own", purpose="P")
    )
    other = services.program_create(
        actor_membership=world.alpha_owner_membership,
        values=ProgramSettings(name="Other", purpose="P"),
    )
    visible = set(selectors.programs_visible_to(manager).values_list("name", flat=True))
    assert visible == {"Own", world.alpha_program.name}
    assert own.pk != other.pk
    with pytest.raises(PermissionDenied):
        services.program_update(
            actor_membership=manager,
            program=other,
            values=ProgramSettings(name="Taken over", purpose="P"),
        )
    assert not selectors.programs_visible_to(world.alpha_member_membership).exists()


def test_only_program_manager_role_can_be_assigned(world):
    with pytest.raises(ValidationError, match="program manager role first"):
        services.program_manager_assign(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            user_id=world.alpha_member.pk,
        )
    with pytest.raises(ValidationError, match="already manages"):
        services.program_manager_assign(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            user_id=world.alpha_manager.pk,
        )
    with pytest.raises(ValidationError, match="member of this organisation"):
        services.program_manager_assign(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            user_id=world.bravo_owner.pk,
        )


def cohort_values(**overrides) -> CohortSettings:
    values = {
        "name": "Autumn",
        "enrolment_opens_on": date(2027, 9, 1),
        "enrolment_closes_on": date(2027, 9, 30),
        "starts_on": date(2027, 10, 1),
        "ends_on": date(2028, 3, 31),
    }
    return CohortSettings(**{**values, **overrides})


def test_cohort_dates_are_validated_with_field_messages(world):
    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            values=cohort_values(
                enrolment_closes_on=date(2027, 8, 1),
                starts_on=date(2027, 7, 1),
                ends_on=date(2027, 7, 1),
            ),
        )
    assert set(error.value.message_dict) == {"enrolment_closes_on", "starts_on", "ends_on"}
    with organization_scope(world.alpha):
        assert Cohort.objects.count() == 1


def _move(world, cohort, status, **kwargs):
    return services.cohort_transition(
        actor_membership=world.alpha_owner_membership, cohort=cohort, to_status=status, **kwargs
    )


def test_cohort_lifecycle_follows_the_calendar_unless_forced(world):
    cohort = world.alpha_cohort  # enrolment 1-31 Jan 2027, runs Feb-Jul 2027
    with pytest.raises(ValidationError, match="set to open on 1 January 2027"):
        _move(world, cohort, CohortStatus.ENROLLING, today=date(2026, 12, 1))
    cohort = _move(world, cohort, CohortStatus.ENROLLING, today=date(2027, 1, 5))
    world.alpha_program.refresh_from_db()
    assert world.alpha_program.status == ProgramStatus.ACTIVE  # opening enrolment activates it
    with pytest.raises(ValidationError, match="open until 31 January 2027"):
        _move(world, cohort, CohortStatus.MATCHING, today=date(2027, 1, 20))
    cohort = _move(world, cohort, CohortStatus.MATCHING, today=date(2027, 1, 20), force=True)
    assert cohort.status == CohortStatus.MATCHING
    with pytest.raises(ValidationError, match="cannot move to completed"):
        _move(world, cohort, CohortStatus.COMPLETED, today=date(2027, 9, 1))
    cohort = _move(world, cohort, CohortStatus.ACTIVE, today=date(2027, 2, 1))
    cohort = _move(world, cohort, CohortStatus.COMPLETED, today=date(2027, 8, 1))
    assert cohort.status == CohortStatus.COMPLETED
    with pytest.raises(ValidationError, match="completed"):
        services.cohort_update(
            actor_membership=world.alpha_owner_membership, cohort=cohort, values=cohort_values()
        )


def test_reopening_enrolment_after_it_closed_needs_a_new_closing_date(world):
    cohort = _move(world, world.alpha_cohort, CohortStatus.ENROLLING, today=date(2027, 1, 5))
    cohort = _move(world, cohort, CohortStatus.MATCHING, today=date(2027, 2, 1))
    with pytest.raises(ValidationError, match="Move the closing date first"):
        _move(world, cohort, CohortStatus.ENROLLING, today=date(2027, 2, 1), force=True)


def test_the_daily_scan_moves_cohorts_by_date_once(world):
    program = world.alpha_program
    services.program_set_status(
        actor_membership=world.alpha_owner_membership, program=program, status="active"
    )
    assert (
        services.cohorts_advance_by_date(organization=world.alpha, today=date(2026, 12, 31)) == []
    )
    moved = services.cohorts_advance_by_date(organization=world.alpha, today=date(2027, 1, 1))
    assert [c.status for c in moved] == [CohortStatus.ENROLLING]
    assert services.cohorts_advance_by_date(organization=world.alpha, today=date(2027, 1, 1)) == []
    moved = services.cohorts_advance_by_date(organization=world.alpha, today=date(2027, 2, 1))
    assert [c.status for c in moved] == [CohortStatus.MATCHING]


def test_a_draft_program_does_not_open_enrolment_by_itself(world):
    assert services.cohorts_advance_by_date(organization=world.alpha, today=date(2027, 1, 5)) == []


def test_archiving_waits_for_running_cohorts(world):
    _move(world, world.alpha_cohort, CohortStatus.ENROLLING, today=date(2027, 1, 5))
    with pytest.raises(ValidationError, match="Complete these cohorts"):
        services.program_set_status(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            status="archived",
        )
    with organization_scope(world.alpha):
        assert Program.objects.get(pk=world.alpha_program.pk).status == ProgramStatus.ACTIVE


def test_a_demoted_program_manager_is_no_longer_listed_or_in_charge(world):
    manager = world.membership(world.alpha, world.alpha_manager)
    assert [m.user_id for m in selectors.program_managers_of(world.alpha_program)] == [
        world.alpha_manager.pk
    ]
    membership_change_role(
        actor_membership=world.alpha_owner_membership, membership=manager, role="member"
    )
    assert list(selectors.program_managers_of(world.alpha_program)) == []
    manager.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.program_update(
            actor_membership=manager,
            program=world.alpha_program,
            values=ProgramSettings(name="X", purpose="Y"),
        )


def test_an_admin_of_another_organisation_cannot_touch_the_program(world):
    bravo_owner = world.membership(world.bravo, world.bravo_owner)
    with pytest.raises(PermissionDenied):
        services.program_set_status(
            actor_membership=bravo_owner, program=world.alpha_program, status="archived"
        )
    with pytest.raises(PermissionDenied):
        services.program_manager_unassign(
            actor_membership=bravo_owner,
            program=world.alpha_program,
            user_id=world.alpha_manager.pk,
        )
    assert [m.user_id for m in selectors.program_managers_of(world.alpha_program)] == [
        world.alpha_manager.pk
    ]


def test_a_running_program_cannot_return_to_draft(world):
    _move(world, world.alpha_cohort, CohortStatus.ENROLLING, today=date(2027, 1, 5))
    with pytest.raises(ValidationError, match="before returning to draft"):
        services.program_set_status(
            actor_membership=world.alpha_owner_membership,
            program=world.alpha_program,
            status="draft",
        )
