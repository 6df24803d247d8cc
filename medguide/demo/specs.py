"""The shapes demo content is written in, and reading them from `content/`: a file that does not
fit is refused, naming the file and the field, before anything is written."""

from __future__ import annotations

import dataclasses
import types
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import yaml
from django.conf import settings

from drugs.models import (
    DosageForm,
    FrequencyBand,
    LabelStatus,
    NameKind,
    Population,
    ReferenceKind,
    Release,
    Route,
    Seriousness,
    Severity,
    Unit,
)
from drugs.taxonomy import YAML_LOADER
from medguide.demo.artwork import Artwork

CONTENT_DIR = Path(__file__).with_name("content")
TAXONOMY_SECTIONS = ("classes", "conditions", "substances")  # taxonomy.yaml
GUIDES_SECTIONS = ("categories", "authors", "curated")  # guides.yaml

# Prose: a string, or a list of paragraphs that reading joins with a blank line.
Text = Annotated[str, "paragraphs"]
# A number as written (5, 0.5), read as the Decimal of those digits; the models keep three places.
Amount = Decimal


class DemoContentError(ValueError):
    """A demo content file cannot be loaded; the message names the file and the field."""


@dataclass(frozen=True, kw_only=True)
class ClassSpec:
    name: str
    slug: str
    parent: str | None = None  # the parent's slug, listed before it
    description: Text = ""


@dataclass(frozen=True, kw_only=True)
class ConditionSpec:
    name: str
    slug: str
    summary: Text = ""
    label_wording: str = ""  # one wording a line: Condition.label_wording


@dataclass(frozen=True, kw_only=True)
class SubstanceSpec:
    name: str
    slug: str


@dataclass(frozen=True, kw_only=True)
class NameSpec:
    name: str
    kind: NameKind = NameKind.BRAND
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class IndicationSpec:
    condition: str  # a condition slug
    label_status: LabelStatus = LabelStatus.ON_LABEL
    notes: Text = ""


@dataclass(frozen=True, kw_only=True)
class DoseSpec:
    start_amount: Amount
    population: Population = Population.ADULT
    condition: str | None = None  # a condition slug
    route: Route = Route.ORAL
    dosage_form: DosageForm | Literal[""] = ""
    unit: Unit = Unit.MG
    times_per_day: int | None = None
    step_amount: Amount | None = None
    step_interval_days: int | None = None
    target_amount: Amount | None = None
    usual_min_per_day: Amount | None = None
    usual_max_per_day: Amount | None = None
    max_per_day: Amount | None = None
    notes: Text = ""


@dataclass(frozen=True, kw_only=True)
class FormulationSpec:
    dosage_form: DosageForm
    strengths: tuple[str, ...] = ()  # as editors type them: "5 mg", "5 mg/5 mL", "500 mcg/mL"
    route: Route = Route.ORAL
    release: Release = Release.IMMEDIATE
    brand: str = ""
    notes: Text = ""


@dataclass(frozen=True, kw_only=True)
class SideEffectSpec:
    name: str
    frequency: FrequencyBand = FrequencyBand.NOT_KNOWN
    seriousness: Seriousness = Seriousness.MILD
    incidence: str = ""
    advice: Text = ""


@dataclass(frozen=True, kw_only=True)
class InteractionSpec:
    """One interaction from this drug's side; give exactly one of the three interactants."""

    severity: Severity
    effect: Text
    advice: Text
    with_drug: str | None = None  # a demo drug's slug
    with_class: str | None = None  # a class slug
    with_substance: str | None = None  # a substance slug

    def __post_init__(self) -> None:
        given = [self.with_drug, self.with_class, self.with_substance]
        if sum(value is not None for value in given) != 1:
            raise ValueError(
                "an interaction needs exactly one of with_drug, with_class, with_substance"
            )


@dataclass(frozen=True, kw_only=True)
class ReferenceSpec:
    title: str
    publisher: str = ""
    url: str = ""
    kind: ReferenceKind = ReferenceKind.OTHER
    accessed_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeSpec:
    """A public change-log line: what the monograph corrected, where, when and who approved."""

    summary: Text
    changed_on: date
    reviewer: str
    section: str = ""
    section_title: str = ""


