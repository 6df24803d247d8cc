"""A monograph's own rows, kept with it: its names, classes, uses, doses, forms, side effects,
sources, labels, US products, the guides an editor placed on it, its change log and its
newest guides, read in the one query that asks which relations have rows, instead of one
query each.

Reading them was about a third of a monograph's CPU at 20,000 medicines, most of it Django
building and compiling ten queries (docs/decisions/kept-rows.md; baclofen's page 161.2 → 136.5
million instructions, a label page 71.9 → 63.4, its JSON 61.3 → 52.6). They are kept pickled,
as Django's own database cache keeps values, the first time a page reads them after they
change, and used only while they are still what the database holds: the database's triggers
(drugs 0020 and 0024, articles 0008 and 0009; on PostgreSQL at commit, drugs 0022) count every
write to their tables in MonographVersion, for the medicine they belong to, and under
MonographVersion.SHARED for the conditions, classes and guide categories they name. Kept rows
are used only when the counts they were read at are the current ones, so a write by any path
(the admin, an import's bulk_create, raw SQL) is seen at once, and a publication's rows are
what readers get.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import pickle
import threading
from collections.abc import Iterable

import django
from django.db import DatabaseError, connections, router, transaction
from django.db.models import (
    AutoField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from drugs.models import (
    ChangeLogEntry,
    Condition,
    DoseGuideline,
    Drug,
    DrugClass,
    DrugName,
    Formulation,
    Indication,
    KeptInteractions,
    KeptRows,
    LabelSource,
    MonographVersion,
    Product,
    Reference,
    SideEffect,
    Strength,
    monograph_lookups,
    newest_guides,
    newest_guides_query,
)
from medguide.editorial.drafts import is_rehearsing

logger = logging.getLogger(__name__)

# The relations kept: the medicine's own rows, with the conditions and classes they name, the
# guides an editor placed on the page, live or not (which are live is asked as the page is
# shown), and its change log (the page shows the newest few).
KEPT = (
    "names",
    "classes",
    "indications",
    "doses",
    "formulations",
    "side_effects",
    "references",
    "label_sources",
    "products",
    "curated_guides",
    "changes",
)
# What a monograph shows that most medicines have none of: a label page (19,600 of 20,000
# medicines at scale) has no editor-written uses, doses, forms, side effects, sources or
# change log, many have no US product, and few have guides an editor placed on them (3,000
# at scale). Most have a guide about them at scale (18,458), few in the demo catalogue.
SPARSE_RELATIONS = (
    "indications",
    "doses",
    "formulations",
    "side_effects",
    "references",
    "products",
    "curated_guides",
    "changes",
    "articles",  # the guides about it, of which the newest are kept (NEWEST_GUIDES)
)
# The tables whose writes drugs 0020's and 0022's triggers count: kept rows are used only
# where every trigger is there. A later migration that rebuilds one of these tables on SQLite
# (Django copies it into a new one) drops its triggers with the old table, and rows kept
# from it would go stale unseen.
COUNTED_TABLES = (
    "drugs_drugname",
    "drugs_drug_classes",
    "drugs_indication",
    "drugs_doseguideline",
    "drugs_formulation",
    "drugs_strength",
    "drugs_sideeffect",
    "drugs_reference",
    "drugs_labelsource",
    "drugs_product",
    "drugs_product_drugs",
    "drugs_condition",
    "drugs_drugclass",
    "articles_curatedguide",  # articles 0008's, as are the two below
    "articles_article",
    "articles_category",
    "drugs_changelogentry",  # drugs 0024's
    "articles_article_related_drugs",  # articles 0009's
)
WRITES = ("insert", "update", "delete")  # a trigger for each on SQLite, one for all on PostgreSQL
# The models whose fields kept rows hold (layout()), with the placed guides' (kept_models()).
KEPT_MODELS = (
    ChangeLogEntry,
    Condition,
    DoseGuideline,
    DrugClass,
    DrugName,
    Formulation,
    Indication,
    LabelSource,
    Product,
    Reference,
    SideEffect,
    Strength,
)
LAYOUT_VERSION = "1"  # raise it when what is kept changes in a way layout() does not see
# Kept with the relations, and set on the drug as this attribute: its newest guides, which its
# page shows when no guide an editor placed on it is live (drugs.models.newest_guides).
NEWEST_GUIDES = "newest_guides"


def prefetch_monograph(drug: Drug) -> None:
    """Drug.objects.for_monograph()'s related rows for one drug, in as few queries as it can.

    One query asks which of SPARSE_RELATIONS have rows, the medicine's MonographVersion and
    its kept rows. When the kept rows are current they are the KEPT relations and the
    medicine's newest guides (`drug.newest_guides`), and nothing more is read; otherwise the
    relations with rows and the newest guides are read and kept for the next reader, and the
    empty relations recorded as prefetched and empty, as Django's prefetch records them, so
    that reading them costs no query. A preview (drafts applied and rolled back) neither uses
    nor keeps them."""
    alias = drug._state.db or "default"
    vendor = connections[alias].vendor
    triggers, version, shared, kept_version, kept_shared, kept_layout, kept, *found = probe(
        _probe(vendor), drug
    )
    has_rows = dict(zip(SPARSE_RELATIONS, found, strict=True))
    counted = triggers == len(trigger_names(vendor))
    if not counted:
        warn_uncounted(alias, "Kept monograph rows", "drugs 0020 or 0022")
    keeping = counted and not is_rehearsing()
    cache = vars(drug).setdefault("_prefetched_objects_cache", {})
    current = kept is not None and (kept_version, kept_shared, kept_layout) == (
        version,
        shared,
        layout(),
    )
    if keeping and current:
        try:
            read_back = loads(bytes(kept), drug)
            setattr(drug, NEWEST_GUIDES, read_back.pop(NEWEST_GUIDES))
            cache.update(read_back)
        except Exception:  # whatever unpickling raises: the rows are read afresh instead
            logger.warning("Kept rows of drug %s unreadable; reading them", drug.pk, exc_info=True)
            current = False
    if not (keeping and current):
        _read(drug, list(KEPT), has_rows)
        if keeping:
            keep(drug, version=version, shared_version=shared)


def _read(drug: Drug, names: list[str], has_rows: dict[str, bool]) -> None:
    """Prefetch the relations `names` that have rows, and record the empty ones as prefetched
    and empty; and read the medicine's newest guides, unless a guide placed on it is live."""
    empty = [name for name in names if not has_rows.get(name, True)]
    fetched = monograph_lookups(*(name for name in names if name not in empty))
    prefetch_related_objects([drug], *fetched.values())
    cache = vars(drug).setdefault("_prefetched_objects_cache", {})
    for name in empty:
        rows = Drug._meta.get_field(name).related_model.objects.none()
        rows._result_cache = []
        cache[name] = rows
    # None to read when no guide is about it, nor shown while a guide an editor placed is
    # live, which it stays until a write.
    placed = cache.get("curated_guides", [])
    if not has_rows.get("articles", True) or any(c.article.is_live for c in placed):
        setattr(drug, NEWEST_GUIDES, [])
    else:
        guides = newest_guides(drug.pk, timezone.now(), using=drug._state.db or "default")
        setattr(drug, NEWEST_GUIDES, guides)


