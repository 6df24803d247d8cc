"""Drafts of live content: an editor's changes to a published monograph or guide wait, as the
form they submitted, until a medical reviewer publishes them; readers keep the live version.

Also rehearsals: writes made inside `rehearsal()` are always rolled back, and the search index
and page cache ignore them (`is_rehearsing()`), so a draft can be validated, previewed and
compared by applying it for real and then undoing it.
See docs/decisions/drafts-of-live-content.md."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from medguide.editorial.concurrency import CLAIMED, claim
from medguide.editorial.models import Publishable

# Keys of the admin's POST that say how the form was sent, not what it says.
NOT_CONTENT = frozenset(
    {
        "csrfmiddlewaretoken",
        "_save",
        "_continue",
        "_addanother",
        "_saveasnew",
        "_popup",
        "_workflow",
        "_workflow_comment",
        "_edit_token",
        "_version",
        "_change_summary",
        "_change_section",
    }
)
UPLOADS = "drafts"  # where a draft's uploaded files wait, in default storage

_state = threading.local()


@contextmanager
def rehearsal() -> Iterator[None]:
    """Run the block in a transaction (a savepoint when nested) that is always rolled back.
    Model instances changed inside keep their changed attributes: fetch them again after."""
    depth = getattr(_state, "depth", 0)
    _state.depth = depth + 1
    try:
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)
    finally:
        _state.depth = depth


def is_rehearsing() -> bool:
    """Whether this thread is inside a rehearsal: its writes never reach readers, so signal
    receivers that refresh derived data (search index, page cache) skip them."""
    return getattr(_state, "depth", 0) > 0


def form_data(post: QueryDict) -> dict[str, list[str]]:
    """The content of an admin change form's POST (main form and every inline formset)."""
    return {key: post.getlist(key) for key in post if key not in NOT_CONTENT}


def as_query_dict(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    query._mutable = False
    return query


def keep_uploads(files: MultiValueDict) -> dict[str, str]:
    """Store a draft's uploaded files in default storage (shared by every app server) and
    return their names there, by form field."""
    kept = {}
    for key, upload in files.items():
        name = PurePosixPath(upload.name).name
        kept[key] = default_storage.save(f"{UPLOADS}/{uuid.uuid4().hex}/{name}", upload)
    return kept


def uploads(draft: dict) -> MultiValueDict:
    """The draft's stored files, as the form would receive them again."""
    files = MultiValueDict()
    for key, name in (draft.get("files") or {}).items():
        if default_storage.exists(name):
            handle = default_storage.open(name, "rb")
            files[key] = UploadedFile(
                handle, name=PurePosixPath(name).name, size=default_storage.size(name)
            )
    return files


def save_draft(
    item: Publishable,
    *,
    data: dict,
    fields: list[str],
    files: dict[str, str],
    by,
    seen_version: int,
) -> None:
    """Keep `data` (an admin POST's content, see form_data) as the item's pending draft.
    Call inside the transaction that validated it.

    Only the draft columns and the version are written, with QuerySet.update: no post_save
    is sent, so the search index, the page cache and `updated_at` do not move."""
    _claim(item, seen_version=seen_version)
    _forget_uploads(item.draft)
    now = timezone.now()
    draft = {"data": data, "fields": fields, "files": files}
    type(item)._default_manager.filter(pk=item.pk).update(draft=draft, draft_by=by, draft_at=now)
    item.draft, item.draft_by, item.draft_at = draft, by, now


def discard_draft(item: Publishable, *, seen_version: int) -> None:
    """Forget the item's pending draft; the live version stays as it is."""
    _claim(item, seen_version=seen_version)
    _forget_uploads(item.draft)
    type(item)._default_manager.filter(pk=item.pk).update(draft=None, draft_by=None, draft_at=None)
    item.draft, item.draft_by, item.draft_at = None, None, None


def forget_draft(item: Publishable) -> None:
    """Clear the draft on the instance (saved with it): it is being saved as the live version,
    or the form that started from the draft is being saved directly."""
    _forget_uploads(item.draft)
    item.draft, item.draft_by, item.draft_at = None, None, None


def _claim(item: Publishable, *, seen_version: int | None) -> None:
    """Raise the version as any save does (medguide.editorial.concurrency): a draft saved over
    a page that showed an older version is refused with EditConflict, like a direct save."""
    claim(item, seen_version=seen_version)
    item.__dict__.pop(CLAIMED, None)  # nothing saves the instance: no save to skip


def _forget_uploads(draft: dict | None) -> None:
    for name in ((draft or {}).get("files") or {}).values():
        # After the transaction: until then the draft that names them may still be used.
        transaction.on_commit(lambda name=name: default_storage.delete(name), robust=True)