@dataclass(frozen=True, kw_only=True)
class DrugSpec:
    generic_name: str
    slug: str  # also the file's name
    summary: Text
    reviewed_by: str
    reviewed_on: date | None
    classes: tuple[str, ...] = ()  # class slugs
    pronunciation: str = ""
    is_prescription_only: bool = True
    controlled_substance: str = ""
    mechanism: Text = ""
    boxed_warning: Text = ""
    boxed_warning_scope: str = ""
    warnings: Text = ""
    contraindications: Text = ""
    pregnancy: Text = ""
    breastfeeding: Text = ""
    stopping: Text = ""
    overdose: Text = ""
    missed_dose: Text = ""
    storage: Text = ""
    formulations_note: Text = ""
    practical_tips: tuple[str, ...] = ()  # one a line
    names: tuple[NameSpec, ...] = ()
    indications: tuple[IndicationSpec, ...] = ()
    doses: tuple[DoseSpec, ...] = ()
    formulations: tuple[FormulationSpec, ...] = ()
    side_effects: tuple[SideEffectSpec, ...] = ()
    interactions: tuple[InteractionSpec, ...] = ()
    references: tuple[ReferenceSpec, ...] = ()
    changes: tuple[ChangeSpec, ...] = ()
    source: str = dataclasses.field(default="", compare=False, metadata={"read": False})


@dataclass(frozen=True, kw_only=True)
class CategorySpec:
    name: str
    slug: str
    description: Text = ""


@dataclass(frozen=True, kw_only=True)
class AuthorSpec:
    """A byline: the demo names its editorial team, never an invented person."""

    name: str
    slug: str
    credentials: str = ""
    bio: Text = ""


@dataclass(frozen=True, kw_only=True)
class GuideSpec:
    title: str
    slug: str  # also the file's name
    summary: Text
    category: str  # a category slug
    author: str  # an author slug
    published_at: datetime  # with its time zone
    hero: Artwork
    hero_alt: str
    # The review line, as the workflow records it when a medical reviewer publishes.
    reviewed_by: str
    reviewed_on: date | None
    tags: tuple[str, ...] = ()
    related_drugs: tuple[str, ...] = ()  # demo drug slugs
    body: str = dataclasses.field(default="", metadata={"read": False})  # Markdown, ## sections
    source: str = dataclasses.field(default="", compare=False, metadata={"read": False})


@dataclass(frozen=True)
class DemoContent:
    """Everything in `content/`, read and cross-checked."""

    classes: tuple[ClassSpec, ...]
    conditions: tuple[ConditionSpec, ...]
    substances: tuple[SubstanceSpec, ...]
    drugs: tuple[DrugSpec, ...]
    categories: tuple[CategorySpec, ...]
    authors: tuple[AuthorSpec, ...]
    guides: tuple[GuideSpec, ...]
    curated: dict[str, tuple[str, ...]]  # drug slug → guide slugs, in page order


def read_content(root: Path = CONTENT_DIR) -> DemoContent:
    """Read every file under `root`: taxonomy.yaml, drugs/<slug>.yaml, guides.yaml and
    guides/<slug>.md (YAML front matter, then the Markdown body). Drugs and guides are taken in
    the order of their file names."""
    taxonomy_at = _At.file_of(root / "taxonomy.yaml")
    taxonomy = _sections(_load_yaml(root / "taxonomy.yaml"), taxonomy_at, TAXONOMY_SECTIONS)
    index_at = _At.file_of(root / "guides.yaml")
    index = _sections(_load_yaml(root / "guides.yaml"), index_at, GUIDES_SECTIONS)
    content = DemoContent(
        classes=_value(tuple[ClassSpec, ...], taxonomy["classes"], taxonomy_at / "classes"),
        conditions=_value(
            tuple[ConditionSpec, ...], taxonomy["conditions"], taxonomy_at / "conditions"
        ),
        substances=_value(
            tuple[SubstanceSpec, ...], taxonomy["substances"], taxonomy_at / "substances"
        ),
        drugs=tuple(_read_drug(path) for path in sorted((root / "drugs").glob("*.yaml"))),
        categories=_value(tuple[CategorySpec, ...], index["categories"], index_at / "categories"),
        authors=_value(tuple[AuthorSpec, ...], index["authors"], index_at / "authors"),
        guides=tuple(_read_guide(path) for path in sorted((root / "guides").glob("*.md"))),
        curated=_value(dict[str, tuple[str, ...]], index["curated"], index_at / "curated"),
    )
    _check_references(content, root)
    return content


