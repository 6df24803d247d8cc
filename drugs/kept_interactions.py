"""A medicine's first interactions, kept with it: the ten its monograph shows (and the hundred
its JSON lists), with how many there are of each severity, read in one query instead of four.

Reading them was the largest part of a monograph after its own rows (docs/decisions/
kept-interactions.md): the class tree, the medicine's own rows, the ranking of the rows other
medicines store about it and the shown rows with what they name. An interaction stored by
one medicine is read on the page of every medicine it names, or whose class it names, and
what is shown of it comes from other medicines' rows, so what they are kept against is one
count for the whole catalogue: InteractionsVersion, which the database's triggers (drugs
0021) move on every write to the tables they are read from, bulk writes and raw SQL
included. Kept interactions are used only while that count is the one they were read at,
and only until the first publication that was still scheduled when they were read (a
medicine hidden then may be public now, with no write to say so).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import django
from django.db import connections
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from drugs import interactions
from drugs.interactions import DrugInteractions
from drugs.kept_rows import (
    WRITES,
    dumps,
    keep_row,
    loads,
    probe,
    triggers_in_place,
    warn_uncounted,
)
from drugs.models import (
    Drug,
    DrugClass,
    Interaction,
    InteractionsVersion,
    KeptInteractions,
    LabelSource,
    Severity,
    Substance,
)
from medguide.editorial.drafts import is_rehearsing

logger = logging.getLogger(__name__)

# The tables whose writes drugs 0021's triggers count: kept interactions are used only where
# every trigger is there (a later migration that rebuilds one of them on SQLite drops its
# triggers with the old table).
COUNTED_TABLES = (
    "drugs_interaction",
    "drugs_drug",
    "drugs_drug_classes",
    "drugs_drugclass",
    "drugs_drugclass_included_in",
    "drugs_substance",
    "drugs_substance_classes",
    "drugs_labelsource",
)
# The tables whose updates count only when they change a column interactions show
# (interactions.SHOWN_OF_RELATED; drugs 0023): a medicine's summary or draft, or a label's
# text, changes no medicine's interactions.
UPDATES_COUNTED_BY_COLUMN = ("drugs_drug", "drugs_labelsource")
# The models whose fields kept interactions hold (layout()).
KEPT_MODELS = (Drug, DrugClass, Interaction, LabelSource, Substance)
LAYOUT_VERSION = "1"  # raise it when what is kept changes in a way layout() does not see


def first_interactions(drug: Drug, stop: int) -> DrugInteractions:
    """`drug`'s interactions, of which the first `stop` and the counts are kept: read from
    what was kept when it is current, else read and kept for the next reader. A preview
    (drafts applied and rolled back) neither uses nor keeps them."""
    kept = _kept(drug, stop)
    if kept.current is not None:
        return kept.current
    found = DrugInteractions(drug)
    if kept.keeping:
        _keep(drug, found, [kept])
    return found


def keep_first(drug: Drug, stops: Iterable[int]) -> None:
    """Bring `drug`'s kept first interactions current for each of `stops`, as
    first_interactions() would for each, but reading them once, for the largest stale one:
    for a writer keeping them ahead of readers (drugs.keeping)."""
    kept = [_kept(drug, stop) for stop in stops]
    stale = [each for each in kept if each.keeping and each.current is None]
    if stale:
        _keep(drug, DrugInteractions(drug), stale)


@dataclass
class _Kept:
    stop: int
    keeping: bool  # whether they may be used and kept here
    version: int  # InteractionsVersion, read before any interaction
    current: DrugInteractions | None  # what was kept, when it is current


def _kept(drug: Drug, stop: int) -> _Kept:
    alias = drug._state.db or "default"
    vendor = connections[alias].vendor
    triggers, version, kept_version, valid_until, kept_layout, kept = probe(
        _probe(vendor, stop), drug
    )
    counted = triggers == len(trigger_names(vendor))
    if not counted:
        warn_uncounted(alias, "Kept interactions", "drugs 0021")
    keeping = counted and not is_rehearsing()
    current = (
        keeping
        and kept is not None
        and (kept_version, kept_layout) == (version, layout())
        and (valid_until is None or timezone.now() < valid_until)
    )
    if current:
        try:
            first, count, by_severity = loads(bytes(kept), drug)
        except Exception:  # whatever unpickling raises: they are read afresh instead
            logger.warning("Kept interactions of drug %s unreadable; reading them", drug.pk)
        else:
            known = DrugInteractions.known(
                drug, first=first, stop=stop, count=count, by_severity=by_severity
            )
            return _Kept(stop, keeping, version, known)
    return _Kept(stop, keeping, version, None)


def _keep(drug: Drug, found: DrugInteractions, stale: list[_Kept]) -> None:
    """Read `found`'s first entries for each of the `stale` and keep them with the version
    each one's probe read. The largest is read first: the smaller are slices of it."""
    # Read after the versions (the probes), so that a write in between leaves them stale.
    until = Drug.objects.next_publication()
    for kept in sorted(stale, key=lambda kept: -kept.stop):
        row = KeptInteractions(
            drug_id=drug.pk,
            stop=kept.stop,
            version=kept.version,
            valid_until=until,
            layout=layout(),
            rows=dumps(found.know_first(kept.stop), drug),
            kept_at=timezone.now(),
        )
        keep_row(row, unique_fields=["drug", "stop"], what=f"Interactions of drug {drug.pk}")


