"""Kept rows and interactions brought current by whoever wrote what they come from, before any
reader asks: a reviewer's publish keeps its medicine's, and `keep_monographs` every stale one
after an import or a deploy.

A monograph's rows and first interactions are kept the first time a page reads them after
they change (drugs.kept_rows, drugs.kept_interactions). Read afresh, baclofen's page cost
about three times its kept page at 20,000 medicines (42 against 13 ms of CPU on PostgreSQL,
scaled to the issue's machine), and that reader was the first one after every publication of
it. Keeping them ahead of readers moves that cost to the writer, once per change
(docs/decisions/kept-ahead.md). Readers still read afresh whatever nothing has kept yet, so
what they are shown never depends on this having run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from drugs import kept_interactions, kept_rows
from drugs.kept_interactions import keep_first
from drugs.kept_rows import prefetch_monograph
from drugs.models import (
    Drug,
    InteractionsVersion,
    KeptInteractions,
    KeptRows,
    MonographVersion,
)
from drugs.monograph import INTERACTIONS_PER_PAGE, MONOGRAPH_INTERACTIONS
from medguide.editorial.models import Status

# The first interactions pages keep: the monograph's ten (its page and professional view)
# and the first hundred (its JSON).
STOPS = (MONOGRAPH_INTERACTIONS, INTERACTIONS_PER_PAGE)
BATCH = 100  # medicines loaded at once


def keep_monograph(drug: Drug) -> None:
    """Bring `drug`'s kept rows and first interactions current: what is current is left as it
    is, the rest read and kept, as the first reader would."""
    prefetch_monograph(drug)
    keep_first(drug, STOPS)


def keep_when_committed(drugs: QuerySet, *, using: str | None = None) -> None:
    """keep_monograph() for each of `drugs`, read from the database `using` (the one written
    to) as the current transaction leaves it, once it commits: for a writer who published
    what their monographs show. A failure is logged and costs their next readers the
    reading, never the writer's save."""
    using = using or router.db_for_write(Drug)

    # A function, not a partial: Django names a failing one by its __qualname__.
    def keep_published_monographs() -> None:
        for drug in drugs.using(using).order_by("pk"):
            keep_monograph(drug)

    transaction.on_commit(keep_published_monographs, using=using, robust=True)


def counted(using: str) -> bool:
    """Whether the database has every trigger kept rows and interactions are counted by:
    without one, nothing is kept there (kept_rows.warn_uncounted says which)."""
    vendor = connections[using].vendor
    expected = (kept_rows.trigger_names(vendor), kept_interactions.trigger_names(vendor))
    with connections[using].cursor() as cursor:
        for names in expected:
            found = kept_rows.triggers_in_place(vendor, names)
            cursor.execute(f"SELECT ({found.sql})", found.params)
            if cursor.fetchone()[0] != len(names):
                return False
    return True


def stale(using: str = "default") -> QuerySet:
    """The published medicines (scheduled ones too) a reader would find something stale of:
    kept rows missing, or read at a MonographVersion, layout or shared version other than the
    current ones; or first interactions for one of STOPS missing, read at another
    InteractionsVersion or layout, or past their `valid_until`."""
    now = timezone.now()
    shared = MonographVersion.objects.filter(subject=MonographVersion.SHARED)
    interactions_version = InteractionsVersion.objects.values("version")
    own = Subquery(MonographVersion.objects.filter(subject=OuterRef("pk")).values("version"))
    rows_current = Exists(
        KeptRows.objects.filter(
            drug=OuterRef("pk"),
            version=OuterRef("own_version"),
            shared_version=Coalesce(Subquery(shared.values("version")), Value(0)),
            layout=kept_rows.layout(),
        )
    )
    interactions_current = [
        Exists(
            KeptInteractions.objects.filter(
                Q(valid_until__isnull=True) | Q(valid_until__gt=now),
                drug=OuterRef("pk"),
                stop=stop,
                version=Coalesce(Subquery(interactions_version), Value(0)),
                layout=kept_interactions.layout(),
            )
        )
        for stop in STOPS
    ]
    current = rows_current
    for each in interactions_current:
        current &= each
    return (
        Drug.objects.using(using)
        .filter(status=Status.PUBLISHED)
        .alias(own_version=Coalesce(own, Value(0)))
        .filter(~current)
        .order_by("pk")
    )


@dataclass
class Kept:
    medicines: int = 0  # brought current
    seconds: float = 0.0


def keep_stale(
    *, using: str = "default", progress: Callable[[int, int], None] | None = None
) -> Kept:
    """keep_monograph() for every stale() medicine, BATCH at a time. Each one's rows and
    interactions are written as they are read, so a run stopped part way keeps what it did,
    and the next run starts with what it left."""
    started = time.monotonic()
    pks = list(stale(using).values_list("pk", flat=True))
    kept = Kept()
    for start in range(0, len(pks), BATCH):
        batch = Drug.objects.using(using).filter(pk__in=pks[start : start + BATCH]).order_by("pk")
        for drug in batch.iterator(chunk_size=BATCH):
            keep_monograph(drug)
            kept.medicines += 1
            if progress is not None:
                progress(kept.medicines, len(pks))
    kept.seconds = time.monotonic() - started
    return kept
