"""Load the demo monographs and guides (the files in content/) into the database, idempotently.

Every row is matched by a natural key (a side effect by its name, a formulation by form,
release and brand, a guide by its slug, …): rows that differ are updated, missing rows created,
and rows of a demo drug that are no longer in the data deleted. Nothing is saved when nothing
differs, so a second run changes no value, no primary key and no timestamp. A guide's hero
picture is drawn only when the guide has none, or its file is gone, or its recipe changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, TextIO, TypeVar

import reversion
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from reversion.models import Version

from articles import images
from articles.models import Article, Author, Category, CuratedGuide
from drugs.dosing import parse_strength
from drugs.models import (
    ChangeLogEntry,
    Condition,
    DoseGuideline,
    Drug,
    DrugClass,
    DrugName,
    Formulation,
    Indication,
    Interaction,
    Reference,
    SideEffect,
    Strength,
    Substance,
)
from drugs.taxonomy import load_taxonomy
from medguide.demo.artwork import render_jpeg
from medguide.demo.specs import (
    CONTENT_DIR,
    DemoContent,
    DemoContentError,
    DrugSpec,
    GuideSpec,
    InteractionSpec,
    read_content,
)
from medguide.editorial.models import Status

THOUSANDTH = Decimal("0.001")

Row = TypeVar("Row", bound=models.Model)


@dataclass
class LoadSummary:
    """What a run did, counted per kind of row."""

    drugs: list[str] = field(default_factory=list)
    guides: list[str] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created.total() or self.updated.total() or self.deleted.total())

    def __str__(self) -> str:
        def listing(counter: Counter[str]) -> str:
            return ", ".join(f"{count} {label}" for label, count in sorted(counter.items()))

        lines = [f"Demo content: {len(self.drugs)} published drugs ({', '.join(self.drugs)})."]
        if self.guides:
            titles = "; ".join(self.guides)
            lines.append(f"Demo guides: {len(self.guides)} published ({titles}).")
        for verb, counter in [
            ("Created", self.created),
            ("Updated", self.updated),
            ("Deleted", self.deleted),
        ]:
            if counter:
                lines.append(f"{verb} {counter.total()}: {listing(counter)}.")
        if not self.changed:
            lines.append(f"Already up to date ({self.unchanged.total()} rows checked).")
        return "\n".join(lines)


def load_demo(*, stdout: TextIO | None = None, content_dir: Path = CONTENT_DIR) -> LoadSummary:
    """Create or bring up to date the demo drugs, their classes, conditions and substances,
    and the guides curated onto their pages, from the files in `content_dir`.

    Every file is read and checked before anything is written, and all of it is written in one
    transaction: a mistake in a file (DemoContentError, naming it) loads nothing."""
    content = read_content(content_dir)
    with transaction.atomic():
        return _load(content, stdout=stdout)


def _load(content: DemoContent, *, stdout: TextIO | None) -> LoadSummary:
    summary = LoadSummary()
    load_taxonomy()  # the class tree the demo's classes sit in (drugs/taxonomy.yaml)
    classes = _sync_classes(content, summary)
    conditions = _sync_by_slug(Condition, content.conditions, "conditions", summary)
    substances = _sync_by_slug(Substance, content.substances, "substances", summary)

    drugs: dict[str, Drug] = {}
    for spec in content.drugs:
        before = summary.created.total() + summary.updated.total() + summary.deleted.total()
        with _naming(spec.source):
            drugs[spec.slug] = _sync_drug(
                spec, classes=classes, conditions=conditions, summary=summary
            )
        summary.drugs.append(spec.generic_name)
        if stdout is not None:
            after = summary.created.total() + summary.updated.total() + summary.deleted.total()
            stdout.write(f"  {spec.generic_name}: {after - before} rows changed\n")

    _sync_interactions(
        content.drugs, drugs=drugs, classes=classes, substances=substances, summary=summary
    )
    articles = _sync_guides(content, drugs=drugs, summary=summary)
    _record_revisions([*drugs.values(), *articles], changed=summary.changed)
    return summary


@contextmanager
def _naming(source: str) -> Iterator[None]:
    """A row the models refuse is reported against the file it came from."""
    try:
        yield
    except (ValidationError, ValueError, IntegrityError) as error:
        if isinstance(error, DemoContentError):
            raise
        raise DemoContentError(f"{source}: {error}") from error


def _record_revisions(items: Iterable[models.Model], *, changed: bool) -> None:
    """Start each item's history (django-reversion, with the rows its admin saves with it),
    so that an editor's first change can be compared and undone. A run that changed nothing
    adds no revision to an item that has one."""
    for item in items:
        if not changed and Version.objects.get_for_object(item).exists():
            continue
        with reversion.create_revision():
            reversion.add_to_revision(item)
            # Shown and saved with the drug in the admin, though restoring never removes them.
            for entry in item.changes.all() if isinstance(item, Drug) else ():
                reversion.add_to_revision(entry)
            reversion.set_comment("Loaded from the demo content.")


# Rows in general


def _save(obj: Row, values: Mapping[str, Any], label: str, summary: LoadSummary) -> Row:
    """Give `obj` these field values and save it, validated, only if something differs."""
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if obj.pk is not None and not changed:
        summary.unchanged[label] += 1
        return obj
    for name, value in changed.items():
        setattr(obj, name, value)
    counter = summary.created if obj.pk is None else summary.updated
    # Field checks are what the database cannot do (choices, web addresses, lengths on
    # SQLite); uniqueness and the models' constraints it enforces itself on save, inside the
    # load's one transaction, without full_clean's query per unique field and constraint
    # (a third of the load's time). So it does the foreign keys, which the loader sets to
    # rows it has just found or saved, never to an id from a file: full_clean asked the
    # database whether each one exists (about 600 of a load's 1,450 queries).
    related = [field.name for field in obj._meta.concrete_fields if field.is_relation]
    obj.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
    obj.save()
    counter[label] += 1
    return obj


def _sync_rows(
    model: type[models.Model],
    *,
    existing: Iterable[models.Model],
    key: Callable[[models.Model], Hashable],
    wanted: Iterable[tuple[Hashable, dict[str, Any]]],
    label: str,
    summary: LoadSummary,
) -> dict[Hashable, models.Model]:
    """Make `existing` match `wanted` (key → field values): update, create, delete."""
    targets: dict[Hashable, dict[str, Any]] = {}
    for row_key, values in wanted:
        if row_key in targets:
            raise ValueError(f"Demo data lists {label} {row_key!r} twice.")
        targets[row_key] = values

    matched: dict[Hashable, models.Model] = {}
    for obj in existing:
        row_key = key(obj)
        if row_key in targets and row_key not in matched:
            matched[row_key] = obj
        else:
            obj.delete()  # first, so that a new row cannot collide with a stale one
            summary.deleted[label] += 1

    return {
        row_key: _save(matched.get(row_key) or model(), values, label, summary)
        for row_key, values in targets.items()
    }


def _amount(value: Decimal | int | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(THOUSANDTH)


# Taxonomy


def _sync_classes(content: DemoContent, summary: LoadSummary) -> dict[str, DrugClass]:
    """Upsert the classes by slug, parents first; classes are shared, so none is deleted."""
    classes: dict[str, DrugClass] = {}
    for spec in content.classes:
        obj = (
            DrugClass.objects.filter(slug=spec.slug).first()
            or DrugClass.objects.filter(name__iexact=spec.name).first()
            or DrugClass()
        )
        parent = classes[spec.parent] if spec.parent else None
        values = {
            "name": spec.name,
            "slug": spec.slug,
            "parent_id": parent.pk if parent else None,
            "description": spec.description,
        }
        classes[spec.slug] = _save(obj, values, "drug classes", summary)
    return classes


def _sync_by_slug(model, specs, label: str, summary: LoadSummary) -> dict[str, models.Model]:
    """Upsert conditions or substances by slug (or name); they are shared, so none is deleted."""
    rows = {}
    for spec in specs:
        obj = (
            model.objects.filter(slug=spec.slug).first()
            or model.objects.filter(name__iexact=spec.name).first()
            or model()
        )
        values = {name: getattr(spec, name) for name in vars(spec)}
        rows[spec.slug] = _save(obj, values, label, summary)
    return rows


# A drug and the rows that belong to it


def _sync_drug(
    spec: DrugSpec,
    *,
    classes: dict[str, DrugClass],
    conditions: dict[str, Condition],
    summary: LoadSummary,
) -> Drug:
    obj = (
        Drug.objects.filter(slug=spec.slug).first()
        or Drug.objects.filter(generic_name__iexact=spec.generic_name).first()
        or Drug()
    )
    fields = [
        "generic_name",
        "slug",
        "pronunciation",
        "is_prescription_only",
        "controlled_substance",
        "summary",
        "mechanism",
        "boxed_warning",
        "boxed_warning_scope",
        "warnings",
        "contraindications",
        "pregnancy",
        "breastfeeding",
        "stopping",
        "overdose",
        "missed_dose",
        "storage",
        "formulations_note",
        "reviewed_by",
        "reviewed_on",
    ]
    values = {name: getattr(spec, name) for name in fields}
    values["practical_tips"] = "\n".join(spec.practical_tips)
    values["status"] = Status.PUBLISHED
    drug = _save(obj, values, "drugs", summary)

    wanted_classes = {classes[slug].pk for slug in spec.classes}
    current_classes = set(drug.classes.values_list("pk", flat=True))
    if current_classes != wanted_classes:
        drug.classes.set(wanted_classes)
    for counter, pks in [
        (summary.created, wanted_classes - current_classes),
        (summary.deleted, current_classes - wanted_classes),
        (summary.unchanged, wanted_classes & current_classes),
    ]:
        if pks:
            counter["class memberships"] += len(pks)

    def condition_id(slug: str | None) -> int | None:
        return conditions[slug].pk if slug else None

    # Only the demo's own names: brand names an import added (Drugs@FDA, labels) stay.
    own_names = [name.name for name in spec.names]
    _sync_rows(
        DrugName,
        existing=[row for row in drug.names.all() if row.name.lower() in map(str.lower, own_names)],
        key=lambda row: row.name.lower(),
        wanted=((name.name.lower(), {"drug_id": drug.pk, **vars(name)}) for name in spec.names),
        label="names",
        summary=summary,
    )
    _sync_rows(
        Indication,
        existing=drug.indications.all(),
        key=lambda row: row.condition_id,
        wanted=(
            (
                condition_id(item.condition),
                {
                    "drug_id": drug.pk,
                    "condition_id": condition_id(item.condition),
                    "label_status": item.label_status,
                    "notes": item.notes,
                    "order": order,
                },
            )
            for order, item in enumerate(spec.indications)
        ),
        label="indications",
        summary=summary,
    )
    _sync_rows(
        DoseGuideline,
        existing=drug.doses.all(),
        key=_dose_key,
        wanted=(
            _dose_row(dose, drug, condition_id, order) for order, dose in enumerate(spec.doses)
        ),
        label="dose guidelines",
        summary=summary,
    )
    _sync_formulations(spec, drug, summary)
    _sync_rows(
        SideEffect,
        existing=drug.side_effects.all(),
        key=lambda row: row.name,
        wanted=(
            (item.name, {"drug_id": drug.pk, **vars(item), "order": order})
            for order, item in enumerate(spec.side_effects)
        ),
        label="side effects",
        summary=summary,
    )
    _sync_rows(
        Reference,
        existing=drug.references.all(),
        key=lambda row: row.title,
        wanted=(
            (item.title, {"drug_id": drug.pk, **vars(item), "order": order})
            for order, item in enumerate(spec.references)
        ),
        label="references",
        summary=summary,
    )
    _sync_rows(
        ChangeLogEntry,
        existing=drug.changes.all(),
        key=lambda row: (row.changed_on, row.summary),
        wanted=(
            ((item.changed_on, item.summary), {"drug_id": drug.pk, **vars(item)})
            for item in spec.changes
        ),
        label="change log entries",
        summary=summary,
    )
    return drug


def _dose_key(row) -> tuple:
    """A guideline is told apart by who and what it is for and how it starts."""
    return (
        row.population,
        row.condition_id,
        row.route,
        row.dosage_form,
        row.unit,
        row.times_per_day,
        _amount(row.start_amount),
    )


def _dose_row(dose, drug: Drug, condition_id, order: int) -> tuple[tuple, dict[str, Any]]:
    values = {
        "drug_id": drug.pk,
        "population": dose.population,
        "condition_id": condition_id(dose.condition),
        "route": dose.route,
        "dosage_form": dose.dosage_form,
        "unit": dose.unit,
        "start_amount": _amount(dose.start_amount),
        "times_per_day": dose.times_per_day,
        "step_amount": _amount(dose.step_amount),
        "step_interval_days": dose.step_interval_days,
        "target_amount": _amount(dose.target_amount),
        "usual_min_per_day": _amount(dose.usual_min_per_day),
        "usual_max_per_day": _amount(dose.usual_max_per_day),
        "max_per_day": _amount(dose.max_per_day),
        "notes": dose.notes,
        "order": order,
    }
    return _dose_key(DoseGuideline(**values)), values


def _sync_formulations(spec: DrugSpec, drug: Drug, summary: LoadSummary) -> None:
    formulations = _sync_rows(
        Formulation,
        existing=drug.formulations.all(),
        key=lambda row: (row.dosage_form, row.release, row.brand),
        wanted=(
            (
                (item.dosage_form, item.release, item.brand),
                {
                    "drug_id": drug.pk,
                    "dosage_form": item.dosage_form,
                    "route": item.route,
                    "release": item.release,
                    "brand": item.brand,
                    "notes": item.notes,
                    "order": order,
                },
            )
            for order, item in enumerate(spec.formulations)
        ),
        label="formulations",
        summary=summary,
    )
    for item in spec.formulations:
        formulation = formulations[(item.dosage_form, item.release, item.brand)]
        strengths = []
        for text in item.strengths:
            parsed = parse_strength(text)
            values = {
                "formulation_id": formulation.pk,
                "amount": _amount(parsed.amount),
                "unit": parsed.unit,
                "per_amount": _amount(parsed.per_amount),
                "per_unit": parsed.per_unit,
            }
            strengths.append((_strength_key(Strength(**values)), values))
        _sync_rows(
            Strength,
            existing=formulation.strengths.all(),
            key=_strength_key,
            wanted=strengths,
            label="strengths",
            summary=summary,
        )


def _strength_key(row) -> tuple:
    return (_amount(row.amount), row.unit, _amount(row.per_amount), row.per_unit)


# Interactions, once every demo drug exists


def _sync_interactions(
    specs: Iterable[DrugSpec],
    *,
    drugs: dict[str, Drug],
    classes: dict[str, DrugClass],
    substances: dict[str, Substance],
    summary: LoadSummary,
) -> None:
    """Interactions among the demo drugs, and of a demo drug with a class or a substance.

    A drug pair is one row whichever side it was stored from. Pairs with drugs outside the
    demo set, and rows an import stored (a label's, an interaction table's), are not the
    demo's to delete.
    """
    demo_ids = [drug.pk for drug in drugs.values()]
    existing = list(
        Interaction.objects.filter(drug__in=demo_ids, source="")  # imported rows are not ours
        .filter(Q(interactant_drug__isnull=True) | Q(interactant_drug__in=demo_ids))
        .order_by("pk")
    )
    by_key = {_interaction_key(row): row for row in existing}

    wanted = []
    for spec in specs:
        drug = drugs[spec.slug]
        for item in spec.interactions:
            values = _interaction_values(item, drug, drugs, classes, substances)
            row_key = _interaction_key(Interaction(**values))
            current = by_key.get(row_key)
            if current is not None and current.drug_id != drug.pk:
                # Stored from the other drug's side: keep it that way rather than flip it.
                values["drug_id"], values["interactant_drug_id"] = (
                    current.drug_id,
                    current.interactant_drug_id,
                )
            wanted.append((row_key, values))

    _sync_rows(
        Interaction,
        existing=existing,
        key=_interaction_key,
        wanted=wanted,
        label="interactions",
        summary=summary,
    )


def _interaction_values(
    item: InteractionSpec,
    drug: Drug,
    drugs: dict[str, Drug],
    classes: dict[str, DrugClass],
    substances: dict[str, Substance],
) -> dict[str, Any]:
    return {
        "drug_id": drug.pk,
        "interactant_drug_id": drugs[item.with_drug].pk if item.with_drug else None,
        "interactant_class_id": classes[item.with_class].pk if item.with_class else None,
        "interactant_substance_id": (
            substances[item.with_substance].pk if item.with_substance else None
        ),
        "severity": item.severity,
        "effect": item.effect,
        "advice": item.advice,
    }


def _interaction_key(row: Interaction) -> tuple:
    if row.interactant_drug_id is not None:
        return ("drug", frozenset({row.drug_id, row.interactant_drug_id}))
    if row.interactant_class_id is not None:
        return ("class", row.drug_id, row.interactant_class_id)
    return ("substance", row.drug_id, row.interactant_substance_id)


# Guides, once every demo drug exists


def _sync_guides(
    content: DemoContent, *, drugs: dict[str, Drug], summary: LoadSummary
) -> list[Article]:
    """Categories and bylines, the guides, and their order on the drug pages.

    Categories, bylines and guides are matched by slug and shared with editors, so none is
    deleted; the curated list of a demo drug's page is the demo's, like its other rows.
    """
    categories = _sync_by_slug(Category, content.categories, "guide categories", summary)
    authors = _sync_by_slug(Author, content.authors, "guide bylines", summary)
    articles = {}
    for spec in content.guides:
        with _naming(spec.source):
            articles[spec.slug] = _sync_guide(
                spec, categories=categories, authors=authors, drugs=drugs, summary=summary
            )
    summary.guides.extend(spec.title for spec in content.guides)

    for drug_slug, guide_slugs in content.curated.items():
        drug = drugs[drug_slug]
        _sync_rows(
            CuratedGuide,
            existing=drug.curated_guides.all(),
            key=lambda row: row.article_id,
            wanted=(
                (
                    articles[slug].pk,
                    {"drug_id": drug.pk, "article_id": articles[slug].pk, "order": order},
                )
                for order, slug in enumerate(guide_slugs)
            ),
            label="curated guides",
            summary=summary,
        )
    return list(articles.values())


def _sync_guide(
    spec: GuideSpec,
    *,
    categories: dict[str, Category],
    authors: dict[str, Author],
    drugs: dict[str, Drug],
    summary: LoadSummary,
) -> Article:
    obj = Article.objects.filter(slug=spec.slug).first() or Article()
    values = {
        "title": spec.title,
        "slug": spec.slug,
        "summary": spec.summary,
        "body": spec.body,
        "category_id": categories[spec.category].pk,
        "author_id": authors[spec.author].pk,
        "reviewed_by": spec.reviewed_by,
        "reviewed_on": spec.reviewed_on,
        "status": Status.PUBLISHED,
        "published_at": spec.published_at,
        "hero_alt": spec.hero_alt,
    }
    hero = _hero_image(obj, spec)
    if hero is not None:
        # The model strips metadata from a new upload and makes the renditions on save.
        values["hero_image"] = hero
        values["hero_renditions"] = []
        summary.created["hero images"] += 1
    article = _save(obj, values, "guides", summary)

    _sync_set(
        {tag.name for tag in article.tags.all()},
        set(spec.tags),
        apply=lambda names: article.tags.set(sorted(names)),
        label="guide tags",
        summary=summary,
    )
    _sync_set(
        set(article.related_drugs.values_list("pk", flat=True)),
        {drugs[slug].pk for slug in spec.related_drugs},
        apply=article.related_drugs.set,
        label="guide drug links",
        summary=summary,
    )
    return article


def _sync_set(
    current: set[Hashable],
    wanted: set[Hashable],
    *,
    apply: Callable[[set], None],
    label: str,
    summary: LoadSummary,
) -> None:
    """Bring a many-to-many set to `wanted`, touching nothing when it already matches."""
    if current != wanted:
        apply(wanted)
    for counter, items in [
        (summary.created, wanted - current),
        (summary.deleted, current - wanted),
        (summary.unchanged, wanted & current),
    ]:
        if items:
            counter[label] += len(items)


def _hero_image(article: Article, spec: GuideSpec) -> ContentFile | str | None:
    """What to give `hero_image`: None while the stored picture is this recipe's, the name of
    a picture an earlier run left in storage, or a freshly drawn one."""
    field_file = article.hero_image
    storage = field_file.storage
    filename = f"{spec.slug}-{spec.hero.digest}.jpg"
    expected = Article._meta.get_field("hero_image").generate_filename(article, filename)
    if field_file and _same_stem(field_file.name, expected) and storage.exists(field_file.name):
        return None
    if storage.exists(expected):
        # Left by a run against another database: reuse it rather than store a copy.
        try:
            with storage.open(expected, "rb") as stored:
                images.validate_image_file(stored)
        except ValidationError:
            pass
        else:
            return expected
    return ContentFile(render_jpeg(spec.hero), name=filename)


def _same_stem(name: str, expected: str) -> bool:
    """`expected`, or the copy storage named with a random suffix when the name was taken."""
    stem, wanted = PurePosixPath(name).stem, PurePosixPath(expected).stem
    return stem == wanted or stem.startswith(f"{wanted}_")
