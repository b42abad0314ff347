"""Every write of the programs app, one module per entity; import from here."""

from programs.services.cohorts import (
    COHORT_TRANSITIONS,
    CohortSettings,
    cohort_create,
    cohort_date_rule_violation,
    cohort_transition,
    cohort_update,
    cohorts_advance_by_date,
)
from programs.services.programs import (
    ProgramSettings,
    program_create,
    program_manager_assign,
    program_manager_unassign,
    program_set_status,
    program_update,
)

__all__ = [
    "COHORT_TRANSITIONS",
    "CohortSettings",
    "ProgramSettings",
    "cohort_create",
    "cohort_date_rule_violation",
    "cohort_transition",
    "cohort_update",
    "cohorts_advance_by_date",
    "program_create",
    "program_manager_assign",
    "program_manager_unassign",
    "program_set_status",
    "program_update",
]
