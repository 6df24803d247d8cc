"""The class tree: loading the curated taxonomy and filing label pages into it.

`drugs/taxonomy.yaml` holds the curated site classes and the FDA terms and ingredients that map
into them; `load_taxonomy` writes it to DrugClass and ClassMapping rows, which editors then
review in the admin. `apply_class_mappings` puts each FDA-label page in the site classes its
label's openFDA classes and its ingredient map to — the same classes on every run. An FDA class
that no mapping names becomes a site class of its own (recorded as an uncurated mapping for an
editor to review), so every label page with an FDA class ends up in at least one class.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from drugs.models import (
    ClassKind,
    ClassMapping,
    Drug,
    DrugClass,
    LabelSource,
    MappingSource,
    Origin,
    Substance,
    class_key,
    split_fda_class,
)
from drugs.signals import catalogue_changed

TAXONOMY_FILE = Path(__file__).with_name("taxonomy.yaml")
# libyaml's parser where PyYAML was built with it (the wheels are): ten times faster than the
# pure-Python one, with the same safe subset and the same error marks.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# openFDA mechanism classes that are enzymes and transporters: the checker's, not the reader's.
ENZYME_OR_TRANSPORTER = re.compile(
    r"cytochrome|p-glycoprotein|transporter|resistance protein|uridine|ugt|oatp|inducers?\b",
    re.IGNORECASE,
)
# Words kept as written when a class name is put in sentence case.
KEEP_CASE = re.compile(r"^(?:[A-Z0-9-]{2,}|[A-Z]|.*\d.*|[a-z]+-[A-Z].*)$")


class TaxonomyError(ValueError):
    """The taxonomy file cannot be used; the message says where and why."""


@dataclass
class TaxonomySummary:
    classes_created: int = 0
    classes_updated: int = 0
    mappings_created: int = 0
    substances_linked: int = 0

    def __str__(self) -> str:
        return (
            f"{self.classes_created} classes created, {self.classes_updated} brought up to date, "
            f"{self.mappings_created} mappings added, {self.substances_linked} substances linked."
        )


@dataclass
class ApplySummary:
    drugs: int = 0
    changed: int = 0
    classes_created: int = 0
    without_class: list[str] = field(default_factory=list)  # label pages with no FDA class

    def __str__(self) -> str:
        return (
            f"{self.drugs} label pages filed: {self.changed} changed class, "
            f"{self.classes_created} new classes from unmapped FDA classes, "
            f"{len(self.without_class)} with no FDA class or mapped ingredient."
        )


# Loading the curated file ------------------------------------------------------------------


def read_taxonomy(path: Path = TAXONOMY_FILE) -> list[dict]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise TaxonomyError(f"{path}: {error}") from error
    classes = data.get("classes") if isinstance(data, dict) else None
    if not isinstance(classes, list):
        raise TaxonomyError(f"{path}: expected a list under 'classes'")
    slugs = set()
    for number, entry in enumerate(classes, start=1):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("slug"):
            raise TaxonomyError(f"{path}: class {number} needs a name and a slug")
        if entry["slug"] in slugs:
            raise TaxonomyError(f"{path}: slug {entry['slug']!r} is used twice")
        slugs.add(entry["slug"])
    for entry in classes:
        for other in [entry.get("parent"), *entry.get("includes", [])]:
            if other and other not in slugs:
                raise TaxonomyError(f"{path}: {entry['slug']} names unknown class {other!r}")
    return classes


@transaction.atomic
def load_taxonomy(path: Path = TAXONOMY_FILE) -> TaxonomySummary:
    """Write the curated classes and mappings. Idempotent; what editors added in the admin
    (synonyms, mappings, memberships) is kept, and what the file says is brought back. A few
    dozen queries when nothing changed."""
    entries = read_taxonomy(path)
    summary = TaxonomySummary()
    existing = list(
        DrugClass.objects.filter(
            Q(slug__in=[e["slug"] for e in entries])
            | Q(key__in=[class_key(e["name"]) for e in entries])
        )
    )
    classes: dict[str, DrugClass] = {}
    for entry in entries:
        classes[entry["slug"]] = _sync_class(entry, existing, summary)
    groups = DrugClass.included_in.through
    wanted_groups = []
    for entry in entries:
        drug_class = classes[entry["slug"]]
        parent = classes[entry["parent"]] if entry.get("parent") else None
        if drug_class.parent_id != (parent.pk if parent else None):
            drug_class.parent = parent
            drug_class.save(update_fields=["parent", "key"])
        wanted_groups += [
            groups(from_drugclass=classes[slug], to_drugclass=drug_class)
            for slug in entry.get("includes", [])
        ]
    groups.objects.bulk_create(wanted_groups, ignore_conflicts=True)
    _sync_substances(entries, classes, summary)
    terms = [
        (term, source, classes[entry["slug"]])
        for entry in entries
        for term, source in [
            *(split_fda_class(raw) for raw in entry.get("fda", [])),
            *((name, MappingSource.INGREDIENT) for name in entry.get("members", [])),
        ]
    ]
    summary.mappings_created = _curate_mappings(terms)
    return summary


def _sync_substances(
    entries: list[dict], classes: dict[str, DrugClass], summary: TaxonomySummary
) -> None:
    names = {name for entry in entries for name in entry.get("substances", [])}
    if not names:
        return
    substances = {s.name.casefold(): s for s in Substance.objects.filter(name__in=names)}
    links = Substance.classes.through
    linked = set(links.objects.values_list("substance_id", "drugclass_id"))
    for entry in entries:
        drug_class = classes[entry["slug"]]
        for name in entry.get("substances", []):
            substance = substances.get(name.casefold())
            if substance is None:
                substance = substances[name.casefold()] = Substance.objects.create(
                    name=name, slug=slugify(name)
                )
            if (substance.pk, drug_class.pk) not in linked:
                links.objects.create(substance=substance, drugclass=drug_class)
                summary.substances_linked += 1


def _sync_class(entry: dict, existing: list[DrugClass], summary: TaxonomySummary) -> DrugClass:
    """The class of this entry, found by slug or else by key (an import may have made it
    from an FDA class already), with the file's name, kind and synonyms."""
    key = class_key(entry["name"])
    drug_class = next((c for c in existing if c.slug == entry["slug"]), None) or next(
        (c for c in existing if c.key == key), None
    )
    synonyms = [str(s) for s in entry.get("synonyms", [])]
    if drug_class is None:
        summary.classes_created += 1
        return DrugClass.objects.create(
            name=entry["name"],
            slug=entry["slug"],
            kind=entry.get("kind", ClassKind.THERAPEUTIC),
            synonyms="\n".join(synonyms),
        )
    # An import-made class of the same key gives way to the curated one: fold it in.
    clash = next((c for c in existing if c.key == key and c.pk != drug_class.pk), None)
    if clash is not None:
        existing.remove(clash)
        merge_class(clash, into=drug_class)
    known = {s.casefold() for s in drug_class.synonym_list}
    merged = drug_class.synonym_list + [s for s in synonyms if s.casefold() not in known]
    wanted = {
        "name": entry["name"],
        "slug": entry["slug"],
        "kind": entry.get("kind", ClassKind.THERAPEUTIC),
        "synonyms": "\n".join(merged),
    }
    if any(getattr(drug_class, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(drug_class, name, value)
        drug_class.save()
        summary.classes_updated += 1
    return drug_class


def _curate_mappings(terms: list[tuple[str, str, DrugClass]]) -> int:
    """Map each term to its class. An uncurated mapping of the same term (a class an import
    made on its own) gives way, and its class is folded in when nothing else maps to it."""
    keyed = [(term, source, _mapping_key(term, source), c) for term, source, c in terms]
    stale = ClassMapping.objects.filter(
        is_curated=False, key__in={key for _t, _s, key, _c in keyed}
    ).select_related("drug_class")
    wanted = {(source, key): drug_class for _t, source, key, drug_class in keyed}
    for mapping in stale:
        target = wanted.get((mapping.source, mapping.key))
        if target is None:
            continue
        old_class = mapping.drug_class
        mapping.delete()
        if old_class.pk != target.pk and not old_class.mappings.exists():
            merge_class(old_class, into=target)
    have = set(ClassMapping.objects.values_list("source", "key", "drug_class_id"))
    new = []
    for term, source, key, drug_class in keyed:
        if (source, key, drug_class.pk) not in have:
            have.add((source, key, drug_class.pk))
            new.append(ClassMapping(source=source, term=term, key=key, drug_class=drug_class))
    ClassMapping.objects.bulk_create(new)
    return len(new)


def merge_class(duplicate: DrugClass, *, into: DrugClass) -> None:
    """Fold `duplicate` into `into`: members, interactions, subclasses and mappings move over,
    then `duplicate` goes. Rows `into` already has are not made twice."""
    membership = Drug.classes.through
    members = set(membership.objects.filter(drugclass=into).values_list("drug_id", flat=True))
    membership.objects.bulk_create(
        [
            membership(drug_id=drug_id, drugclass=into)
            for drug_id in membership.objects.filter(drugclass=duplicate).values_list(
                "drug_id", flat=True
            )
            if drug_id not in members
        ]
    )
    DrugClass.objects.filter(parent=duplicate).exclude(pk=into.pk).update(parent=into)
    for row in duplicate.interactions.all():
        twin = into.interactions.filter(
            drug_id=row.drug_id, source=row.source, source_id=row.source_id
        )
        if twin.exists():
            row.delete()
        else:
            row.interactant_class = into
            row.save(update_fields=["interactant_class"])
    for mapping in duplicate.mappings.all():
        if into.mappings.filter(source=mapping.source, key=mapping.key).exists():
            mapping.delete()
        else:
            mapping.drug_class = into
            mapping.save(update_fields=["drug_class"])
    for substance in duplicate.substances.all():
        substance.classes.add(into)
    drug_ids = list(duplicate.drugs.values_list("pk", flat=True))
    duplicate.delete()
    if drug_ids:
        catalogue_changed.send(sender=DrugClass, drug_ids=drug_ids)


def ensure_taxonomy() -> None:
    """Load the curated taxonomy when the database has none yet (a fresh install)."""
    if not ClassMapping.objects.filter(is_curated=True).exists():
        load_taxonomy()


# Filing label pages ------------------------------------------------------------------------


def _mapping_key(term: str, source: str) -> str:
    if source == MappingSource.INGREDIENT:
        return " ".join(term.casefold().split())
    return class_key(term)


def site_class_name(term: str) -> str:
    """A readable plural name for a class made from an FDA term: "Kinase Inhibitor" →
    "Kinase inhibitors", "GLP-1 Receptor Agonist" → "GLP-1 receptor agonists"."""
    words = term.split()
    shaped = [
        word if index == 0 or KEEP_CASE.match(word) else word.lower()
        for index, word in enumerate(words)
    ]
    last = shaped[-1] if shaped else ""
    if last and not last.endswith("s") and last[-1].isalpha() and not KEEP_CASE.match(last):
        shaped[-1] = last[:-1] + "ies" if re.search(r"[^aeiou]y$", last) else last + "s"
    name = " ".join(shaped)
    return name[:1].upper() + name[1:]


@dataclass
class _Mappings:
    """The mapping table in memory, by class key: (source, term key) → class keys. Classes
    for unmapped FDA terms are planned here and written in bulk by save_new()."""

    by_term: dict[tuple[str, str], set[str]]
    classes: dict[str, DrugClass]  # by key, those planned included
    slugs: set[str]
    new_classes: list[DrugClass] = field(default_factory=list)
    new_mappings: list[ClassMapping] = field(default_factory=list)

    @classmethod
    def load(cls) -> _Mappings:
        classes = {c.key: c for c in DrugClass.objects.only("pk", "name", "slug", "key", "kind")}
        keys = {c.pk: c.key for c in classes.values()}
        by_term: dict[tuple[str, str], set[str]] = {}
        for source, key, class_id in ClassMapping.objects.values_list(
            "source", "key", "drug_class_id"
        ):
            by_term.setdefault((source, key), set()).add(keys[class_id])
        return cls(by_term, classes, {c.slug for c in classes.values()})

    def classes_for(self, source: str, term: str) -> set[str]:
        found = self.by_term.get((source, _mapping_key(term, source)), set())
        if not found and source != MappingSource.INGREDIENT and class_key(term) in self.classes:
            # "Benzodiazepines [CS]" joins the class "Benzodiazepines" with no mapping needed.
            return {class_key(term)}
        return found

    def new_class(self, term: str, source: str, *, kind: str) -> str:
        """A site class for an FDA term no mapping names, with an uncurated mapping an editor
        can review; planned now, written by save_new()."""
        name = site_class_name(term)[:120]
        key = class_key(name)
        drug_class = self.classes.get(key)
        if drug_class is None:
            base = slugify(name)[:120] or "class"
            slug, n = base, 1
            while slug in self.slugs:
                n += 1
                slug = f"{base}-{n}"
            drug_class = self.classes[key] = DrugClass(name=name, slug=slug, key=key, kind=kind)
            self.slugs.add(slug)
            self.new_classes.append(drug_class)
        term_key = _mapping_key(term, source)
        if key not in self.by_term.get((source, term_key), set()):
            self.by_term.setdefault((source, term_key), set()).add(key)
            self.new_mappings.append(
                ClassMapping(
                    source=source, term=term, key=term_key, drug_class=drug_class, is_curated=False
                )
            )
        return key

    def save_new(self) -> None:
        DrugClass.objects.bulk_create(self.new_classes)
        for mapping in self.new_mappings:
            mapping.drug_class = mapping.drug_class  # the class's pk, now it has one
        ClassMapping.objects.bulk_create(self.new_mappings)

    def pk(self, key: str) -> int:
        return self.classes[key].pk


def wanted_classes(
    *, pharm_classes: Iterable[str], ingredients: Iterable[str], mappings: _Mappings
) -> set[str]:
    """The keys of the site classes a label page belongs to: every mapped FDA class and
    ingredient; an unmapped established class (EPC) or enzyme/transporter class becomes a
    class of its own; other unmapped kinds only when nothing else gives the drug a class."""
    wanted: set[str] = set()
    unmapped: list[tuple[str, str]] = []
    for raw in pharm_classes:
        term, source = split_fda_class(raw)
        if not term:
            continue
        found = mappings.classes_for(source, term)
        if found:
            wanted |= found
        else:
            unmapped.append((term, source))
    for ingredient in ingredients:
        wanted |= mappings.classes_for(MappingSource.INGREDIENT, ingredient)
    for term, source in unmapped:
        if source == MappingSource.EPC:
            wanted.add(mappings.new_class(term, source, kind=ClassKind.THERAPEUTIC))
        elif source == MappingSource.MOA and ENZYME_OR_TRANSPORTER.search(term):
            wanted.add(mappings.new_class(term, source, kind=ClassKind.INTERACTION))
    if not wanted and unmapped:
        term, source = unmapped[0]
        wanted.add(mappings.new_class(term, source, kind=ClassKind.INTERACTION))
    return wanted


def apply_class_mappings(*, drug_ids: Collection[int] | None = None) -> ApplySummary:
    """File label pages (all, or those of `drug_ids`) in the classes the mappings give them.
    Their class list becomes exactly that: a changed mapping moves them on the next run.
    Editor-written monographs keep the classes editors chose."""
    summary = ApplySummary()
    drugs = Drug.objects.filter(origin=Origin.LABEL)
    if drug_ids is not None:
        drugs = drugs.filter(pk__in=drug_ids)
    drugs = dict(drugs.values_list("pk", "generic_name"))
    if not drugs:
        return summary
    sources: dict[int, list[list]] = {}
    for drug_id, pharm_classes in LabelSource.objects.filter(drug_id__in=drugs).values_list(
        "drug_id", "pharm_classes"
    ):
        sources.setdefault(drug_id, []).append(pharm_classes or [])
    mappings = _Mappings.load()
    membership = Drug.classes.through
    current: dict[int, set[int]] = {}
    for drug_id, class_id in membership.objects.filter(drug_id__in=drugs).values_list(
        "drug_id", "drugclass_id"
    ):
        current.setdefault(drug_id, set()).add(class_id)

    planned = {}
    for drug_id, generic_name in drugs.items():
        labels = sources.get(drug_id, [])
        planned[drug_id] = wanted_classes(
            pharm_classes=[c for classes in labels for c in classes if isinstance(c, str)],
            ingredients=[generic_name],
            mappings=mappings,
        )
    mappings.save_new()

    add, remove, changed = [], Q(pk__in=[]), []
    for drug_id, keys in planned.items():
        wanted = {mappings.pk(key) for key in keys}
        summary.drugs += 1
        if not wanted:
            summary.without_class.append(drugs[drug_id])
        have = current.get(drug_id, set())
        if wanted != have:
            changed.append(drug_id)
            add += [membership(drug_id=drug_id, drugclass_id=c) for c in wanted - have]
            if have - wanted:
                remove |= Q(drug_id=drug_id, drugclass_id__in=have - wanted)
    if changed:
        membership.objects.filter(remove).delete()
        membership.objects.bulk_create(add, ignore_conflicts=True)
    summary.changed = len(changed)
    summary.classes_created = len(mappings.new_classes)
    if changed:
        catalogue_changed.send(sender=Drug, drug_ids=changed)
    return summary
