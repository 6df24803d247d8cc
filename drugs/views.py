"""Public drug pages: the A–Z index, the monograph, class and condition pages."""

from __future__ import annotations

import string
from dataclasses import dataclass
from itertools import groupby

from django.db.models.functions import Lower, Substr
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from drugs.dosing import describe, titration_schedule
from drugs.interactions import class_ancestors, interactions_for
from drugs.models import (
    Condition,
    DoseGuideline,
    Drug,
    DrugClass,
    FrequencyBand,
    Indication,
    LabelStatus,
    Population,
)

LETTERS = list(string.ascii_lowercase)
FALLBACK_GUIDES = 4  # newest related guides shown when an editor has curated none


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


def letter_from(request) -> str:
    """The A–Z filter, or "" when it is missing or not a single Latin letter."""
    letter = request.GET.get("letter", "").strip().lower()
    return letter if letter in LETTERS else ""


def letters_in_use() -> set[str]:
    initials = (
        Drug.objects.published()
        .annotate(initial=Lower(Substr("generic_name", 1, 1)))
        .values_list("initial", flat=True)
        .distinct()
    )
    return set(initials)


class DrugListView(ListView):
    template_name = "drugs/drug_list.html"
    context_object_name = "drugs"

    def get_queryset(self):
        drugs = Drug.objects.published().for_index()
        self.letter = letter_from(self.request)
        return drugs.starting_with(self.letter) if self.letter else drugs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            letter=self.letter, letters=LETTERS, letters_in_use=letters_in_use(), **kwargs
        )


class DrugDetailView(DetailView):
    template_name = "drugs/drug_detail.html"
    context_object_name = "drug"
    is_preview = False  # the admin's preview shows drafts too, marked and not indexed

    def get_queryset(self):
        drugs = Drug.objects.all() if self.is_preview else Drug.objects.published()
        return drugs.for_monograph()

    def get_context_data(self, **kwargs):
        drug = self.object
        doses = list(drug.doses.all())
        indications = list(drug.indications.all())
        side_effects = list(drug.side_effects.all())
        interactions = interactions_for(drug)
        guides, guides_are_curated = guides_for(drug)
        return super().get_context_data(
            sections=monograph_sections(drug, interactions=interactions, guides=guides),
            on_label=[i for i in indications if i.label_status == LabelStatus.ON_LABEL],
            off_label=[i for i in indications if i.label_status == LabelStatus.OFF_LABEL],
            dose_groups=dose_groups(doses),
            key_dose=key_dose(doses),
            serious_side_effects=[s for s in side_effects if s.is_serious],
            common_side_effects=side_effects_by_frequency(
                [s for s in side_effects if not s.is_serious]
            ),
            interactions=interactions,
            guides=guides,
            guides_are_curated=guides_are_curated,
            label_has_boxed_warning=any(
                "boxed_warning" in source.sections for source in drug.label_sources.all()
            ),
            is_preview=self.is_preview,
            preview_item=self.object if self.is_preview else None,
            **kwargs,
        )


def guides_for(drug: Drug) -> tuple[list, bool]:
    """The guides for the monograph's Guides section, and whether an editor chose them: the
    live curated guides in the editor's order, else the newest live guides on the drug.

    `drugs` never imports `articles` (the dependency points the other way), so the guides are
    reached through the reverse relations by name. One query, two when none is curated."""
    article_model = Drug._meta.get_field("articles").related_model
    live = article_model.objects.published()
    curated = drug.curated_guides.filter(article__in=live).select_related("article__category")
    guides = [curation.article for curation in curated]
    if guides:
        return guides, True
    newest = drug.articles.published().select_related("category")[:FALLBACK_GUIDES]
    return list(newest), False


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


def side_effects_by_frequency(side_effects):
    order = {value: index for index, value in enumerate(FrequencyBand.values)}
    rows = sorted(side_effects, key=lambda s: (order[s.frequency], s.order, s.pk))
    return [
        (FrequencyBand(band).label, list(group))
        for band, group in groupby(rows, key=lambda s: s.frequency)
    ]


def monograph_sections(drug: Drug, *, interactions, guides) -> list[Section]:
    """The table of contents: stable anchors, in page order, only for sections with content."""
    candidates = [
        ("uses", "Uses", drug.indications.all()),
        ("how-it-works", "How it works", drug.mechanism),
        ("dosage", "Dosage", drug.doses.all()),
        ("formulations", "Forms and strengths", drug.formulations.all() or drug.formulations_note),
        ("side-effects", "Side effects", drug.side_effects.all()),
        ("warnings", "Warnings", drug.boxed_warning or drug.warnings or drug.contraindications),
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


class DrugClassDetailView(DetailView):
    template_name = "drugs/drugclass_detail.html"
    context_object_name = "drug_class"
    model = DrugClass

    def get_context_data(self, **kwargs):
        drug_class = self.object
        parents = dict(DrugClass.objects.values_list("pk", "parent_id"))
        members = [pk for pk in parents if drug_class.pk in class_ancestors([pk], parents)]
        drugs = list(Drug.objects.published().filter(classes__in=members).distinct().for_index())
        subclasses = list(drug_class.children.all())
        return super().get_context_data(drugs=drugs, subclasses=subclasses, **kwargs)


class ConditionListView(ListView):
    template_name = "drugs/condition_list.html"
    context_object_name = "conditions"

    def get_queryset(self):
        return Condition.objects.filter(indications__drug__status="published").distinct()


class ConditionDetailView(DetailView):
    template_name = "drugs/condition_detail.html"
    context_object_name = "condition"

    def get_object(self, queryset=None):
        return get_object_or_404(Condition, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        indications = list(
            Indication.objects.filter(condition=self.object, drug__status="published")
            .select_related("drug")
            .prefetch_related("drug__names", "drug__classes")
            .order_by("drug__generic_name")
        )
        return super().get_context_data(
            on_label=[i for i in indications if not i.is_off_label],
            off_label=[i for i in indications if i.is_off_label],
            **kwargs,
        )
