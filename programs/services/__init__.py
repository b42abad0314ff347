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
from programs.services.enrolments import (
    PROFILE_EDITABLE_COHORT_STATES,
    enrolment_add_member,
    enrolment_invite,
    enrolment_save_profile,
    enrolment_withdraw,
    enrolments_claim_for_new_member,
    questions_for,
)
from programs.services.programs import (
    ProgramSettings,
    program_create,
    program_manager_assign,
    program_manager_unassign,
    program_set_status,
    program_update,
)
from programs.services.questions import (
    COMPARISONS_BY_KIND,
    QuestionSettings,
    program_skills_update,
    question_create,
    question_delete,
    question_move,
    question_update,
    questions_install_standard,
)

__all__ = [
    "COHORT_TRANSITIONS",
    "COMPARISONS_BY_KIND",
    "PROFILE_EDITABLE_COHORT_STATES",
    "CohortSettings",
    "ProgramSettings",
    "QuestionSettings",
    "cohort_create",
    "cohort_date_rule_violation",
    "cohort_transition",
    "cohort_update",
    "cohorts_advance_by_date",
    "enrolment_add_member",
    "enrolment_invite",
    "enrolment_save_profile",
    "enrolment_withdraw",
    "enrolments_claim_for_new_member",
    "program_create",
    "program_manager_assign",
    "program_manager_unassign",
    "program_set_status",
    "program_skills_update",
    "program_update",
    "question_create",
    "question_delete",
    "question_move",
    "question_update",
    "questions_for",
    "questions_install_standard",
]
