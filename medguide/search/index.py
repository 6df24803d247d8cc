"""Keeping the search index current: one document per drug and guide, rewritten whenever the
item or anything that feeds it (names, classes, conditions, tags, category, label text)
changes.

Signals only note which items changed; the documents are rewritten together, each once, when
the transaction commits, when a request that changed data ends (SearchIndexMiddleware), when
a `deferred()` block ends, and before any search reads the index. So saving a monograph with
thirty inline rows rewrites its document once, and a search always sees the data it runs
against. The index is derived data: rewriting an item again is always safe.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from articles.models import Article, Category
from drugs.models import Condition, Drug, DrugClass, DrugName, Indication, LabelSource, SideEffect
from drugs.names import fold
from drugs.signals import catalogue_changed, catalogue_imported
from medguide.editorial.drafts import is_rehearsing
from medguide.search.backends import MAX_BODY_CHARACTERS, backend
from medguide.search.models import SPELT_KINDS, SearchDocument, SearchKind, SearchName

logger = logging.getLogger(__name__)

MODELS = {SearchKind.DRUG: Drug, SearchKind.CONDITION: Condition, SearchKind.ARTICLE: Article}
REBUILD_BATCH = 500  # documents written at a time by a rebuild
VECTOR_WRITERS = 2  # batches a PostgreSQL rebuild has the server index at once
VectorWriter = Callable[[list], None]  # indexes a batch of saved documents in the engine
_state = threading.local()


def index(kind: str, pks: Iterable[int]) -> None:
    """Note that these items changed; their documents are rewritten at the next flush.
    Items that no longer exist lose their documents."""
    pks = set(pks)
    if not pks or is_rehearsing():  # a draft applied and rolled back: readers never see it
        return
    _pending().setdefault(kind, set()).update(pks)
    if getattr(_state, "deferring", False):
        return
    if transaction.get_connection().in_atomic_block:
        # Once the data is committed; on a rollback the next flush rewrites them anyway.
        transaction.on_commit(flush, robust=True)
    else:
        flush()


def flush() -> None:
    """Rewrite every document noted as changed, each once."""
    pending, _state.pending = _pending(), {}
    for kind, pks in pending.items():
        try:
            with transaction.atomic():
                _write(kind, pks)
        except DatabaseError:
            # A failed rewrite must never undo the change that caused it; the item is
            # rewritten on its next change, or by rebuild_search_index.
            logger.exception("Search index: could not rewrite %s %s", kind, sorted(pks))


def discard() -> None:
    """Forget the changes noted so far, as after rolling back the transaction that made them."""
    _state.pending = {}


def rebuild() -> int:
    """Rewrite every document from scratch; returns how many were written."""
    written = 0
    with _vector_writers() as write_vectors:
        for kind, model in MODELS.items():
            stale = SearchDocument.objects.filter(kind=kind).exclude(
                object_id__in=model.objects.values("pk")
            )
            _delete(stale)
            pks = list(model.objects.values_list("pk", flat=True))
            for start in range(0, len(pks), REBUILD_BATCH):
                # A batch's old documents go and its new ones come in one commit: a search
                # never misses them, and SQLite syncs to disk once a batch rather than once a
                # statement (the rebuild spent a fifth of its time there).
                with transaction.atomic():
                    batch = set(pks[start : start + REBUILD_BATCH])
                    _write(kind, batch, write_vectors=write_vectors)
            written += len(pks)
    return written


@contextmanager
def _vector_writers() -> Iterator[VectorWriter]:
    """What indexes a batch of saved documents in the engine: backend().write, here and now;
    or on PostgreSQL, outside a transaction, the same on VECTOR_WRITERS threads with database
    connections of their own, each batch once its transaction commits. There the server
    computing weighted tsvectors is most of a rebuild (93 s of CPU in 142 s at 70,000
    documents): this way it works on two batches while this thread assembles the next.
    Inside a transaction another connection would not see the documents, and SQLite's work
    is all ours, so both write in line."""
    write = backend().write
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield write
        return
    batches: queue.Queue = queue.Queue(maxsize=VECTOR_WRITERS)  # memory stays flat
    failures: list[BaseException] = []

    def work() -> None:
        try:
            while (documents := batches.get()) is not None:
                if not failures:
                    try:
                        write(documents)
                    except BaseException as failure:  # raised in the rebuilding thread
                        failures.append(failure)
        finally:
            connection.close()  # this thread's own

    threads = [
        threading.Thread(target=work, name=f"search-vectors-{n}", daemon=True)
        for n in range(VECTOR_WRITERS)
    ]

    def put(documents: list) -> None:
        if failures:  # stop assembling batches nobody will write
            raise failures[0]
        # The writers' connections see the batch once it is committed.
        transaction.on_commit(lambda: batches.put(documents))

    for thread in threads:
        thread.start()
    try:
        yield put
    finally:
        for _thread in threads:
            batches.put(None)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


@contextmanager
def deferred() -> Iterator[None]:
    """Hold rewrites until the block ends, then do each once (nested blocks join the outer),
    for example around a batch of imported records."""
    if getattr(_state, "deferring", False):
        yield
        return
    _state.deferring = True
    try:
        yield
    finally:
        _state.deferring = False
        flush()


class SearchIndexMiddleware:
    """Rewrite the documents a request changed once, when the request is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        with deferred():
            return self.get_response(request)