def keep(drug: Drug, *, version: int, shared_version: int) -> None:
    """Keep the KEPT relations `drug` holds, prefetched, as read at these versions. A database
    that refuses the write costs the next reader the reading, never this one its page."""
    cache = vars(drug)["_prefetched_objects_cache"]
    if not all(name in cache for name in KEPT) or not hasattr(drug, NEWEST_GUIDES):
        return  # a caller left one out
    kept = KeptRows(
        drug_id=drug.pk,
        version=version,
        shared_version=shared_version,
        layout=layout(),
        rows=dumps(
            {**{name: cache[name] for name in KEPT}, NEWEST_GUIDES: getattr(drug, NEWEST_GUIDES)},
            drug,
        ),
        kept_at=timezone.now(),
    )
    keep_row(kept, unique_fields=["drug"], what=f"Rows of drug {drug.pk}")


def keep_row(kept: KeptRows | KeptInteractions, *, unique_fields: list[str], what: str) -> None:
    """Write `kept` over the row it replaces (or as a new one): two readers keeping the same
    at once write one row. A database that refuses the write is logged, never raised.

    One INSERT … ON CONFLICT DO UPDATE, as bulk_create(update_conflicts=True) writes it, but
    without the transaction bulk_create always opens: on its own the statement is its own
    transaction, and BEGIN and COMMIT cost two round trips more, 0.2 ms of the application's
    CPU on PostgreSQL for each row kept (docs/decisions/kept-rows.md). Inside a caller's
    transaction it is a savepoint, so that a refused write leaves that transaction usable."""
    model = type(kept)
    alias = router.db_for_write(model)
    # Every column but an id the database numbers (a kept row's may be its medicine's).
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, AutoField)]
    try:
        with (
            transaction.atomic(using=alias)
            if connections[alias].in_atomic_block
            else contextlib.nullcontext()
        ):
            model._base_manager.using(alias)._insert(
                [kept],
                fields=fields,
                on_conflict=OnConflict.UPDATE,
                update_fields=[
                    field
                    for field in fields
                    if not field.primary_key and field.name not in unique_fields
                ],
                unique_fields=[model._meta.get_field(name) for name in unique_fields],
            )
    except DatabaseError:
        logger.warning("%s not kept", what, exc_info=True)


