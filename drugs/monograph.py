"""A monograph page's parts: its table of contents, dose and product tables, guides, the
label page and the open data, built from one prefetched drug."""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass
from functools import cached_property, partial
from itertools import groupby

from django.utils.safestring import mark_safe

from drugs import opendata
from drugs.change_log import change_log_context
from drugs.converter import LiquidProduct, page_converter, page_liquids
from drugs.dosing import describe, format_amount, titration_schedule
from drugs.interactions import DrugInteractions
from drugs.kept_interactions import first_interactions
from drugs.kept_rows import NEWEST_GUIDES, prefetch_monograph
from drugs.label_text import LabelPage, label_page, link_uses
from drugs.models import (
    FALLBACK_GUIDES,
    Condition,
    DosageForm,
    DoseGuideline,
    Drug,
    FrequencyBand,
    LabelStatus,
    Population,
    Product,
    Reference,
    ReferenceKind,
    Route,
    Severity,
    choice_label,
    lines_of,
    live_curations,
)
from medguide.editorial.caching import remember
from medguide.editorial.paths import slug_paths

# A monograph shows this many interactions, the most severe first, says how many there are of
# each severity, and links to the page of all of them. At 20,000 medicines baclofen's classes
# reach 779: all of them cost 240 ms of CPU on every view; the 50 most severe still made its
# Interactions section 37,900 px of a 55,100 px page on a 1280 px desktop (45 screens, most of
# them label quotes) and cost 8 ms of the page's 40.
MONOGRAPH_INTERACTIONS = 10
INTERACTIONS_PER_PAGE = 100  # the page of all of a medicine's interactions
# The fragment the converter's liquids are kept in, beside the body (LazyMonograph.converter).
LIQUIDS_FRAGMENT = "monograph-liquids"


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


class LazyMonograph:
    """The monograph's parts, each computed on first use. The page keeps its body (and its
    JSON-LD) in the fragment cache ({% remember %}); when it is there, none of these runs and
    the page costs one query, for the drug."""

    PARTS = (
        "full_drug",
        "sections",
        "on_label",
        "off_label",
        "dose_groups",
        "key_dose",
        "key_warning",
        "reference_groups",
        "serious_side_effects",
        "common_side_effects",
        "interactions",
        "interactions_count",
        "interactions_by_severity",
        "guides",
        "guides_are_curated",
        "label_has_boxed_warning",
        "us_products",
        "label_page",
        "label_uses",
        "shown_classes",
        "converter",
        "recent_changes",
        "open_data",
        "drug_jsonld",
    )

    def __init__(self, request, drug: Drug, *, query: dict, liquids_kept_by: tuple | None = None):
        self.request = request
        self.drug = drug
        self.query = query  # the converter's question, cleaned (drugs.forms.MonographQuery)
        # What the converter's liquids are kept by, for a question answered into a kept body;
        # None: they are read with the rest.
        self.liquids_kept_by = liquids_kept_by

    def lazy_context(self) -> dict:
        # Django templates call a callable they find in the context; each part is then
        # computed once, for the whole page.
        return {name: partial(self.part, name) for name in self.PARTS}

    def part(self, name: str):
        if name == "converter" and "parts" not in vars(self):
            # Rendered for every question, even when the body comes from the cache
            # ({% fresh %}): on its own it needs only the formulations and doses.
            return self.converter
        return self.parts[name]

    @cached_property
    def rows(self) -> Drug:
        prefetch_monograph(self.drug)
        return self.drug

    @cached_property
    def converter(self):
        # What it converts with is kept beside the body, so that a question answered into a
        # kept body reads none of the medicine's rows (a whole monograph's, unpickled).
        def liquids():
            products, maximum = page_liquids(self.rows)
            return [astuple(product) for product in products], maximum  # plain values

        if self.liquids_kept_by is None:
            products, maximum = liquids()
        else:
            products, maximum = remember(LIQUIDS_FRAGMENT, [self.liquids_kept_by], liquids)
        return page_converter(
            [LiquidProduct(*product) for product in products], maximum, query=self.query
        )

    @cached_property
    def parts(self) -> dict:
        drug = self.rows
        doses = list(drug.doses.all())
        indications = list(drug.indications.all())
        side_effects = list(drug.side_effects.all())
        every_interaction = first_interactions(drug, MONOGRAPH_INTERACTIONS)
        interactions = every_interaction[:MONOGRAPH_INTERACTIONS]
        # What the rest are, when there are more than shown: counted with the slice.
        by_severity = (
            every_interaction.by_severity() if every_interaction.count() > len(interactions) else []
        )
        guides, guides_are_curated = guides_for(drug)
        label = label_page(drug.label_sources.all()) if drug.is_label_page else None
        parts = {
            "full_drug": drug,
            "sections": monograph_sections(
                drug, interactions=interactions, guides=guides, label=label
            ),
            "on_label": [i for i in indications if i.label_status == LabelStatus.ON_LABEL],
            "off_label": [i for i in indications if i.label_status == LabelStatus.OFF_LABEL],
            "dose_groups": dose_groups(doses),
            "key_dose": key_dose(doses),
            "key_warning": key_warning(drug),
            "reference_groups": reference_groups(drug.references.all()),
            "serious_side_effects": [s for s in side_effects if s.is_serious],
            "common_side_effects": side_effects_by_frequency(
                [s for s in side_effects if not s.is_serious]
            ),
            "interactions": interactions,
            "interactions_count": every_interaction.count(),
            "interactions_by_severity": severity_breakdown(by_severity),
            "guides": guides,
            "guides_are_curated": guides_are_curated,
            "label_has_boxed_warning": any(
                "boxed_warning" in source.sections for source in drug.label_sources.all()
            ),
            "label_page": label,
            "shown_classes": [c for c in drug.classes.all() if c.is_shown],
            "label_uses": link_uses(label.uses, condition_names()) if label and label.uses else [],
            "us_products": us_products(drug.products.all()),
            "converter": self.converter,
            **change_log_context(drug),
            **open_data_context(
                self.request, drug, interactions=every_interaction, shown=interactions
            ),
        }
        assert parts.keys() == set(self.PARTS), "LazyMonograph.PARTS must name every part"
        return parts