def _pending() -> dict[str, set[int]]:
    if not hasattr(_state, "pending"):
        _state.pending = {}
    return _state.pending


def _write(kind: str, pks: set[int], *, write_vectors: VectorWriter | None = None) -> None:
    """Rewrite the documents of these items in a fixed number of queries, however many:
    the old documents go (with their names and engine rows) and new ones are written, then
    indexed by the engine (`write_vectors`, backend().write unless given)."""
    model = MODELS[kind]
    items = {item.pk: item for item in model.objects.filter(pk__in=pks).for_search()}
    _delete(SearchDocument.objects.filter(kind=kind, object_id__in=pks))
    if not items:
        return
    written = []
    for pk, item in items.items():
        text = item.search_text()
        document = SearchDocument(
            kind=kind,
            object_id=pk,
            title=text.title[:300],
            subtitle=text.subtitle[:300],
            url=item.get_absolute_url(),
            names="\n".join(text.names),
            keywords="\n".join(text.keywords),
            summary=text.summary,
            body=text.body[:MAX_BODY_CHARACTERS],
            public_from=text.public_from,
        )
        written.append((document, text))
    SearchDocument.objects.bulk_create([document for document, _text in written])
    SearchName.objects.bulk_create(
        SearchName(
            document=document,
            name=name[:300],
            key=fold(name)[:300],
            is_primary=i == 0,
            fuzzy=document.kind in SPELT_KINDS,
        )
        for document, text in written
        for i, name in enumerate(dict.fromkeys(text.names))
        if fold(name)
    )
    (write_vectors or backend().write)(written)


def _delete(documents) -> None:
    ids = list(documents.values_list("pk", flat=True))
    if ids:
        backend().delete(ids)
        # Only the ids: deleting collects the rows first (their names go with them), and
        # whole rows are long texts and vectors, read for nothing (2 s of a rebuild).
        SearchDocument.objects.filter(pk__in=ids).only("pk").delete()


# Signals: what feeds each document ---------------------------------------------------------


def _drug_saved(sender, instance, created=False, **kwargs):
    index(SearchKind.DRUG, [instance.pk])
    if not created:
        # Guides are found by the names of the drugs they are about, and a condition is
        # public from when its first medicine is: both follow the drug's changes.
        index(SearchKind.ARTICLE, instance.articles.values_list("pk", flat=True))
        index(SearchKind.CONDITION, instance.indications.values_list("condition_id", flat=True))


def _drug_deleted(sender, instance, **kwargs):
    index(SearchKind.DRUG, [instance.pk])


def _drug_part_changed(sender, instance, **kwargs):
    index(SearchKind.DRUG, [instance.drug_id])
    if isinstance(instance, Indication):  # the condition gains or loses a medicine
        index(SearchKind.CONDITION, [instance.condition_id])


