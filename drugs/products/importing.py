"""Importing Drugs@FDA products in batches: each product created or updated by its
application and product number, linked to its drugs, brand names added; one transaction a batch."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower

from drugs.models import Drug, DrugName, MarketingStatus, NameKind, Origin, Product
from drugs.products.matching import ingredient_keys, split_ingredients
from drugs.products.parsing import content_hash, product_values
from drugs.products.reading import PRODUCTS, BadRow, ProductRecord, iter_product_records
from drugs.signals import catalogue_changed

# Products imported together in one transaction; a killed run loses at most this batch, which
# the next run imports again.
BATCH_SIZE = 1000


class Result(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass
class Summary:
    counts: dict[Result, int] = field(default_factory=lambda: dict.fromkeys(Result, 0))
    drugs_matched: set[int] = field(default_factory=set)
    brands_added: int = 0
    # (generic name, brand name) → kind: names found for editor-written monographs, which
    # only an editor and a medical reviewer may add (they reach readers once published).
    brands_for_editors: dict[tuple[str, str], str] = field(default_factory=dict)
    unmatched_ingredients: set[str] = field(default_factory=set)

    def tell_editors(self, generic_name: str, brand: str, kind: str) -> None:
        """Note a name for an editor-written monograph, once: a brand while any of its
        products is marketed, else a former brand."""
        key = (generic_name, brand)
        if self.brands_for_editors.get(key) != NameKind.BRAND:
            self.brands_for_editors[key] = kind

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        counts = ", ".join(f"{self.counts[result]:,} {result}" for result in Result)
        return (
            f"{self.total:,} products: {counts}; {len(self.drugs_matched):,} drugs matched, "
            f"{self.brands_added:,} brand names added, "
            f"{len(self.brands_for_editors):,} left to the editors of their monographs, "
            f"{len(self.unmatched_ingredients):,} ingredients matched no drug"
        )


class _Drugs:
    """The drugs products are matched to, by lowercased generic name and other names, and
    the names in use; read once (a row or two per drug), kept up to date as brands are added.
    Editor-written monographs are known by pk: the import adds no name to them."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        self.generics: dict[str, int] = {}
        self.editorial: dict[int, str] = {}  # pk → generic name
        drugs = Drug.objects.values_list("pk", "generic_name", "origin").order_by()
        for pk, generic, origin in drugs:
            self.generics[generic.lower()] = pk
            self.by_name[generic.lower()] = pk
            if origin == Origin.EDITORIAL:
                self.editorial[pk] = generic
        self.names: dict[str, tuple[int, str, int]] = {}  # name → (pk, kind, drug pk)
        names = DrugName.objects.annotate(key=Lower("name")).values_list(
            "pk", "key", "kind", "drug_id"
        )
        for pk, key, kind, drug_pk in names.order_by():
            self.names[key] = (pk, kind, drug_pk)
            if kind == NameKind.OTHER:
                self.by_name.setdefault(key, drug_pk)

    def match(self, ingredient: str) -> int | None:
        for key in ingredient_keys(ingredient):
            if key in self.by_name:
                return self.by_name[key]
        return None


@dataclass
class _Batch:
    creates: list[tuple[dict, list[int]]] = field(default_factory=list)  # values, drug pks
    updates: list[tuple[Product, list[int]]] = field(default_factory=list)
    brands: dict[str, DrugName] = field(default_factory=dict)  # new names by lowercased name
    promotions: set[int] = field(default_factory=set)  # former brands marketed again
    changed_drugs: set[int] = field(default_factory=set)


def import_products(
    path: Path | str,
    *,
    on_skip: Callable[[str, str], object] | None = None,
    batch_size: int = BATCH_SIZE,
) -> Summary:
    """Import the Drugs@FDA files in a folder or a .zip: each product created or updated by
    its application and product number, linked to the drugs its ingredients match (salt
    aside), and brand names added to their drug; running it again changes nothing. Bad lines
    are skipped and told to `on_skip(position, reason)`; one transaction per batch."""
    summary = Summary()
    drugs = _Drugs()
    changed_drugs: set[int] = set()
    batch: list[ProductRecord] = []
    try:
        for position, record in iter_product_records(path):
            if isinstance(record, BadRow):
                if position.startswith(PRODUCTS):
                    summary.counts[Result.SKIPPED] += 1
                if on_skip is not None:
                    on_skip(position, record.reason)
                continue
            batch.append(record)
            if len(batch) == batch_size:
                changed_drugs |= _import_batch(batch, drugs=drugs, summary=summary)
                batch = []
        if batch:
            changed_drugs |= _import_batch(batch, drugs=drugs, summary=summary)
    finally:
        # Once for the whole run, not per batch: search rewrites each drug whose names or
        # products changed once, and the page cache is emptied once. Batches committed
        # before an error are announced too.
        if changed_drugs:
            catalogue_changed.send(sender=Product, drug_ids=changed_drugs)
    return summary


def _import_batch(records: list[ProductRecord], *, drugs: _Drugs, summary: Summary) -> set[int]:
    """Import records in one transaction; the pks of the drugs whose products or names
    changed."""
    numbers = {r.application_number for r in records}
    with transaction.atomic():
        stored = {
            (appl, prod): (pk, digest)
            for pk, appl, prod, digest in Product.objects.filter(application_number__in=numbers)
            .values_list("pk", "application_number", "product_number", "content_hash")
            .order_by()
        }
        batch = _Batch()
        seen: set[tuple[str, str]] = set()
        for record in records:
            key = (record.application_number, record.product_number)
            if key in seen:  # a product listed twice: the first line counts
                summary.counts[Result.SKIPPED] += 1
                continue
            seen.add(key)
            _plan(record, stored=stored.get(key), drugs=drugs, batch=batch, summary=summary)
        _write(batch, drugs=drugs, numbers=numbers)
    return batch.changed_drugs


