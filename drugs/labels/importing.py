"""Importing label records in batches: one transaction a batch, a savepoint a record when the
database refuses the batch, new label pages with their first revision, search told per batch.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q, Value, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Revision, Version

from drugs.labels.parsing import BadRecord, Label, label_summary, parse_label, record_key
from drugs.labels.reading import StreamError, in_batches
from drugs.models import Drug, DrugName, LabelSource, NameKind, Origin, ProductType
from drugs.signals import catalogue_changed
from drugs.taxonomy import apply_class_mappings, ensure_taxonomy
from medguide.editorial.models import Status

# Records imported together in one transaction. A killed run loses at most this batch, which
# the next run imports again; one commit per batch lets what follows a commit (the search
# index) work per batch, not per label.
BATCH_SIZE = 100
SLUG_BATCH = 10  # slugs looked up at once when a name's plain slug is taken


class Result(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    result: Result
    drug: str = ""
    reason: str = ""


def import_label(record: Any, *, draft: bool = False) -> Outcome:
    """Import one record in its own transaction: a label source for its drug, and a label
    page when editors have not written that drug. Editor-written drugs are never changed."""
    ensure_taxonomy()
    with transaction.atomic():
        return _import_batch([record], draft=draft)[0]


def import_records(
    records: Iterable[tuple[str, dict | StreamError]], *, draft: bool = False
) -> Iterator[tuple[str, Outcome]]:
    """(position, outcome) for each (position, record) of iter_label_records, imported
    BATCH_SIZE at a time, one transaction a batch; each batch is yielded once committed. A
    file that cannot be read (LabelFileError) is raised once the records before it are in."""
    ensure_taxonomy()
    for batch in in_batches(records, BATCH_SIZE):
        with transaction.atomic():
            outcomes = _import_batch([record for _position, record in batch], draft=draft)
        yield from zip((position for position, _record in batch), outcomes, strict=True)


def _import_batch(records: list[Any], *, draft: bool) -> list[Outcome]:
    """Import records as one: what they need from the database read in a few queries, each
    record's changes worked out in memory, all written in a few bulk statements. If the
    database refuses any of it, that is rolled back and the records are imported again one
    at a time, each in its own savepoint, so that a bad record rolls back alone."""
    try:
        with transaction.atomic():
            batch = _Batch(records, draft=draft)
            outcomes = [batch.plan(index) for index in range(len(records))]
            batch.write()
            return outcomes
    except (DataError, IntegrityError):
        pass
    outcomes = []
    for record in records:
        try:
            with transaction.atomic():
                batch = _Batch([record], draft=draft)
                outcome = batch.plan(0)
                batch.write()
        except (DataError, IntegrityError) as error:
            # A value the database refuses (PostgreSQL checks lengths SQLite ignores).
            outcome = Outcome(Result.SKIPPED, reason=f"the database refused it: {error}")
        outcomes.append(outcome)
    return outcomes


class _Batch:
    """Records being imported together: what the database holds that they need, and the
    rows they add or change, kept in memory until write() saves them in bulk.

    Each record is planned in turn against what the database held plus what the records
    before it planned, so records in one batch see each other as if saved one by one: two
    labels of one generic share a drug, a class or a brand is added once."""

    def __init__(self, records: list[Any], *, draft: bool) -> None:
        self.records = records
        self.draft = draft
        # (SPL id, set id, content hash) of each record that has usable ids.
        self.keys = [record_key(record) for record in records]
        self.sources = self._sources()  # the earliest first, as the database numbered them
        self.drugs: dict[str, Drug] = {}  # by lowercased generic name
        self.drugs_by_pk: dict[int, Drug] = {}
        self.drug_slugs: set[str] = set()
        self.names: set[str] = set()  # lowercased names in use (brand and other names)
        self.new_drugs: list[Drug] = []
        self.summaries: dict[int, Drug] = {}  # label pages given a new summary, by key
        self.new_names: list[DrugName] = []
        self.new_sources: list[LabelSource] = []
        self.changed_sources: dict[int, LabelSource] = {}  # by primary key
        # A record already stored as it is needs no parsing: a second run only compares.
        self.labels: dict[int, Label | BadRecord] = {
            index: _parse(record, key=self.keys[index])
            for index, record in enumerate(records)
            if not isinstance(record, StreamError) and self._stored_as_is(index) is None
        }
        self._load(
            [label for label in self.labels.values() if isinstance(label, Label)],
            drug_pks={source.drug_id for source in self.sources},
        )

    # Reading ---------------------------------------------------------------------------------

    def _sources(self) -> list[LabelSource]:
        """The label sources of the records, each by its SPL id or an earlier version of it
        by its set id. Only what finding them needs is read: the text stays in the database."""
        keys = [key for key in self.keys if key is not None]
        if not keys:
            return []
        return list(
            LabelSource.objects.filter(
                Q(spl_id__in={spl_id for spl_id, _, _ in keys})
                | Q(set_id__in={set_id for _, set_id, _ in keys})
            )
            .only("spl_id", "set_id", "version", "effective_on", "content_hash", "drug")
            .order_by("pk")
        )

    def _load(self, labels: list[Label], *, drug_pks: Collection[int] = ()) -> None:
        """Read the drugs, names and classes these labels need, and the slugs their new
        drugs and classes would take, in three queries. Names are matched case-folded, as
        the unique indexes match them."""
        max_length = DrugName._meta.get_field("name").max_length
        generics = {label.generic_display for label in labels}
        brands = {b for label in labels for b in label.brands if len(b) <= max_length}
        if generics or drug_pks:
            drugs = (
                Drug.objects.annotate(key=Lower("generic_name"))
                .filter(
                    Q(key__in=_folded(generics | brands))
                    | Q(slug__in={_slug_base(name) for name in generics})
                    | Q(pk__in=drug_pks)
                )
                .only("generic_name", "slug", "origin")
                .order_by()
            )
            for found in drugs:
                drug = self.drugs_by_pk.setdefault(found.pk, found)
                self.drugs.setdefault(drug.generic_name.lower(), drug)
                self.drug_slugs.add(drug.slug)
            for source in self.sources:
                if source.pk is not None and source.drug_id in self.drugs_by_pk:
                    source.drug = self.drugs_by_pk[source.drug_id]
        if brands:
            self.names.update(
                name.lower()
                for name in DrugName.objects.annotate(key=Lower("name"))
                .filter(key__in=_folded(brands))
                .order_by()
                .values_list("name", flat=True)
            )

    # Planning --------------------------------------------------------------------------------

    def _source_for(self, spl_id: str, set_id: str) -> LabelSource | None:
        """The same label, else an earlier version of it (same set id, another SPL id)."""
        candidates = [s for s in self.sources if s.spl_id == spl_id or s.set_id == set_id]
        return min(candidates, key=lambda s: s.spl_id != spl_id, default=None)

    def _stored_as_is(self, index: int) -> LabelSource | None:
        key = self.keys[index]
        if key is None:
            return None
        source = self._source_for(key[0], key[1])
        return source if source is not None and source.content_hash == key[2] else None

    def plan(self, index: int) -> Outcome:
        """Work out what record `index` changes, as if the records before it were saved."""
        record = self.records[index]
        if isinstance(record, StreamError):
            return Outcome(Result.SKIPPED, reason=record.reason)
        if (stored := self._stored_as_is(index)) is not None:
            return Outcome(Result.UNCHANGED, drug=stored.drug.generic_name)
        label = self.labels.get(index)
        if label is None:  # stored as it is, until an earlier record of this batch changed it
            label = self.labels[index] = _parse(record, key=self.keys[index])
            if isinstance(label, Label):
                self._load([label])
        if isinstance(label, BadRecord):
            return Outcome(Result.SKIPPED, reason=str(label))
        source = self._source_for(label.spl_id, label.set_id)
        if source is not None and _age(label) < _age(source):
            # Another version of this label, older than the one kept: the newest wins on
            # every run, whatever order the file lists them in.
            return Outcome(Result.UNCHANGED, drug=source.drug.generic_name)
        drug = source.drug if source is not None else self._drug_for(label)
        if drug.origin == Origin.LABEL:
            self._enrich(drug, label)
        if source is None:
            source = LabelSource(drug=drug)
            self.sources.append(source)
            self.new_sources.append(source)
            result = Result.CREATED
        else:
            if source.pk is not None:
                # A fresh copy, so that every field is written, not only those read. The
                # content changed (else it would be stored as it is): a medical review of the
                # monograph before now no longer covers the label.
                copy = LabelSource(pk=source.pk, drug=drug, content_changed_at=timezone.now())
                self.sources[self.sources.index(source)] = copy
                self.changed_sources[source.pk] = source = copy
            result = Result.UPDATED
        _fill(source, label)
        return Outcome(result, drug=drug.generic_name)

    def _drug_for(self, label: Label) -> Drug:
        """The drug this label belongs to: an existing one by generic name, else a new label
        page. Several labels for one generic share one drug."""
        drug = self.drugs.get(label.generic_display.lower())
        if drug is not None:
            # A label page made by an earlier import gets the summary that names its uses;
            # editors' pages (and the pages this batch makes) keep theirs.
            if drug.pk is not None and drug.origin == Origin.LABEL:
                drug.summary = label_summary(label)
                self.summaries[drug.pk] = drug
            return drug
        summary = label_summary(label)
        drug = Drug(
            generic_name=label.generic_display,
            slug=_free_slug(Drug, _slug_base(label.generic_display), taken=self.drug_slugs),
            summary=summary,
            is_prescription_only=label.product_type != ProductType.OVER_THE_COUNTER,
            origin=Origin.LABEL,
            status=Status.DRAFT if self.draft else Status.PUBLISHED,
        )
        self.drugs[drug.generic_name.lower()] = drug
        self.drug_slugs.add(drug.slug)
        self.new_drugs.append(drug)
        return drug

    def _enrich(self, drug: Drug, label: Label) -> None:
        """Add the label's brand names to a label page; nothing is ever removed. (Its classes
        come from the taxonomy's mappings, applied when the batch is written.)"""
        max_length = DrugName._meta.get_field("name").max_length
        brands = {b.lower(): b for b in label.brands if len(b) <= max_length}
        for key, name in brands.items():
            # Names are unique across drugs, and a brand may not be another drug's generic.
            owner = self.drugs.get(key)
            if key in self.names or (owner is not None and owner is not drug):
                continue
            self.names.add(key)
            self.new_names.append(DrugName(drug=drug, name=name, kind=NameKind.BRAND))

    # Writing ---------------------------------------------------------------------------------

    def _first_revisions(self) -> None:
        """A new label page's first revision (with its names and label sources), written in
        bulk like the rest of the batch, so an editor's first change can be compared with
        what the import made and undone from History."""
        if not self.new_drugs:
            return
        new = {drug.pk for drug in self.new_drugs}
        prefetch_related_objects(self.new_drugs, "classes")  # one query, not one a drug
        objects = [
            *self.new_drugs,
            *(name for name in self.new_names if name.drug_id in new),
            *(source for source in self.new_sources if source.drug_id in new),
        ]
        revision = Revision.objects.create(
            date_created=timezone.now(), comment="Imported from an FDA label"
        )
        Version.objects.bulk_create(
            Version(
                revision=revision,
                content_type=ContentType.objects.get_for_model(item),
                object_id=str(item.pk),
                db=item._state.db or "default",
                format="json",
                serialized_data=serializers.serialize("json", [item]),
                object_repr=str(item)[:191],
            )
            for item in objects
        )

    def write(self) -> None:
        """Save what the batch planned, parents first, in a statement or so per table."""
        Drug.objects.bulk_create(self.new_drugs)
        Drug.objects.bulk_update(self.summaries.values(), ["summary"])
        DrugName.objects.bulk_create(self.new_names)
        LabelSource.objects.bulk_create(self.new_sources)
        for source in self.changed_sources.values():
            source.save()
        # Label pages go into the classes the taxonomy maps their FDA classes to, before
        # search hears of them below.
        filed = {s.drug.pk for s in [*self.new_sources, *self.changed_sources.values()]}
        apply_class_mappings(drug_ids=filed)
        self._first_revisions()  # with the classes they were just given
        # bulk_create sends no signals: search and the caches hear of the batch's drugs here.
        catalogue_changed.send(
            sender=LabelSource,
            drug_ids={drug.pk for drug in self.new_drugs} | filed | set(self.summaries),
        )


