"""Every write of the programs app, one module per entity; import from here."""

from programs.services.bulk import enrolments_remove, enrolments_resend_invitations
from programs.services.cohorts import (
    COHORT_TRANSITIONS,
    CohortSettings,
    cohort_create,
    cohort_date_rule_violation,
    cohort_transition,
    cohort_update,
    cohorts_advance_by_date,
)
from programs.services.common import BulkResult
from programs.services.enrolments import (
    OPEN_FOR_ENROLMENT,
    PROFILE_EDITABLE_COHORT_STATES,
    application_key_matches,
    cohort_set_applications,
    enrolment_add_member,
    enrolment_apply,
    enrolment_invite,
    enrolment_update_details,
    enrolment_withdraw,
    enrolments_approve,
    enrolments_claim_for_new_member,
)
from programs.services.participant_import import ImportRejectedError, ImportResult, enrolment_import
from programs.services.profiles import enrolment_save_profile, questions_for
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
    "OPEN_FOR_ENROLMENT",
    "PROFILE_EDITABLE_COHORT_STATES",
    "BulkResult",
    "CohortSettings",
    "ImportRejectedError",
    "ImportResult",
    "ProgramSettings",
    "QuestionSettings",
    "application_key_matches",
    "cohort_create",
    "cohort_date_rule_violation",
    "cohort_set_applications",
    "cohort_transition",
    "cohort_update",
    "cohorts_advance_by_date",
    "enrolment_add_member",
    "enrolment_apply",
    "enrolment_import",
    "enrolment_invite",
    "enrolment_save_profile",
    "enrolment_update_details",
    "enrolment_withdraw",
    "enrolments_approve",
    "enrolments_claim_for_new_member",
    "enrolments_remove",
    "enrolments_resend_invitations",
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