def _read_drug(path: Path) -> DrugSpec:
    at = _At.file_of(path)
    drug = _build(DrugSpec, _load_yaml(path), at)
    _check_file_name(drug.slug, path, at)
    return dataclasses.replace(drug, source=at.file)


def _read_guide(path: Path) -> GuideSpec:
    """A guide: its fields as YAML front matter between two '---' lines, then its body."""
    at = _At.file_of(path)
    text = _read_text(path)
    head, marker, body = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not marker:
        raise at.error("expected YAML front matter between two '---' lines")
    try:
        # "\n" for the opening '---': line numbers as in the file
        front = yaml.load("\n" + head, Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        raise at.error(str(error)) from error
    guide = _build(GuideSpec, front, at)
    _check_file_name(guide.slug, path, at)
    return dataclasses.replace(guide, body=body, source=at.file)


def _check_references(content: DemoContent, root: Path) -> None:
    """No slug is defined twice, and every slug a record names is defined (a parent class
    before its children). A drug's or a guide's slug is its file's name, so it is unique."""
    for file, section, items in [
        ("taxonomy.yaml", "classes", content.classes),
        ("taxonomy.yaml", "conditions", content.conditions),
        ("taxonomy.yaml", "substances", content.substances),
        ("guides.yaml", "categories", content.categories),
        ("guides.yaml", "authors", content.authors),
    ]:
        slugs = [item.slug for item in items]
        for number, slug in enumerate(slugs):
            if slug in slugs[:number]:
                at = (_At.file_of(root / file) / section)[number] / "slug"
                raise at.error(f"{slug!r} is used twice")

    at = _At.file_of(root / "taxonomy.yaml") / "classes"
    classes: set[str] = set()
    for number, item in enumerate(content.classes):
        if item.parent is not None:
            _expect(item.parent, classes, at[number] / "parent", "a class listed before it")
        classes.add(item.slug)

    conditions = {item.slug for item in content.conditions}
    substances = {item.slug for item in content.substances}
    drugs = {item.slug for item in content.drugs}
    for drug in content.drugs:
        at = _At(drug.source)
        for number, slug in enumerate(drug.classes):
            _expect(slug, classes, (at / "classes")[number], "a class in taxonomy.yaml")
        for name in ("indications", "doses"):
            for number, item in enumerate(getattr(drug, name)):
                if item.condition is not None:
                    _expect(
                        item.condition,
                        conditions,
                        (at / name)[number] / "condition",
                        "a condition in taxonomy.yaml",
                    )
        for number, item in enumerate(drug.interactions):
            for name, known, what in [
                ("with_drug", drugs, "a demo drug (drugs/<slug>.yaml)"),
                ("with_class", classes, "a class in taxonomy.yaml"),
                ("with_substance", substances, "a substance in taxonomy.yaml"),
            ]:
                if getattr(item, name) is not None:
                    _expect(getattr(item, name), known, (at / "interactions")[number] / name, what)

    categories = {item.slug for item in content.categories}
    authors = {item.slug for item in content.authors}
    guides = {item.slug for item in content.guides}
    for guide in content.guides:
        at = _At(guide.source)
        _expect(guide.category, categories, at / "category", "a category in guides.yaml")
        _expect(guide.author, authors, at / "author", "an author in guides.yaml")
        for number, slug in enumerate(guide.related_drugs):
            _expect(slug, drugs, (at / "related_drugs")[number], "a demo drug")
    at = _At.file_of(root / "guides.yaml") / "curated"
    for drug, slugs in content.curated.items():
        _expect(drug, drugs, at / drug, "a demo drug")
        for number, slug in enumerate(slugs):
            _expect(slug, guides, (at / drug)[number], "a guide (guides/<slug>.md)")


def _expect(slug: str, known: set[str], at: _At, what: str) -> None:
    if slug not in known:
        raise at.error(f"{slug!r} is not {what}")


# Reading values into the shapes above


@dataclass(frozen=True)
class _At:
    """Where a value is, for messages: a file and the path to the field inside it."""

    file: str
    trail: str = ""

    @classmethod
    def file_of(cls, path: Path) -> _At:
        """The file as a demo author finds it: relative to the project when inside it."""
        base = Path(settings.BASE_DIR)
        return cls(str(path.relative_to(base) if path.is_relative_to(base) else path))

    def __truediv__(self, name: str) -> _At:
        return _At(self.file, f"{self.trail}.{name}" if self.trail else name)

    def __getitem__(self, number: int) -> _At:
        return _At(self.file, f"{self.trail}[{number}]")

    def error(self, message: str) -> DemoContentError:
        return DemoContentError(
            f"{self.file}, {self.trail}: {message}" if self.trail else f"{self.file}: {message}"
        )


def _build(shape: type, data: Any, at: _At) -> Any:
    """An instance of the dataclass `shape` from a YAML mapping, checked field by field."""
    if not isinstance(data, dict):
        raise at.error("expected a mapping of fields (name: value)")
    fields = {f.name: f for f in dataclasses.fields(shape) if f.metadata.get("read", True)}
    for name in data:
        if name not in fields:
            raise (at / str(name)).error(f"unknown field (the fields are {', '.join(fields)})")
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and name not in data:
            raise (at / name).error("missing")
    hints = get_type_hints(shape, include_extras=True)
    values = {name: _value(hints[name], value, at / name) for name, value in data.items()}
    try:
        return shape(**values)
    except ValueError as error:
        raise at.error(str(error)) from error


def _value(hint: Any, value: Any, at: _At) -> Any:
    """`value` as the type `hint` says, or a DemoContentError that says what was expected."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:  # Text: a string, or its paragraphs
        if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
            return "\n\n".join(value)
        return _value(args[0], value, at)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for option in (arg for arg in args if arg is not type(None)):
            try:
                return _value(option, value, at)
            except DemoContentError as error:
                errors.append(error)
        raise errors[0]  # the first option's complaint: `DosageForm | Literal[""]` names the forms
    if origin is Literal:
        if value in args:
            return value
        raise at.error(f"expected one of {', '.join(map(repr, args))}")
    if origin is tuple:
        if not isinstance(value, list):
            raise at.error("expected a list")
        return tuple(_value(args[0], item, at[number]) for number, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise at.error("expected a mapping")
        return {
            _value(args[0], key, at): _value(args[1], item, at / str(key))
            for key, item in value.items()
        }
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, at)
    if isinstance(hint, type) and issubclass(hint, Enum):
        choices = [member.value for member in hint]
        if value not in choices:
            raise at.error(f"{value!r} is not one of {', '.join(map(str, choices))}")
        return hint(value)
    if hint is Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise at.error("expected a number")
        try:
            return Decimal(str(value))
        except InvalidOperation as error:
            raise at.error(f"{value!r} is not a number") from error
    if hint is datetime:
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise at.error("expected a date and time with its time zone (2025-10-22 09:00:00Z)")
        return value
    if hint is date:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise at.error("expected a date (2025-10-22)")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise at.error("expected a whole number")
        return value
    if hint is bool or hint is str:
        if not isinstance(value, hint):
            raise at.error("expected text" if hint is str else "expected true or false")
        return value
    raise TypeError(f"No reader for {hint!r} ({at.file}, {at.trail}).")


# Files


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(_read_text(path), Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        raise _At.file_of(path).error(str(error)) from error


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise _At.file_of(path).error(error.strerror or str(error)) from error


def _sections(data: Any, at: _At, names: tuple[str, ...]) -> dict[str, Any]:
    """A file made of these sections, each present, and no others."""
    if not isinstance(data, dict):
        raise at.error(f"expected the sections {', '.join(names)}")
    for name in data:
        if name not in names:
            raise (at / str(name)).error(f"unknown section (the sections are {', '.join(names)})")
    for name in names:
        if name not in data:
            raise (at / name).error("missing")
    return data


def _check_file_name(slug: str, path: Path, at: _At) -> None:
    if path.stem != slug:
        raise (at / "slug").error(f"{slug!r} is not the file's name ({slug}{path.suffix})")
