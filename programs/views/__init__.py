"""The programs app's pages, one module per area; the URLconf imports them from here."""

from programs.views.cohorts import (
    cohort_applications,
    cohort_create,
    cohort_detail,
    cohort_edit,
    cohort_status,
)
from programs.views.participants import (
    participant_add,
    participant_edit,
    participant_import,
    participant_invite,
    participants,
    participants_bulk,
)
from programs.views.participation import apply, enrolment_withdraw, my_programs, profile_edit
from programs.views.programs import (
    manager_assign,
    manager_remove,
    program_create,
    program_detail,
    program_edit,
    program_list,
    program_status,
)
from programs.views.questions import (
    question_create,
    question_delete,
    question_edit,
    question_move,
    questions,
    skills_update,
)

__all__ = [
    "apply",
    "cohort_applications",
    "cohort_create",
    "cohort_detail",
    "cohort_edit",
    "cohort_status",
    "enrolment_withdraw",
    "manager_assign",
    "manager_remove",
    "my_programs",
    "participant_add",
    "participant_edit",
    "participant_import",
    "participant_invite",
    "participants",
    "participants_bulk",
    "profile_edit",
    "program_create",
    "program_detail",
    "program_edit",
    "program_list",
    "program_status",
    "question_create",
    "question_delete",
    "question_edit",
    "question_move",
    "questions",
    "skills_update",
]
