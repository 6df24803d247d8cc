"""The shapes demo content is written in: plain frozen records, one per database row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from drugs.models import (
    DosageForm,
    FrequencyBand,
    LabelStatus,
    NameKind,
    Population,
    Release,
    Route,
    Seriousness,
    Severity,
    Unit,
)
from medguide.demo.artwork import Artwork

Amount = Decimal | int  # whole numbers may be written as ints; the loader makes Decimals

# Every label in the FDA download was retrieved through openFDA on this date (PROVENANCE.md).
LABELS_RETRIEVED_ON = date(2026, 7, 15)
FDA_PUBLISHER = "U.S. Food and Drug Administration (via openFDA)"
REVIEWED_BY = "MedGuide editorial team (demo content checked against FDA labeling)"
REVIEWED_ON = date(2026, 11, 23)


@dataclass(frozen=True)
class ClassSpec:
    name: str
    slug: str
    parent: str | None = None  # the parent's slug
    description: str = ""


@dataclass(frozen=True)
class ConditionSpec:
    name: str
    slug: str
    summary: str = ""


@dataclass(frozen=True)
class SubstanceSpec:
    name: str
    slug: str


@dataclass(frozen=True)
class NameSpec:
    name: str
    kind: NameKind = NameKind.BRAND
    note: str = ""


@dataclass(frozen=True)
class IndicationSpec:
    condition: str  # a condition slug
    label_status: LabelStatus = LabelStatus.ON_LABEL
    notes: str = ""


@dataclass(frozen=True)
class DoseSpec:
    start_amount: Amount
    population: Population = Population.ADULT
    condition: str | None = None  # a condition slug
    route: Route = Route.ORAL
    dosage_form: DosageForm | str = ""
    unit: Unit = Unit.MG
    times_per_day: int | None = None
    step_amount: Amount | None = None
    step_interval_days: int | None = None
    target_amount: Amount | None = None
    usual_min_per_day: Amount | None = None
    usual_max_per_day: Amount | None = None
    max_per_day: Amount | None = None
    notes: str = ""


@dataclass(frozen=True)
class FormulationSpec:
    dosage_form: DosageForm
    strengths: tuple[str, ...] = ()  # as editors type them: "5 mg", "5 mg/5 mL", "500 mcg/mL"
    route: Route = Route.ORAL
    release: Release = Release.IMMEDIATE
    brand: str = ""
    notes: str = ""


@dataclass(frozen=True)
class SideEffectSpec:
    name: str
    frequency: FrequencyBand = FrequencyBand.NOT_KNOWN
    seriousness: Seriousness = Seriousness.MILD
    incidence: str = ""
    advice: str = ""


@dataclass(frozen=True)
class InteractionSpec:
    """One interaction from this drug's side; give exactly one of the three interactants."""

    severity: Severity
    effect: str
    advice: str
    with_drug: str | None = None  # a demo drug's slug
    with_class: str | None = None  # a class slug
    with_substance: str | None = None  # a substance slug

    def __post_init__(self) -> None:
        given = [self.with_drug, self.with_class, self.with_substance]
        if sum(value is not None for value in given) != 1:
            raise ValueError("An interaction needs exactly one interactant.")


@dataclass(frozen=True)
class ReferenceSpec:
    title: str
    publisher: str = ""
    url: str = ""
    accessed_on: date | None = None


@dataclass(frozen=True)
class ChangeSpec:
    """A public change-log line: what the monograph corrected, where, when and who approved."""

    summary: str
    section: str = ""
    section_title: str = ""
    changed_on: date = REVIEWED_ON
    reviewer: str = REVIEWED_BY


@dataclass(frozen=True)
class DrugSpec:
    generic_name: str
    slug: str
    summary: str
    classes: tuple[str, ...] = ()  # class slugs
    pronunciation: str = ""
    is_prescription_only: bool = True
    controlled_substance: str = ""
    mechanism: str = ""
    boxed_warning: str = ""
    boxed_warning_scope: str = ""
    warnings: str = ""
    contraindications: str = ""
    pregnancy: str = ""
    breastfeeding: str = ""
    stopping: str = ""
    overdose: str = ""
    missed_dose: str = ""
    storage: str = ""
    formulations_note: str = ""
    practical_tips: tuple[str, ...] = ()
    names: tuple[NameSpec, ...] = ()
    indications: tuple[IndicationSpec, ...] = ()
    doses: tuple[DoseSpec, ...] = ()
    formulations: tuple[FormulationSpec, ...] = ()
    side_effects: tuple[SideEffectSpec, ...] = ()
    interactions: tuple[InteractionSpec, ...] = ()
    references: tuple[ReferenceSpec, ...] = ()
    changes: tuple[ChangeSpec, ...] = ()
    reviewed_by: str = REVIEWED_BY
    reviewed_on: date | None = REVIEWED_ON


def fda_label(title: str, *, set_id: str) -> ReferenceSpec:
    """A label from the openFDA download, cited by its DailyMed set id."""
    return ReferenceSpec(
        title=title,
        publisher=FDA_PUBLISHER,
        url=f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={set_id}",
        accessed_on=LABELS_RETRIEVED_ON,
    )


def paragraphs(*parts: str) -> str:
    """Text fields hold paragraphs separated by a blank line."""
    return "\n\n".join(part.strip() for part in parts)


# Guides


@dataclass(frozen=True)
class CategorySpec:
    name: str
    slug: str
    description: str = ""


@dataclass(frozen=True)
class AuthorSpec:
    """A byline: the demo names its editorial team, never an invented person."""

    name: str
    slug: str
    credentials: str = ""
    bio: str = ""


@dataclass(frozen=True)
class GuideSpec:
    title: str
    slug: str
    summary: str
    body: str  # Markdown, ## for sections
    category: str  # a category slug
    author: str  # an author slug
    published_at: datetime  # aware, UTC
    hero: Artwork
    hero_alt: str
    # The review line, as the workflow records it when a medical reviewer publishes.
    reviewed_by: str = REVIEWED_BY
    reviewed_on: date | None = REVIEWED_ON
    tags: tuple[str, ...] = ()
    related_drugs: tuple[str, ...] = ()  # demo drug slugs