def stale_drugs() -> list[int]:
    """Drugs whose document is missing or older than their own row or label text: what a
    run killed between its commit and the index left behind. One query."""
    document = SearchDocument.objects.filter(kind=SearchKind.DRUG, object_id=OuterRef("pk"))
    newest_label = LabelSource.objects.filter(drug=OuterRef("pk")).order_by("-imported_at")
    return list(
        Drug.objects.annotate(
            indexed_at=Subquery(document.values("indexed_at")[:1]),
            label_at=Subquery(newest_label.values("imported_at")[:1]),
        )
        .filter(
            Q(indexed_at__isnull=True)
            | Q(indexed_at__lt=F("updated_at"))
            | Q(label_at__isnull=False, indexed_at__lt=F("label_at"))
        )
        .values_list("pk", flat=True)
    )


def _catalogue_imported(sender, **kwargs):
    index(SearchKind.DRUG, stale_drugs())


def _catalogue_changed(sender, drug_ids=(), **kwargs):
    """Drugs changed in bulk (drugs.signals), e.g. brand names an import added."""
    index(SearchKind.DRUG, list(drug_ids))


def _links_changed(kind: str, item_model: type, other_side: str):
    """An m2m_changed receiver for an item's links (a drug's classes, a guide's tags and
    drugs). From the item's side the item is rewritten; from the other side
    (drug_class.drugs.add(…)) the items in pk_set are, or for clear() the items noted just
    before they were unlinked."""

    def receiver(sender, instance, action, pk_set, **kwargs):
        if isinstance(instance, item_model):
            if action.startswith("post_"):
                index(kind, [instance.pk])
        elif action == "pre_clear":
            linked = getattr(instance, other_side).values_list("pk", flat=True)
            instance._search_cleared = list(linked)
        elif action.startswith("post_"):
            index(kind, pk_set or getattr(instance, "_search_cleared", []))

    return receiver


def _class_saved(sender, instance, created=False, **kwargs):
    if not created:  # a class just made has no members yet
        index(SearchKind.DRUG, instance.drugs.values_list("pk", flat=True))


def _condition_saved(sender, instance, **kwargs):
    index(SearchKind.CONDITION, [instance.pk])
    index(SearchKind.DRUG, instance.indications.values_list("drug_id", flat=True))


def _article_saved(sender, instance, **kwargs):
    index(SearchKind.ARTICLE, [instance.pk])


def _category_saved(sender, instance, **kwargs):
    index(SearchKind.ARTICLE, instance.articles.values_list("pk", flat=True))


def _tag_saved(sender, instance, **kwargs):
    index(SearchKind.ARTICLE, Article.objects.filter(tags=instance).values_list("pk", flat=True))


def connect() -> None:
    uid = "medguide.search.index"
    post_save.connect(_drug_saved, sender=Drug, dispatch_uid=f"{uid}.drug")
    post_delete.connect(_drug_deleted, sender=Drug, dispatch_uid=f"{uid}.drug")
    catalogue_changed.connect(_catalogue_changed, dispatch_uid=f"{uid}.catalogue_changed")
    catalogue_imported.connect(_catalogue_imported, dispatch_uid=f"{uid}.catalogue_imported")
    for model in (DrugName, Indication, SideEffect, LabelSource):
        post_save.connect(_drug_part_changed, sender=model, dispatch_uid=f"{uid}.{model}")
        post_delete.connect(_drug_part_changed, sender=model, dispatch_uid=f"{uid}.{model}")
    m2m_changed.connect(
        _links_changed(SearchKind.DRUG, Drug, "drugs"),
        sender=Drug.classes.through,
        weak=False,  # the receiver is made here: nothing else holds it
        dispatch_uid=f"{uid}.classes",
    )
    post_save.connect(_class_saved, sender=DrugClass, dispatch_uid=f"{uid}.class")
    post_save.connect(_condition_saved, sender=Condition, dispatch_uid=f"{uid}.condition")
    post_delete.connect(_condition_saved, sender=Condition, dispatch_uid=f"{uid}.condition")
    post_save.connect(_article_saved, sender=Article, dispatch_uid=f"{uid}.article")
    post_delete.connect(_article_saved, sender=Article, dispatch_uid=f"{uid}.article")
    guide_links = _links_changed(SearchKind.ARTICLE, Article, "articles")
    for through in (Article.tags.through, Article.related_drugs.through):
        uid_links = f"{uid}.{through._meta.label}"
        m2m_changed.connect(guide_links, sender=through, weak=False, dispatch_uid=uid_links)
    post_save.connect(_category_saved, sender=Category, dispatch_uid=f"{uid}.category")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid=f"{uid}.tag")
