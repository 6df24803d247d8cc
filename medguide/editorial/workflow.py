"""The editorial workflow: draft → in review → published → archived, and who may move what.

Editors write drafts and submit them for review; medical reviewers publish (recording who
reviewed the monograph and when), send work back with a comment, and archive; site
administrators may do everything. The roles are Django groups created by a data migration,
and every move is checked here, whether it comes from a button, a bulk action or a forged POST.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from medguide.editorial.models import Publishable, ReviewerProfile, Status, WorkflowEvent

EDITOR = "Editor"
MEDICAL_REVIEWER = "Medical reviewer"
SITE_ADMINISTRATOR = "Site administrator"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button
    sources: frozenset[str]
    target: str
    needs_publish_permission: bool
    needs_comment: bool = False

    @property
    def done(self) -> str:
        """What the history records, e.g. "Approved and published"."""
        return DONE[self.name]

    def is_possible_for(self, item: Publishable) -> bool:
        """Whether the item's state allows this move. Publishing also takes a live item with a
        pending draft (medguide.editorial.drafts): the draft replaces the live version."""
        if item.status in self.sources:
            return True
        return self.name == "publish" and item.is_live and item.has_pending_draft


DONE = {
    "submit": "Submitted for review",
    "publish": "Approved and published",
    "send_back": "Sent back to the editor",
    "archive": "Archived",
    "unpublish": "Moved back to draft",
}


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit", "Submit for review", frozenset({Status.DRAFT}), Status.IN_REVIEW, False
        ),
        Transition(
            "publish",
            "Approve and publish",
            frozenset({Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED}),
            Status.PUBLISHED,
            True,
        ),
        Transition(
            "send_back",
            "Send back to the editor",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            True,
            needs_comment=True,
        ),
        Transition("archive", "Archive", frozenset({Status.PUBLISHED}), Status.ARCHIVED, True),
        Transition("unpublish", "Back to draft", frozenset({Status.PUBLISHED}), Status.DRAFT, True),
    ]
}


class WorkflowError(Exception):
    """A move that is not possible from the item's state, or lacks what it needs."""


def publish_permission(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can(user: AbstractBaseUser, transition: Transition, item: Publishable) -> bool:
    """Whether this user may make this move on this item (whatever its current state)."""
    opts = item._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    return not transition.needs_publish_permission or user.has_perm(publish_permission(type(item)))


def available(user: AbstractBaseUser, item: Publishable) -> list[Transition]:
    """The moves this user can make on this item now, in the order buttons show them."""
    return [t for t in TRANSITIONS.values() if t.is_possible_for(item) and can(user, t, item)]


def apply(item: Publishable, transition: Transition, *, user, comment: str = "") -> str:
    """Move the item (not saved) and return the sentence the admin history records. Publishing
    records who approved it and the review line readers see; every move goes on the item's
    audit trail (written now, or with the item's first save when it is new)."""
    if not transition.is_possible_for(item):
        raise WorkflowError(
            f"“{transition.label}” is not possible for an item that is "
            f"{item.get_status_display().lower()}."
        )
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise WorkflowError("Say what needs changing: the editor sees your comment.")
    from_status = item.status
    item.status = transition.target
    item.review_note = comment if transition.name == "send_back" else ""
    if transition.name == "publish":
        # Who reviewed it is who approved it: recorded here, never typed into a form.
        item.approved_by = user
        item.reviewed_by = reviewer_credit(user)
        item.reviewed_on = timezone.localdate()
    _record_event(
        item,
        WorkflowEvent(
            actor=user,
            actor_name=_name(user),
            action=transition.name,
            from_status=from_status,
            to_status=item.status,
            comment=comment,
        ),
    )
    return f"{transition.done}: {comment}" if comment else f"{transition.done}."


def reviewer_credit(user) -> str:
    """The review line's name for this user: their reviewer profile's "Jane Smith, PharmD",
    else their full name or username (has_reviewer_profile() says which)."""
    profile = _profile(user)
    return profile.credit if profile is not None else _name(user)


def has_reviewer_profile(user) -> bool:
    return _profile(user) is not None


def _profile(user) -> ReviewerProfile | None:
    try:
        return user.reviewer_profile
    except (ReviewerProfile.DoesNotExist, AttributeError):
        return None


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


# The audit trail ------------------------------------------------------------------------------
# apply() runs before the item is saved, and a new item has no primary key yet: its event is
# kept on the item and written by the post_save below, in the same transaction as the item.

_PENDING = "_pending_workflow_events"


def _record_event(item: Publishable, event: WorkflowEvent) -> None:
    if item.pk is not None:
        event.content_type = ContentType.objects.get_for_model(item)
        event.object_id = item.pk
        event.save()
    else:
        item.__dict__.setdefault(_PENDING, []).append(event)


@receiver(post_save, dispatch_uid="medguide.editorial.workflow.pending_events")
def _write_pending_events(sender, instance, **kwargs) -> None:
    events = instance.__dict__.pop(_PENDING, None)
    for event in events or ():
        _record_event(instance, event)


def audit_trail(item: models.Model):
    """The item's workflow events, newest first, with their actors."""
    return WorkflowEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).select_related("actor")