def probe(query: QuerySet, drug: Drug) -> tuple:
    """`query.filter(pk=drug.pk).get()` for a `query` of one row per medicine (a probe), its
    SQL compiled once for each database connection and then run with the medicine's id.
    Compiling the two probes' subqueries cost about 1.2 ms of baclofen's page at scale, and
    running them 0.2 (docs/decisions/kept-rows.md). A probe's other parameters are fixed when
    it is built (no time of day), so the compiled SQL asks what the ORM would every time."""
    connection = connections[drug._state.db or "default"]
    compiled = _compiled.probes.get((query, connection.alias))
    if compiled is None or compiled[0] is not connection:
        compiled = (connection, *_compile(query, connection.alias))
        _compiled.probes[(query, connection.alias)] = compiled
    _, compiler, sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, drug.pk))
        row = cursor.fetchone()
    if row is None:
        raise Drug.DoesNotExist(f"No medicine {drug.pk}")
    # The ORM's own conversion of each value (a time kept on SQLite is text until converted).
    return next(iter(compiler.results_iter([[row]], tuple_expected=True)))


class _Compiled(threading.local):
    """Each thread's compiled probes, by query and database, with the connection they were
    compiled for (Django's connections are one a thread): they go with the thread, so a
    server that starts a thread for each request (runserver) keeps none of them."""

    def __init__(self) -> None:
        self.probes: dict[tuple[QuerySet, str], tuple] = {}


_compiled = _Compiled()
_STAND_IN_PK = -987_654_321  # compiled in the medicine's id's place, which follows it


def _compile(query: QuerySet, alias: str) -> tuple:
    compiler = query.order_by().filter(pk=_STAND_IN_PK).query.get_compiler(alias)
    sql, params = compiler.as_sql()
    if list(params).count(_STAND_IN_PK) != 1 or params[-1] != _STAND_IN_PK:
        raise ValueError(f"Not a probe of one medicine by its id: {sql}")
    return compiler, sql, tuple(params[:-1])


@functools.cache
def _probe(vendor: str) -> QuerySet:
    """Every drug with how many of the triggers that count writes to kept rows are in place,
    its MonographVersion, the shared one, its kept rows and whether each of SPARSE_RELATIONS
    has rows: built once for each kind of database and filtered to one drug per use, since
    building its subqueries costs more than running them. Never evaluated itself: each
    .filter() is a new queryset, routed to its database when it runs. The triggers are
    counted in every probe, not once per process, so that a migration that dropped one stops
    kept rows being used at once."""
    versions = MonographVersion.objects.values("version")
    return Drug.objects.values_list(
        triggers_in_place(vendor, trigger_names(vendor)),
        Coalesce(Subquery(versions.filter(subject=OuterRef("pk"))), Value(0)),
        Coalesce(Subquery(versions.filter(subject=MonographVersion.SHARED)), Value(0)),
        "kept_rows__version",
        "kept_rows__shared_version",
        "kept_rows__layout",
        "kept_rows__rows",
        *(
            Exists(relation.related_model.objects.filter(**{relation.field.name: OuterRef("pk")}))
            for relation in map(Drug._meta.get_field, SPARSE_RELATIONS)
        ),
    )


