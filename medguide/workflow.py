"""The editorial workflow: draft → in review → published → archived, and who may move what.

Editors write drafts and submit them for review; medical reviewers publish (recording who
reviewed the monograph and when), send work back with a comment, and archive; site
administrators may do everything. The roles are Django groups created by a data migration,
and every move is checked here, whether it comes from a button, a bulk action or a forged POST.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

from medguide.models import Publishable, Status

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
    return [t for t in TRANSITIONS.values() if item.status in t.sources and can(user, t, item)]


def apply(item: Publishable, transition: Transition, *, user, comment: str = "") -> str:
    """Move the item (not saved) and return the sentence the admin history records."""
    if item.status not in transition.sources:
        raise WorkflowError(
            f"“{transition.label}” is not possible for an item that is "
            f"{item.get_status_display().lower()}."
        )
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise WorkflowError("Say what needs changing: the editor sees your comment.")
    item.status = transition.target
    item.review_note = comment if transition.name == "send_back" else ""
    if transition.name == "publish" and hasattr(item, "record_review"):
        item.record_review(by=user, on=timezone.localdate())
    return f"{transition.done}: {comment}" if comment else f"{transition.done}."
