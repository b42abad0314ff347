"""What a pair shares: a library resource or a document of their own, attached to a goal or a
milestone if they like; the mentee marks it done, and a goal it belongs to records that in its
progress history. Only the pair reads what is shared."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from goals.access import pair_enrolment, require_pair
from goals.models import Goal, Milestone
from goals.services import goal_history_note
from messaging.attachments import clean_upload
from organizations.models import Membership
from organizations.scope import organization_scope
from programs.models import Mentorship
from resources import selectors
from resources.models import Audience, SharedItem
from resources.services import resource_counted, resource_file_extensions


def _attachment(
    mentorship: Mentorship, goal_id: int | None, milestone_id: int | None
) -> tuple[Goal | None, Milestone | None]:
    """The goal (and milestone) of this mentorship an item is attached to."""
    milestone = None
    if milestone_id:
        milestone = (
            Milestone.objects.select_related("goal")
            .filter(pk=milestone_id, goal__mentorship=mentorship)
            .first()
        )
        if milestone is None:
            raise ValidationError({"milestone": "Choose a milestone of this mentorship's goals."})
        return milestone.goal, milestone
    if goal_id:
        goal = Goal.objects.filter(pk=goal_id, mentorship=mentorship).first()
        if goal is None:
            raise ValidationError({"goal": "Choose one of this mentorship's goals."})
        return goal, None
    return None, None


def _require_open_pair(actor: Membership, mentorship: Mentorship) -> None:
    require_pair(actor, mentorship)
    if not mentorship.is_open:
        raise ValidationError("This mentorship has ended: nothing more is shared in it.")


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "At most 2,000 characters."})
    return note


@transaction.atomic
def resource_share(
    *, actor: Membership, mentorship: Mentorship, resource_id: int, note: str = "",
    goal_id: int | None = None, milestone_id: int | None = None,
) -> SharedItem:  # fmt: skip
    """Share a library resource of the mentorship's program that the sharer may read."""
    _require_open_pair(actor, mentorship)
    try:
        resource = selectors.get_resource_for(actor, resource_id)
    except Http404:
        raise ValidationError(
            {"resource": "Choose a resource from your program's library."}
        ) from None
    if resource.program_id != mentorship.cohort.program_id:
        raise ValidationError({"resource": "Choose a resource from your program's library."})
    if resource.audience != Audience.BOTH:
        partner = "mentee" if resource.audience == Audience.MENTOR else "mentor"
        raise ValidationError(
            {"resource": f"This one is for {resource.get_audience_display().lower()} only: "
                         f"your {partner} could not open it."}
        )  # fmt: skip
    note = _clean_note(note)
    with organization_scope(actor.organization):
        goal, milestone = _attachment(mentorship, goal_id, milestone_id)
        item = SharedItem.objects.create(
            organization=actor.organization, mentorship=mentorship, resource=resource,
            title=resource.title, note=note, goal=goal, milestone=milestone,
            shared_by=actor.user,
        )  # fmt: skip
    resource_counted(organization=actor.organization, resource_id=resource.pk, what="shares")
    return item


@transaction.atomic
def document_share(
    *, actor: Membership, mentorship: Mentorship, upload: UploadedFile, title: str = "",
    note: str = "", goal_id: int | None = None, milestone_id: int | None = None,
) -> SharedItem:  # fmt: skip
    """Share a document with the pair (allowed types and size as for the library)."""
    _require_open_pair(actor, mentorship)
    checked = clean_upload(
        upload, allowed=resource_file_extensions(), max_size=settings.RESOURCE_FILE_MAX_BYTES,
        field="file", action="upload", done="uploaded",
    )  # fmt: skip
    note = _clean_note(note)
    with organization_scope(actor.organization):
        goal, milestone = _attachment(mentorship, goal_id, milestone_id)
        item = SharedItem(
            organization=actor.organization, mentorship=mentorship,
            title=((title or "").strip() or checked.name)[:200], note=note, goal=goal,
            milestone=milestone, shared_by=actor.user, file_name=checked.name,
            content_type=checked.content_type, size=checked.size,
        )  # fmt: skip
        item.file.save(checked.name, checked.upload, save=False)
        stored, storage = item.file.name, item.file.storage
        try:
            item.save()
        except Exception:
            storage.delete(stored)
            raise
    return item


@transaction.atomic
def shared_item_complete(*, actor: Membership, item: SharedItem, done: bool = True) -> SharedItem:
    """A mentee marks what was shared as done (or not); a goal it belongs to notes it."""
    mentorship = item.mentorship
    enrolment = pair_enrolment(actor, mentorship)
    if enrolment is None or enrolment.pk == mentorship.mentor_id:
        raise PermissionDenied("The mentee marks what they have read or done.")
    if bool(item.done_on) == done:
        return item
    item.done_on = timezone.localdate() if done else None
    with organization_scope(actor.organization):
        SharedItem.objects.filter(pk=item.pk).update(done_on=item.done_on)
        if done and item.goal_id:
            goal = Goal.objects.select_related("mentorship").get(pk=item.goal_id)
            goal.mentorship = mentorship
            goal_history_note(actor=actor, goal=goal, note=f"Done: {item.title}")
    if item.resource_id:  # one completion per item done, taken back when undone
        resource_counted(
            organization=actor.organization, resource_id=item.resource_id, what="completions",
            by=1 if done else -1,
        )  # fmt: skip
    return item


@transaction.atomic
def shared_item_remove(*, actor: Membership, item: SharedItem) -> None:
    """The one who shared something takes it back (its document goes once that is committed)."""
    require_pair(actor, item.mentorship)
    if item.shared_by_id != actor.user_id:
        raise PermissionDenied("Only the one who shared it can remove it.")
    stored = item.file.name if item.file else ""
    storage = item.file.storage if item.file else None
    with organization_scope(actor.organization):
        SharedItem.objects.filter(pk=item.pk).delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))