def _plan(
    record: ProductRecord,
    *,
    stored: tuple[int, str] | None,
    drugs: _Drugs,
    batch: _Batch,
    summary: Summary,
) -> None:
    values = product_values(record)
    drug_pks = []
    for piece in split_ingredients(values["active_ingredient"]):
        pk = drugs.match(piece)
        if pk is None:
            summary.unmatched_ingredients.add(piece.lower())
        elif pk not in drug_pks:
            drug_pks.append(pk)
    summary.drugs_matched.update(drug_pks)
    digest = content_hash(values, drug_pks)
    if stored is not None and stored[1] == digest:
        summary.counts[Result.UNCHANGED] += 1
        return
    values["content_hash"] = digest
    batch.changed_drugs.update(drug_pks)
    if stored is None:
        batch.creates.append((values, drug_pks))
        summary.counts[Result.CREATED] += 1
    else:
        batch.updates.append((Product(pk=stored[0], **values), drug_pks))
        summary.counts[Result.UPDATED] += 1
    if values["is_brand"] and not values["is_combination"] and len(drug_pks) == 1:
        summary.brands_added += _plan_brand(
            values["name"],
            status=values["marketing_status"],
            drug_pk=drug_pks[0],
            drugs=drugs,
            batch=batch,
            summary=summary,
        )


def _plan_brand(
    name: str, *, status: str, drug_pk: int, drugs: _Drugs, batch: _Batch, summary: Summary
) -> int:
    """Add a product's name as a brand of its drug, unless the name is taken (by any drug,
    or as another drug's generic name). A name known only from discontinued products is a
    former brand; a former brand of the same drug marketed again becomes a brand. An
    editor-written monograph's names are its editors' to change: what would be added or
    promoted is told to `summary` instead."""
    if status == MarketingStatus.TENTATIVE or not status:
        return 0
    key = name.lower()
    if len(name) > DrugName._meta.get_field("name").max_length or key in drugs.generics:
        return 0  # a drug's own generic name is no brand; another drug's is not free
    current = status in (MarketingStatus.PRESCRIPTION, MarketingStatus.OVER_THE_COUNTER)
    kind = NameKind.BRAND if current else NameKind.FORMER_BRAND
    if key in batch.brands:
        new = batch.brands[key]
        if new.drug_id == drug_pk and kind == NameKind.BRAND:
            new.kind = kind
        return 0
    editorial = drugs.editorial.get(drug_pk)
    if key in drugs.names:
        pk, known_kind, owner = drugs.names[key]
        if owner == drug_pk and known_kind == NameKind.FORMER_BRAND and kind == NameKind.BRAND:
            if editorial is not None:
                summary.tell_editors(editorial, name, kind)
                return 0
            batch.promotions.add(pk)
            drugs.names[key] = (pk, NameKind.BRAND, owner)
        return 0
    if editorial is not None:
        summary.tell_editors(editorial, name, kind)
        return 0
    batch.brands[key] = DrugName(drug_id=drug_pk, name=name, kind=kind)
    batch.changed_drugs.add(drug_pk)
    return 1


def _write(batch: _Batch, *, drugs: _Drugs, numbers: set[str]) -> None:
    through = Product.drugs.through
    links = [(product.pk, pk) for product, pks in batch.updates for pk in pks]
    if batch.creates:
        # New products go in with executemany: bulk_create's per-value preparation is most
        # of an import's time (tens of thousands of products, twenty-odd fields each).
        _insert(Product, [values for values, _pks in batch.creates])
        new = {
            (appl, prod): pk
            for pk, appl, prod in Product.objects.filter(application_number__in=numbers)
            .values_list("pk", "application_number", "product_number")
            .order_by()
        }
        links += [
            (new[values["application_number"], values["product_number"]], pk)
            for values, pks in batch.creates
            for pk in pks
        ]
    if batch.updates:
        fields = [
            f.name
            for f in Product._meta.concrete_fields
            if not f.primary_key and f.name not in ("application_number", "product_number")
        ]
        Product.objects.bulk_update([product for product, _pks in batch.updates], fields)
        old = through.objects.filter(product_id__in=[p.pk for p, _pks in batch.updates])
        batch.changed_drugs.update(old.values_list("drug_id", flat=True))
        old.delete()
    _insert(through, [{"product_id": product, "drug_id": drug} for product, drug in links])
    # The plain QuerySet.bulk_create: DrugName's own announces each batch's drugs to search,
    # which import_products does once for the whole run (catalogue_changed).
    created = QuerySet(DrugName).bulk_create(batch.brands.values())
    for key, name in zip(batch.brands, created, strict=True):
        drugs.names[key] = (name.pk, name.kind, name.drug_id)
    if batch.promotions:
        promoted = DrugName.objects.filter(pk__in=batch.promotions)
        batch.changed_drugs.update(promoted.values_list("drug_id", flat=True))
        promoted.update(kind=NameKind.BRAND)


def _insert(model: type[Model], rows: list[dict]) -> None:
    """INSERT rows (field attname → value, every concrete field but the pk) in one statement."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[row[f.attname] for f in fields] for row in rows])