def triggers_in_place(vendor: str, names: Iterable[str]) -> RawSQL:
    """How many of the triggers `names` the database has, as an expression of a query."""
    names = sorted(names)
    if vendor == "postgresql":
        return RawSQL(
            "SELECT COUNT(*) FROM pg_trigger WHERE tgname = ANY(%s)", (names,), IntegerField()
        )
    listed = ", ".join("%s" for _ in names)
    return RawSQL(
        f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({listed})",
        names,
        IntegerField(),
    )


@functools.cache
def layout() -> str:
    """What kept rows were pickled as: the Django version, LAYOUT_VERSION, the fields of every
    model they hold and the SQL each kept relation and the newest guides are read by (its
    order, what it joins). Rows kept by other code are read afresh, never unpickled into
    models whose fields they do not match, nor shown in an order the code no longer reads
    them in."""
    reads = [
        str(lookup.queryset.query)
        if isinstance(lookup, Prefetch)
        else str(Drug._meta.get_field(lookup).related_model._default_manager.all().query)
        for lookup in monograph_lookups(*KEPT).values()
    ]
    reads.append(str(newest_guides_query(0).query))  # the same for every medicine
    fields = [
        f"{model._meta.label}:{','.join(field.attname for field in model._meta.concrete_fields)}"
        for model in kept_models()
    ]
    described = [django.get_version(), LAYOUT_VERSION, *fields, *reads]
    return hashlib.sha256("\n".join(described).encode()).hexdigest()


def kept_models() -> tuple:
    """KEPT_MODELS, and the placed guides' models, which `drugs` reaches through the reverse
    relation's name (it never imports `articles`)."""
    placed = Drug._meta.get_field("curated_guides").related_model
    guide = placed._meta.get_field("article").related_model
    return (*KEPT_MODELS, placed, guide, guide._meta.get_field("category").related_model)


@functools.cache
def warn_uncounted(alias: str, what: str, migration: str) -> None:
    """Once a process, database and kind of kept row: they are unused there, and why."""
    logger.error("%s unused on database %s: a trigger of %s is missing", what, alias, migration)


@functools.cache
def trigger_names(vendor: str) -> frozenset[str]:
    """The names of the triggers that count writes to kept rows: on PostgreSQL a deferred
    one a table (drugs 0022, which SET CONSTRAINTS names) and one for TRUNCATE; on SQLite
    one a table and kind of write (drugs 0020)."""
    if vendor == "postgresql":
        deferred = deferred_triggers()
        return frozenset([*deferred, *(f"{name}_truncate" for name in deferred)])
    return frozenset(f"kept_{table}_{write}" for table in COUNTED_TABLES for write in WRITES)


def deferred_triggers() -> list[str]:
    """The triggers PostgreSQL fires when a transaction commits (drugs 0022), as SET
    CONSTRAINTS names them: `SET CONSTRAINTS … IMMEDIATE` counts the writes so far at once."""
    return [f"kept_{table}" for table in COUNTED_TABLES]


class _Pickler(pickle.Pickler):
    """Pickles the rows without the drug they belong to, which a reader has already."""

    def __init__(self, file, drug: Drug):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.drug = drug

    def persistent_id(self, obj):
        return "drug" if obj is self.drug else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, drug: Drug):
        super().__init__(file)
        self.drug = drug

    def persistent_load(self, pid):
        if pid != "drug":
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self.drug


def dumps(kept: object, drug: Drug) -> bytes:
    """`kept` pickled without `drug`, which loads() is given back."""
    buffer = io.BytesIO()
    _Pickler(buffer, drug).dump(kept)
    return buffer.getvalue()


def loads(data: bytes, drug: Drug):
    return _Unpickler(io.BytesIO(data), drug).load()