def _age(label: Label | LabelSource) -> tuple[int, date]:
    """How new a version of a label is: its version number, then its effective date. Two
    versions that give neither are as new as each other, and the one read last is kept."""
    version = int(label.version) if label.version.isdigit() else -1
    return version, label.effective_on or date.min


def _parse(record: Any, *, key: tuple[str, str, str] | None) -> Label | BadRecord:
    try:
        return parse_label(record, content_hash=key[2] if key else "")
    except BadRecord as error:
        return error


def _folded(names: Iterable[str]) -> list[str | Lower]:
    """Names case-folded as the database folds them in its unique indexes. ASCII folds the
    same everywhere, so it is folded here; the rest is left to the database's lower(), which
    on SQLite folds only ASCII. (One Lower() expression per name would cost more to compile
    than the query takes to run.)"""
    return [name.lower() if name.isascii() else Lower(Value(name)) for name in names]


def _fill(source: LabelSource, label: Label) -> None:
    source.spl_id = label.spl_id
    source.set_id = label.set_id
    source.version = label.version
    source.effective_on = label.effective_on
    source.generic_name_raw = label.generic_full[:200]
    source.product_type = label.product_type
    source.routes = label.routes
    source.brand_names_raw = label.brands
    source.pharm_classes = label.pharm_classes
    source.rxcuis = label.rxcuis
    source.uniis = label.uniis
    source.sections = label.sections
    source.content_hash = label.content_hash


def _slug_base(name: str) -> str:
    return slugify(name)[:120] or "drug"


def _slug_candidates(base: str, *, batch: int = 0) -> list[str]:
    first = batch * SLUG_BATCH + 1
    return [base if n == 1 else f"{base}-{n}" for n in range(first, first + SLUG_BATCH)]


def _free_slug(model: type[Drug], base: str, *, taken: set[str]) -> str:
    """`base`, else the first of base-2, base-3 … that is free. `taken` holds the slugs known
    to be taken: `base`, if it is, and those given out earlier in the batch. The rest are
    looked up a batch at a time by the slug's unique index: a `startswith` LIKE cannot use
    it on SQLite and scans the table."""
    if base not in taken:
        return base
    for batch in itertools.count():
        candidates = _slug_candidates(base, batch=batch)
        in_use = taken | set(
            model.objects.filter(slug__in=candidates).order_by().values_list("slug", flat=True)
        )
        for slug in candidates:
            if slug not in in_use:
                return slug
    raise AssertionError("unreachable")
