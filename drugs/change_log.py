"""A monograph's public change log: what the drug page shows of it."""

from __future__ import annotations

from drugs.models import Drug

RECENT_CHANGES = 3  # on the drug page; /drugs/<slug>/changes/ lists them all


def change_log_context(drug: Drug) -> dict:
    """The newest entries for the page's "What changed" box: read with the monograph's kept
    rows (drugs.kept_rows.prefetch_monograph), else in one query."""
    return {"recent_changes": list(drug.changes.all()[:RECENT_CHANGES])}
