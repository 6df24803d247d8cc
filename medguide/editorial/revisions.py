"""Revision history for monographs and guides, on django-reversion: what changed between two
revisions, in words an editor reads, and what changed since someone opened a page.

Every admin save stores a revision of the item with its inline rows (names, doses,
formulations and strengths, side effects, interactions, references, curated guides), so an
earlier revision can be compared with any other and restored as a new revision."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

HIDDEN_FIELDS = {
    "updated_at",
    "created_at",
    "body_html",
    "headings",
    "hero_renditions",
    "version",
}


@dataclass(frozen=True)
class Difference:
    """One change between two revisions: a row added or removed, or a field changed."""

    what: str  # e.g. "Brand name “Lioresal”"
    field: str = ""  # the field's label, for a change
    before: str = ""  # safe HTML, escaped by compare()
    after: str = ""
    change: str = "changed"  # "added", "removed" or "changed"


def versions_for(item: models.Model):
    """The item's versions, newest first, with their revision and its author."""
    return Version.objects.get_for_object(item).select_related("revision__user")


def compare(older: Version, newer: Version) -> list[Difference]:
    """What changed from the revision of `older` to the revision of `newer`: the item's own
    fields and every row saved with it."""
    before, after = _contents(older), _contents(newer)
    differences = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if (old is None or new is None) and key[0] in UNFOLLOWED_ROWS:
            continue  # in one revision because it was saved then: not added, nor removed
        if old is None:
            differences.append(Difference(what=new.label, change="added"))
        elif new is None:
            differences.append(Difference(what=old.label, change="removed"))
        else:
            differences += _field_changes(old, new)
    return differences


def changes_since(item: models.Model, moment: datetime) -> tuple[list[Version], list[Difference]]:
    """The revisions saved after `moment`, and what they changed together."""
    versions = list(versions_for(item))
    later = [v for v in versions if v.revision.date_created > moment]
    earlier = [v for v in versions if v.revision.date_created <= moment]
    if not later or not earlier:
        return later, []
    return later, compare(earlier[0], later[0])


def changes_since_version(
    item: models.Model, version: int | None
) -> tuple[list[Version], list[Difference]]:
    """The revisions saved after the item's `version` (a Publishable's save count), and what
    they changed together since the revision of that version, when history has it."""
    versions = list(versions_for(item))
    numbered = [(v.field_dict.get("version") or 0, v) for v in versions]
    seen = version or 0
    later = [v for number, v in numbered if number > seen]
    earlier = [v for number, v in numbered if number <= seen]
    if not later or not earlier:
        return later, []
    return later, compare(earlier[0], later[0])


# Reading revisions ----------------------------------------------------------------------------


# Rows a revision keeps so that restoring it works, not to be listed: a guide's tags are listed
# once, by their links (taggit's TaggedItem, shown as "Tag “…”"), not again as the tags.
UNLISTED_ROWS = {"taggit.Tag"}
# Rows of an inline an item's revisions do not follow (a monograph's public change log, which
# restoring must never delete): a revision holds one only when the admin saved it with the
# item, which a form does only for a row that changed. Missing from a revision, it was not
# removed; its admin adds its model's label here when it registers the item.
UNFOLLOWED_ROWS: set[str] = set()


@dataclass(frozen=True)
class _Row:
    label: str
    model: type[models.Model]
    fields: dict


def _contents(version: Version) -> dict[tuple[str, str], _Row]:
    rows = {}
    for v in version.revision.version_set.select_related("content_type"):
        model = v.content_type.model_class()
        if model is None or model._meta.label in UNLISTED_ROWS:
            continue
        rows[(model._meta.label, v.object_id)] = _Row(_label(model, v), model, v.field_dict)
    return rows


def _label(model: type[models.Model], version: Version) -> str:
    if model._meta.label == "taggit.TaggedItem":
        # Stored as "<guide> tagged with <tag>": the guide is the one being compared.
        return f"Tag “{version.object_repr.rpartition(' tagged with ')[2]}”"
    name = model._meta.verbose_name
    return name[:1].upper() + name[1:] + f" “{version.object_repr}”"


def _field_changes(old: _Row, new: _Row) -> list[Difference]:
    differences = []
    for field in new.model._meta.get_fields():
        name = getattr(field, "attname", None) or field.name
        if name in HIDDEN_FIELDS or name not in new.fields:
            continue
        was, now = old.fields.get(name), new.fields.get(name)
        if _same(was, now):
            continue
        before, after = _show(was), _show(now)
        if isinstance(was, str) and isinstance(now, str) and (" " in was or " " in now):
            before, after = _word_diff(was, now)
        differences.append(
            Difference(
                what=new.label,
                field=str(getattr(field, "verbose_name", name)),
                before=before,
                after=after,
            )
        )
    return differences


def _same(a, b) -> bool:
    """Whether two stored values say the same, as the admin form would show them: a revision
    written outside the admin (load_demo, an import) keeps what the admin form normalises
    away, so the first admin save must not list those as changes."""
    a, b = _normalised(a), _normalised(b)
    if isinstance(a, list | tuple | set) and isinstance(b, list | tuple | set):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


def _normalised(value):
    if value is None:
        return ""  # null and blank say the same: the form sends blank
    if isinstance(value, str):
        # Forms strip surrounding whitespace, browsers send \r\n.
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, datetime):
        return value.replace(microsecond=0)  # the admin's date and time inputs keep seconds
    return value


def _show(value) -> SafeString:
    if value in (None, "", [], ()):
        return mark_safe("<em>empty</em>")
    if isinstance(value, list | tuple | set):
        return escape(", ".join(sorted(map(str, value))))
    return escape(str(value))


def _word_diff(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Both texts with the words that differ marked: <del> in the old, <ins> in the new."""
    old, new = before.split(" "), after.split(" ")
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if op == "equal":
            left.append(escape(" ".join(old[i1:i2])))
            right.append(escape(" ".join(new[j1:j2])))
            continue
        if i2 > i1:
            left.append(format_html("<del>{}</del>", " ".join(old[i1:i2])))
        if j2 > j1:
            right.append(format_html("<ins>{}</ins>", " ".join(new[j1:j2])))
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))


def summary_html(differences: list[Difference]) -> SafeString:
    """A compact list of differences, for a message in the admin."""
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li>{}{}{}</li>",
            (
                (
                    d.what,
                    format_html(": {}", d.field) if d.field else "",
                    format_html(" — was {}, now {}", d.before, d.after)
                    if d.change == "changed"
                    else format_html(" — {}", d.change),
                )
                for d in differences
            ),
        ),
    )