@functools.cache
def _probe(vendor: str, stop: int) -> QuerySet:
    """Every drug with how many of drugs 0021's triggers are in place, the current
    InteractionsVersion and its kept interactions up to `stop`: built once for each kind of
    database and `stop`, and filtered to one drug per use (as kept_rows._probe)."""
    kept = KeptInteractions.objects.filter(drug=OuterRef("pk"), stop=stop)
    return Drug.objects.values_list(
        triggers_in_place(vendor, trigger_names(vendor)),
        Coalesce(Subquery(InteractionsVersion.objects.values("version")), Value(0)),
        *(Subquery(kept.values(field)) for field in ("version", "valid_until", "layout", "rows")),
    )


@functools.cache
def layout() -> str:
    """What kept interactions were pickled as: the Django version, LAYOUT_VERSION, the fields
    of every model they hold, the severities and the code that read and ordered them
    (drugs.interactions). Interactions kept by other code are read afresh."""
    fields = [
        f"{model._meta.label}:{','.join(field.attname for field in model._meta.concrete_fields)}"
        for model in KEPT_MODELS
    ]
    code = hashlib.sha256(Path(interactions.__file__).read_bytes()).hexdigest()
    described = [django.get_version(), LAYOUT_VERSION, *fields, *Severity.values, code]
    return hashlib.sha256("\n".join(described).encode()).hexdigest()


@functools.cache
def trigger_names(vendor: str) -> frozenset[str]:
    """The names drugs 0021 and 0023 gave its triggers: on PostgreSQL the deferred ones
    (which SET CONSTRAINTS names) and one a table for TRUNCATE; on SQLite one a table and
    kind of write."""
    if vendor == "postgresql":
        truncated = [f"kept_interactions_{table}_truncate" for table in COUNTED_TABLES]
        return frozenset([*deferred_triggers(), *truncated])
    return frozenset(
        f"kept_interactions_{table}_{write}" for table in COUNTED_TABLES for write in WRITES
    )


def deferred_triggers() -> list[str]:
    """The triggers PostgreSQL fires when a transaction commits, as SET CONSTRAINTS names
    them: one a table (drugs 0021), and one more for the updates of a medicine or a label,
    which count only a change to what interactions show of them (drugs 0023). `SET
    CONSTRAINTS … IMMEDIATE` counts the writes so far at once."""
    return [f"kept_interactions_{table}" for table in COUNTED_TABLES] + [
        f"kept_interactions_{table}_update" for table in UPDATES_COUNTED_BY_COLUMN
    ]