def severity_breakdown(counts: list[tuple[str, int]]) -> str:
    """ "120 major, 500 moderate and 159 not graded by the label" (DrugInteractions.by_severity)."""
    parts = [f"{n:,} {Severity(severity).label.lower()}" for severity, n in counts]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def monograph_sections(
    drug: Drug, *, interactions, guides, label: LabelPage | None = None
) -> list[Section]:
    """The table of contents: stable anchors, in page order, only for sections with content.
    A label page (`label`: what its FDA labels say) shows its uses, dosing and warnings from
    the labels."""
    if label is None and drug.is_label_page:
        label = label_page(drug.label_sources.all())
    candidates = [
        ("uses", "What it is used for", label.has_uses)
        if label
        else ("uses", "Uses", drug.indications.all()),
        ("how-it-works", "How it works", drug.mechanism),
        ("dosage", "Dosage", drug.doses.all() or (label and label.has_dosing)),
        ("formulations", "Forms and strengths", drug.formulations.all() or drug.formulations_note),
        ("us-products", "Forms and strengths in the US", drug.products.all()),
        ("side-effects", "Side effects", drug.side_effects.all()),
        (
            "warnings",
            "Warnings",
            drug.boxed_warning
            or drug.warnings
            or drug.contraindications
            or (label and label.contraindications),
        ),
        ("interactions", "Interactions", interactions),
        ("pregnancy", "Pregnancy and breastfeeding", drug.pregnancy or drug.breastfeeding),
        ("stopping", "Stopping safely", drug.stopping),
        ("missed-dose-and-overdose", "Missed dose and overdose", drug.missed_dose or drug.overdose),
        ("storage", "Storage", drug.storage),
        ("tips", "Practical tips", drug.practical_tips),
        ("guides", "Guides", guides),
        ("fda-label", "From the FDA label", drug.label_sources.all()),
        ("references", "Sources", drug.references.all()),
    ]
    return [Section(anchor, title) for anchor, title, content in candidates if content]


def sections_for(drug: Drug) -> list[Section]:
    """The sections readers see on the drug's page, as its table of contents lists them.
    Expects for_monograph() or prefetch_monograph()."""
    guides, _curated = guides_for(drug)
    # Whether it has any interactions is all the contents need: the first, not all 779.
    return monograph_sections(drug, interactions=DrugInteractions(drug)[:1], guides=guides)


def guides_for(drug: Drug) -> tuple[list, bool]:
    """The guides for the monograph's Guides section, and whether an editor chose them: the
    live curated guides in the editor's order, else the newest live guides on the drug.

    `drugs` never imports `articles` (the dependency points the other way), so the guides are
    reached through the reverse relations by name. The placed ones and the newest come with
    the monograph's rows (prefetch_monograph()), live or not, and the live ones are chosen
    here, so that kept rows show a scheduled guide once its time comes; else one query for
    the live placed ones, and one more for the newest when none is."""
    if "curated_guides" in getattr(drug, "_prefetched_objects_cache", {}):
        guides = [c.article for c in drug.curated_guides.all() if c.article.is_live]
    else:
        guides = [curation.article for curation in live_curations().filter(drug=drug)]
    if guides:
        return guides, True
    newest = getattr(drug, NEWEST_GUIDES, None)
    if newest is None:
        return list(drug.articles.published().for_cards()[:FALLBACK_GUIDES]), False
    return [guide for guide in newest if guide.is_live][:FALLBACK_GUIDES], False


@dataclass(frozen=True)
class DoseRow:
    guideline: DoseGuideline
    sentence: str
    schedule: list

    @property
    def has_schedule(self) -> bool:
        return len(self.schedule) > 1


def dose_groups(doses: list[DoseGuideline]) -> list[tuple[str, list[DoseRow]]]:
    """Dose rows grouped by population, in the order of the Population choices."""
    order = {value: index for index, value in enumerate(Population.values)}
    rows = sorted(doses, key=lambda d: (order.get(d.population, 99), d.order, d.pk))
    return [
        (
            Population(population).label,
            [DoseRow(d, describe(d), titration_schedule(d)) for d in group],
        )
        for population, group in groupby(rows, key=lambda d: d.population)
    ]


def key_dose(doses: list[DoseGuideline]) -> str:
    """The usual adult dose for the key-facts box: the first adult guideline."""
    for dose in doses:
        if dose.population == Population.ADULT:
            return describe(dose)
    return ""


def reference_groups(references) -> list[tuple[str, list[Reference]]]:
    """The monograph's sources by kind, in ReferenceKind's order (labels first), each kind
    keeping the editors' order; kinds without a reference are left out."""
    by_kind: dict[str, list[Reference]] = {kind: [] for kind in ReferenceKind.values}
    for reference in references:
        kind = reference.kind if reference.kind in by_kind else ReferenceKind.OTHER
        by_kind[kind].append(reference)
    return [(ReferenceKind(kind).label, listed) for kind, listed in by_kind.items() if listed]


@dataclass(frozen=True)
class KeyWarning:
    """The one warning the key-facts box leads with: the opening of the boxed warning, or
    failing one of the warnings, in the editors' own (sourced) words, and where the rest is."""

    text: str
    anchor: str
    is_boxed: bool


KEY_WARNING_WORDS = 12  # sentences are taken until the opening has at least this many words
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"])")


def key_warning(drug: Drug) -> KeyWarning | None:
    """The boxed warning's opening sentences when there is one, else the warnings'. A bare
    heading sentence ("Serotonin syndrome.") takes the next sentence with it."""
    for text, anchor, is_boxed in (
        (drug.boxed_warning, "boxed-warning", True),
        (drug.warnings, "warnings", False),
    ):
        paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
        if not paragraph:
            continue
        opening = []
        for sentence in SENTENCE_END.split(paragraph):
            opening.append(sentence)
            if len(" ".join(opening).split()) >= KEY_WARNING_WORDS:
                break
        return KeyWarning(" ".join(opening), anchor, is_boxed)
    return None


@dataclass(frozen=True)
class ProductRow:
    product: Product
    strength: str


@dataclass(frozen=True)
class ProductGroup:
    title: str  # "Tablet, by mouth"
    current: list[ProductRow]
    discontinued: list[ProductRow]


@dataclass(frozen=True)
class UsProducts:
    groups: list[ProductGroup]
    combinations: list[ProductRow]

    def __bool__(self) -> bool:
        return bool(self.groups or self.combinations)


def us_products(products) -> UsProducts:
    """A drug's US products (Drugs@FDA, in current_first() order) for its page: its own
    single-ingredient products grouped by dosage form and route, marketed ones first, and the
    combination products it is in. No queries: the products are prefetched."""
    groups: dict[tuple[str, str], ProductGroup] = {}
    combinations = []
    seen: set[tuple[str, str]] = set()
    for product in products:
        row = ProductRow(product, strength_text(product))
        if product.is_combination:
            # One line per product name and ingredients, however many strengths it has.
            key = (product.name.lower(), product.active_ingredient)
            if key not in seen:
                seen.add(key)
                combinations.append(row)
            continue
        key = (product.dosage_form, product.route)
        if key not in groups:
            groups[key] = ProductGroup(form_and_route_text(product), [], [])
        (groups[key].current if product.is_current else groups[key].discontinued).append(row)
    ordered = sorted(groups.values(), key=lambda g: (not g.current, g.title))
    return UsProducts(groups=ordered, combinations=combinations)


def strength_text(product: Product) -> str:
    """ "5 mg/5 mL", "200 mg", "0.1%"; the FDA's text, its notes dropped, when unparsed."""
    if product.strength_amount is None:
        return product.strength_raw.split("**")[0].strip()
    unit = product.strength_unit
    text = format_amount(product.strength_amount) + ("%" if unit == "%" else f" {unit}")
    if product.strength_per_unit:
        per = product.strength_per_amount
        text += f"/{format_amount(per)} " if per is not None else "/"
        text += product.strength_per_unit
    return text


def form_and_route_text(product: Product) -> str:
    form = choice_label(product, "dosage_form") if product.dosage_form else ""
    if product.dosage_form in ("", DosageForm.OTHER):
        form = product.form_raw.partition(";")[0].strip().capitalize()
    if product.route in ("", Route.OTHER):
        route = product.form_raw.partition(";")[2].strip().lower()
    else:
        route = choice_label(product, "route").lower()
    if not route or route == "n/a" or route in form.lower():  # "Injection, injection"
        return form
    return f"{form}, {route}"


def side_effects_by_frequency(side_effects):
    order = {value: index for index, value in enumerate(FrequencyBand.values)}
    rows = sorted(side_effects, key=lambda s: (order[s.frequency], s.order, s.pk))
    return [
        (FrequencyBand(band).label, list(group))
        for band, group in groupby(rows, key=lambda s: s.frequency)
    ]


def condition_names() -> list[tuple[str, list[str]]]:
    """Every condition's page address with the names it goes by, for linking a label's uses
    to their pages: plain values, since a label page links a few of 238 (a model each was 1 ms
    of its 21)."""
    path = slug_paths("drugs:condition-detail")
    return [
        (path(slug), [name, *lines_of(synonyms)])
        for name, slug, synonyms in Condition.objects.values_list("name", "slug", "synonyms")
    ]


def site_url(request) -> str:
    """The scheme and host the reader used, for absolute URLs in open data."""
    return request.build_absolute_uri("/").rstrip("/")


def open_data_context(request, drug: Drug, *, interactions: DrugInteractions, shown) -> dict:
    """The open-data document the professional view's tables read, and the page's schema.org
    JSON-LD, both from one serializer, with no queries: the monograph is prefetched, its
    interactions counted with the slice `shown` (the page's), and the JSON-LD names an
    interacting class rather than its members (the JSON lists those). Its interactions are
    the page's, so no next page of them follows on."""
    document = opendata.monograph_document(
        drug,
        interactions=shown,
        interactions_count=interactions.count(),
        interactions_by_severity=interactions.by_severity(),
        interactions_next=None,
        class_members=None,
        site_url=site_url(request),
    )
    return {
        "open_data": document,
        # Escaped for a <script> body by script_json, so safe in that one place.
        "drug_jsonld": mark_safe(opendata.script_json(opendata.jsonld(document))),
    }
