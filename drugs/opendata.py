"""Open data: a published monograph as a versioned JSON document, the index of all of them,
and the schema.org JSON-LD the drug page carries, all built from one serializer.

The document is the single source of truth: the JSON endpoint returns it, the JSON-LD is
derived from it, and the professional view's tables read it, so they cannot disagree.
The schema is documented in docs/open-data.md; bump SCHEMA_VERSION when a field changes
meaning or goes away (adding a field is a minor version).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import models

from drugs.dosing import describe, format_amount, times_a_day, titration_schedule
from drugs.interactions import InteractionEntry, class_ancestors, class_tree
from drugs.labels.parsing import SECTION_TITLES
from drugs.models import (
    DoseGuideline,
    Drug,
    DrugClass,
    FrequencyBand,
    LabelSource,
    NameKind,
    Population,
    Product,
    Severity,
    Strength,
    choice_label,
)
from medguide.editorial.paths import slug_path, slug_paths

# 2.0: a monograph lists its first interactions and the rest come a page at a time
# (interactions_document); 1.1 added us_products.
SCHEMA_VERSION = "2.0"
INDEX_PAGE_SIZE = 250

Document = dict[str, Any]

LICENSE = {
    "software": "MIT (https://opensource.org/license/mit)",
    "fda_label_text": (
        "FDA Structured Product Labeling, a US government work in the public domain; "
        "follow each label source's DailyMed link for the label as published."
    ),
    "interaction_tables": (
        "Rows whose source names NDF-RT come from the US Veterans Affairs NDF-RT, "
        "a US government work in the public domain."
    ),
    "editorial_text": (
        "MedGuide's own writing is licensed under Creative Commons Attribution 4.0 "
        "(CC BY 4.0, https://creativecommons.org/licenses/by/4.0/): reuse it with a link to "
        "the page."
    ),
}
DISCLAIMER = (
    "General information about medicines, not medical advice. It does not replace advice "
    "from a doctor, pharmacist or nurse who knows the patient."
)

# schema.org's DrugPrescriptionStatus enumeration.
PRESCRIPTION_ONLY = "https://schema.org/PrescriptionOnly"
OVER_THE_COUNTER = "https://schema.org/OTC"

# A JSON-LD body goes inside <script>: these would let text close the element or open a
# comment, so they become JSON escapes (as Django's json_script filter does).
SCRIPT_ESCAPES = {
    "<": "\\u003C",
    ">": "\\u003E",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def number(value: Decimal | int | None) -> int | float | None:
    """A stored amount as a JSON number: 5.000 → 5, 2.500 → 2.5, None → None."""
    if value is None:
        return None
    normal = Decimal(value).normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def choice(instance: models.Model, field: str) -> dict[str, str] | None:
    """A choice field as {"code": stored value, "label": what readers see}; None when blank."""
    code = getattr(instance, field)
    if not code:
        return None
    return {"code": code, "label": choice_label(instance, field)}


def iso(value) -> str | None:
    return value.isoformat() if value else None


class DrugAddresses:
    """A drug's page and open-data addresses, absolute, by slug; the URL patterns are read
    once for a list of many (slug_paths)."""

    def __init__(self, site_url: str):
        self.site_url = site_url
        self.page = Drug.paths()
        self.data = slug_paths("drugs:detail-json")

    def __call__(self, slug: str) -> dict[str, str]:
        return {"url": self.site_url + self.page(slug), "data_url": self.site_url + self.data(slug)}


# The monograph document -------------------------------------------------------------------


def monograph_document(
    drug: Drug,
    *,
    interactions: list[InteractionEntry],
    interactions_count: int,
    interactions_by_severity: list[tuple[str, int]],
    interactions_next: str | None,
    class_members: dict[int, list[Member]] | None,
    site_url: str,
) -> Document:
    """Everything a published monograph says, as plain JSON-ready values.

    `drug` comes from Drug.objects.for_monograph() (or prefetch_monograph()), `interactions`
    are the first of its interactions, most severe first (a slice of DrugInteractions), of
    `interactions_count` in all (`interactions_by_severity`: DrugInteractions.by_severity()),
    the rest from `interactions_next` on, a page of interactions_document(); `class_members`
    comes from class_members(), so this makes no queries of its own. `site_url` is the
    scheme and host, e.g. "https://medguide.example.org". With `class_members` None, an
    interaction with a class lists no members ("drugs" is None): the page's JSON-LD names the
    class, not them."""
    counted = dict(interactions_by_severity)
    return {
        "schema_version": SCHEMA_VERSION,
        **DrugAddresses(site_url)(drug.slug),
        "slug": drug.slug,
        "generic_name": drug.generic_name,
        "pronunciation": drug.pronunciation,
        "origin": choice(drug, "origin"),
        "names": [
            {"name": name.name, "kind": choice(name, "kind"), "note": name.note}
            for name in drug.names.all()
        ],
        "classes": [class_document(c, site_url=site_url) for c in drug.classes.all()],
        "prescription_only": drug.is_prescription_only,
        "controlled_substance": drug.controlled_substance,
        "summary": drug.summary,
        "text": {
            "mechanism": drug.mechanism,
            "boxed_warning": drug.boxed_warning,
            "boxed_warning_scope": drug.boxed_warning_scope,
            "warnings": drug.warnings,
            "contraindications": drug.contraindications,
            "pregnancy": drug.pregnancy,
            "breastfeeding": drug.breastfeeding,
            "stopping": drug.stopping,
            "missed_dose": drug.missed_dose,
            "overdose": drug.overdose,
            "storage": drug.storage,
            "formulations_note": drug.formulations_note,
        },
        "practical_tips": drug.tip_list,
        "indications": [
            {
                "condition": {
                    "name": indication.condition.name,
                    "slug": indication.condition.slug,
                    "url": site_url + indication.condition.get_absolute_url(),
                },
                "label_status": choice(indication, "label_status"),
                "notes": indication.notes,
            }
            for indication in drug.indications.all()
        ],
        "dose_guidelines": [
            dose_document(dose, site_url=site_url) for dose in ordered_doses(drug.doses.all())
        ],
        "formulations": [
            {
                "dosage_form": choice(formulation, "dosage_form"),
                "route": choice(formulation, "route"),
                "release": choice(formulation, "release"),
                "brand": formulation.brand,
                "notes": formulation.notes,
                "strengths": [strength_document(s) for s in formulation.strengths.all()],
            }
            for formulation in drug.formulations.all()
        ],
        "side_effects": [
            {
                "name": effect.name,
                "frequency": choice(effect, "frequency"),
                "incidence": effect.incidence,
                "seriousness": choice(effect, "seriousness"),
                "advice": effect.advice,
            }
            for effect in ordered_side_effects(drug.side_effects.all())
        ],
        "interactions": [
            interaction_document(e, members=class_members, site_url=site_url) for e in interactions
        ],
        "interactions_count": interactions_count,
        "interactions_by_severity": {code: counted.get(code, 0) for code in Severity.values},
        "interactions_url": site_url + slug_path("drugs:drug-interactions-json", drug.slug),
        "interactions_next": interactions_next,
        "references": [
            {
                "title": reference.title,
                "publisher": reference.publisher,
                "url": reference.url,
                "accessed_on": iso(reference.accessed_on),
            }
            for reference in drug.references.all()
        ],
        "label_sources": [label_source_document(s) for s in drug.label_sources.all()],
        "us_products": [product_document(p) for p in drug.products.all()],
        "medical_review": {
            "reviewed_by": drug.reviewed_by or None,
            "reviewed_on": iso(drug.reviewed_on),
            "is_due": drug.is_review_due,
        },
        "updated_at": iso(drug.updated_at),
        "license": LICENSE,
        "disclaimer": DISCLAIMER,
    }


def class_document(drug_class: DrugClass, *, site_url: str) -> Document:
    parent = drug_class.parent
    return {
        "name": drug_class.name,
        "slug": drug_class.slug,
        "url": site_url + drug_class.get_absolute_url(),
        "parent": parent.slug if parent else None,
    }


def ordered_doses(doses: Iterable[DoseGuideline]) -> list[DoseGuideline]:
    """In the page's order: by population (the Population choices' order), then as edited."""
    order = {value: index for index, value in enumerate(Population.values)}
    return sorted(doses, key=lambda d: (order.get(d.population, 99), d.order, d.pk))


def ordered_side_effects(effects: Iterable) -> list:
    """Most frequent band first, then as edited."""
    order = {value: index for index, value in enumerate(FrequencyBand.values)}
    return sorted(effects, key=lambda e: (order.get(e.frequency, 99), e.order, e.pk))


def dose_document(dose: DoseGuideline, *, site_url: str) -> Document:
    """The structured numbers of a dose guideline, its schedule and its sentence."""
    condition = dose.condition
    has_step = dose.step_amount is not None and dose.step_interval_days is not None
    has_usual = dose.usual_min_per_day is not None or dose.usual_max_per_day is not None
    return {
        "population": choice(dose, "population"),
        "condition": (
            {
                "name": condition.name,
                "slug": condition.slug,
                "url": site_url + condition.get_absolute_url(),
            }
            if condition
            else None
        ),
        "route": choice(dose, "route"),
        "dosage_form": choice(dose, "dosage_form"),
        "unit": dose.unit,
        "start": {
            "amount": number(dose.start_amount),
            "times_per_day": dose.times_per_day,
            "frequency": times_a_day(dose.times_per_day) or None,
        },
        "titration": (
            {
                "step_amount": number(dose.step_amount),
                "every_days": dose.step_interval_days,
                "up_to_per_dose": number(dose.target_amount),
            }
            if has_step
            else None
        ),
        "usual_per_day": (
            {"min": number(dose.usual_min_per_day), "max": number(dose.usual_max_per_day)}
            if has_usual
            else None
        ),
        "max_per_day": number(dose.max_per_day),
        "schedule": [
            {
                "first_day": step.first_day,
                "last_day": step.last_day,
                "per_dose": number(step.per_dose),
                "times_per_day": step.times_per_day,
                "per_day": number(step.per_day),
            }
            for step in titration_schedule(dose)
        ],
        "sentence": describe(dose),
        "notes": dose.notes,
    }


def strength_document(strength: Strength) -> Document:
    return {
        "amount": number(strength.amount),
        "unit": strength.unit,
        "per_amount": number(strength.per_amount),
        "per_unit": strength.per_unit or None,
        "text": str(strength),
    }


class Member(NamedTuple):
    """A published drug an interacting class reaches, as the document names it."""

    generic_name: str
    path: str  # its page's address


def class_members(
    drug: Drug,
    interactions: list[InteractionEntry],
    *,
    tree: dict[int, tuple[int, ...]] | None = None,
) -> dict[int, list[Member]]:
    """The published drugs each interacting class applies to (the class and its subclasses),
    by class id, without `drug` itself: names and addresses, not whole medicines (a class can
    reach 800). Two queries, one given the class tree, none when no class is involved."""
    class_ids = {e.interaction.interactant_class_id for e in interactions if e.kind == "class"}
    if not class_ids:
        return {}
    parents = class_tree() if tree is None else tree
    reached = {  # member class -> the interacting classes that contain it
        member: {c for c in class_ancestors([member], parents) if c in class_ids}
        for member in parents
    }
    members: dict[int, list[Member]] = {pk: [] for pk in class_ids}
    # The drugs are found from the classes' links (in_classes), then each one's classes read:
    # joined to the links it was filtered on, SQLite's planner read every published medicine
    # through the status index (23 ms for a label page at 20,000 medicines, against 1.5).
    rows = (
        Drug.objects.published()
        .exclude(pk=drug.pk)
        .in_classes([m for m, found in reached.items() if found])
        .values_list("pk", "generic_name", "slug", "classes")
    )
    listed: set[tuple[int, int]] = set()  # (class, drug): a drug in two member classes once
    path = Drug.paths()
    for pk, generic_name, slug, member_class in rows:  # each of the drug's classes, reached or not
        for class_id in reached.get(member_class, ()):
            if (class_id, pk) not in listed:
                listed.add((class_id, pk))
                members[class_id].append(Member(generic_name, path(slug)))
    return members


def interaction_document(
    entry: InteractionEntry, *, members: dict[int, list[Member]] | None, site_url: str
) -> Document:
    """One interaction as seen from this drug's side (drugs.interactions decides which apply);
    an interaction with a class lists the published drugs it reaches, when `members` says."""
    row = entry.interaction
    via = entry.via_class
    if entry.kind != "class":
        drugs = []
    elif members is None:
        drugs = None
    else:
        drugs = [
            {"name": other.generic_name, "url": site_url + other.path}
            for other in members.get(row.interactant_class_id, [])
        ]
    return {
        "with": {
            "type": entry.kind,
            "name": entry.other_name,
            "url": site_url + entry.other_url if entry.other_url else None,
            "drugs": drugs,
        },
        "via_class": (
            {"name": via.name, "slug": via.slug, "url": site_url + via.get_absolute_url()}
            if via
            else None
        ),
        "severity": choice(row, "severity"),
        "effect": row.effect,
        "advice": row.advice,
        "source": row.source or None,
        # A label-stated interaction quotes the label's sentence and names its section.
        "evidence": row.evidence or None,
        "label_section": SECTION_TITLES.get(row.label_section) if row.label_section else None,
    }


def product_document(product: Product) -> Document:
    """A US product as Drugs@FDA lists it, with what MedGuide read from it."""
    return {
        "name": product.name,
        "is_brand": product.is_brand,
        "active_ingredient": product.active_ingredient,
        "is_combination": product.is_combination,
        "dosage_form": choice(product, "dosage_form"),
        "route": choice(product, "route"),
        "form_as_listed": product.form_raw,
        "strength": {
            "as_listed": product.strength_raw,
            "amount": number(product.strength_amount),
            "unit": product.strength_unit or None,
            "per_amount": number(product.strength_per_amount),
            "per_unit": product.strength_per_unit or None,
        },
        "marketing_status": choice(product, "marketing_status"),
        "application": {
            "number": product.application_number,
            "product_number": product.product_number,
            "type": choice(product, "application_type"),
            "sponsor": product.sponsor,
        },
        "drugs_at_fda_url": product.drugs_at_fda_url,
    }


def label_source_document(source: LabelSource) -> Document:
    """Where the FDA label came from, without its text (follow dailymed_url for that)."""
    return {
        "spl_id": source.spl_id,
        "set_id": source.set_id,
        "version": source.version or None,
        "effective_on": iso(source.effective_on),
        "active_ingredient": source.generic_name_raw,
        "brand_names": list(source.brand_names_raw),
        "product_type": choice(source, "product_type"),
        "routes": list(source.routes),
        "rxcuis": list(source.rxcuis),
        "uniis": list(source.uniis),
        "dailymed_url": source.dailymed_url,
        "sections": [key for key in SECTION_TITLES if key in source.sections],
    }


# The index ---------------------------------------------------------------------------------


def index_entry(drug: Drug, *, addresses: DrugAddresses) -> Document:
    return {
        "name": drug.generic_name,
        "slug": drug.slug,
        **addresses(drug.slug),
        "origin": drug.origin,
        "last_reviewed": iso(drug.reviewed_on),
        "updated_at": iso(drug.updated_at),
    }


def paging_fields(page, page_url) -> Document:
    """Where a page of a paged document stands: `page` is a Django Page, and
    `page_url(number)` gives the absolute URL of another page."""
    paginator = page.paginator
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": paginator.per_page,
        "next": page_url(page.next_page_number()) if page.has_next() else None,
        "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
    }


def index_document(page, *, site_url: str, page_url) -> Document:
    """One page of the index of published drugs. `page` is a Django Page of drugs;
    `page_url(number)` gives the absolute URL of another page."""
    addresses = DrugAddresses(site_url)
    return {
        "schema_version": SCHEMA_VERSION,
        **paging_fields(page, page_url),
        "drugs": [index_entry(drug, addresses=addresses) for drug in page.object_list],
        "license": LICENSE,
        "disclaimer": DISCLAIMER,
    }


def interactions_document(
    drug: Drug, page, *, class_members: dict[int, list[Member]], site_url: str, page_url
) -> Document:
    """One page of a published drug's interactions, most severe first. `page` is a Django
    Page of DrugInteractions; `page_url(number)` gives the absolute URL of another page."""
    html = site_url + slug_path("drugs:drug-interactions", drug.slug)
    return {
        "schema_version": SCHEMA_VERSION,
        "url": html if page.number == 1 else f"{html}?page={page.number}",
        "data_url": page_url(page.number),
        "drug": {"name": drug.generic_name, **DrugAddresses(site_url)(drug.slug)},
        **paging_fields(page, page_url),
        "interactions": [
            interaction_document(e, members=class_members, site_url=site_url)
            for e in page.object_list
        ],
        "license": LICENSE,
        "disclaimer": DISCLAIMER,
    }


# schema.org JSON-LD ------------------------------------------------------------------------


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _one_or_many(values: list) -> Any:
    return values[0] if len(values) == 1 else values


def jsonld(document: Document) -> Document:
    """The schema.org MedicalWebPage about a Drug, derived from monograph_document()."""
    doses = document["dose_guidelines"]
    formulations = document["formulations"]
    review = document["medical_review"]
    brands = [n["name"] for n in document["names"] if n["kind"]["code"] == NameKind.BRAND]
    others = [n["name"] for n in document["names"] if n["kind"]["code"] != NameKind.BRAND]

    drug: Document = {
        "@type": "Drug",
        "@id": document["url"] + "#drug",
        "name": document["generic_name"],
        "nonProprietaryName": document["generic_name"],
        "url": document["url"],
        "prescriptionStatus": (
            PRESCRIPTION_ONLY if document["prescription_only"] else OVER_THE_COUNTER
        ),
    }
    if brands:
        drug["proprietaryName"] = _one_or_many(brands)
    if others:
        drug["alternateName"] = others
    if document["classes"]:
        drug["drugClass"] = [
            {"@type": "DrugClass", "name": c["name"], "url": c["url"]} for c in document["classes"]
        ]
    routes = _unique(
        [f["route"]["label"] for f in formulations] + [d["route"]["label"] for d in doses]
    )
    if routes:
        drug["administrationRoute"] = _one_or_many(routes)
    forms = _unique([f["dosage_form"]["label"] for f in formulations])
    if forms:
        drug["dosageForm"] = _one_or_many(forms)
    strengths = [
        {
            "@type": "DrugStrength",
            "strengthValue": s["amount"],
            "strengthUnit": _strength_unit(s),
            "activeIngredient": document["generic_name"],
            "description": f"{f['dosage_form']['label']}: {s['text']}",
        }
        for f in formulations
        for s in f["strengths"]
    ]
    if strengths:
        drug["availableStrength"] = strengths
    if doses:
        drug["doseSchedule"] = [_dose_schedule(d, "RecommendedDoseSchedule") for d in doses]
    maxima = [
        {
            **_dose_schedule(d, "MaximumDoseSchedule"),
            "doseValue": d["max_per_day"],
            "frequency": "per day",
        }
        for d in doses
        if d["max_per_day"] is not None
    ]
    if maxima:
        drug["maximumIntake"] = maxima
    interacting = interacting_drugs(document["interactions"])
    if interacting:
        drug["interactingDrug"] = interacting
    if document["controlled_substance"]:
        drug["legalStatus"] = {"@type": "DrugLegalStatus", "name": document["controlled_substance"]}
    if document["text"]["mechanism"]:
        drug["mechanismOfAction"] = document["text"]["mechanism"]
    labels = [s["dailymed_url"] for s in document["label_sources"]]
    if labels:
        drug["labelDetails"] = labels[0]

    page: Document = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": document["url"],
        "url": document["url"],
        "name": document["generic_name"],
        "description": document["summary"].strip().split("\n\n")[0],
        "inLanguage": "en",
        "about": {"@id": drug["@id"]},
        "mainEntity": drug,
        "dateModified": document["updated_at"],
    }
    if review["reviewed_on"]:
        page["lastReviewed"] = review["reviewed_on"]
    if review["reviewed_by"]:
        page["reviewedBy"] = {"@type": "Person", "name": review["reviewed_by"]}
    citations = [
        {"@type": "CreativeWork", "name": r["title"], **({"url": r["url"]} if r["url"] else {})}
        for r in document["references"]
    ]
    if citations:
        page["citation"] = citations
    return page


def interacting_drugs(interactions: Iterable[Document]) -> list[Document]:
    """schema.org's interactingDrug for interaction documents (interaction_document()): the
    drugs named, once each, and each class named as "any medicine in" it. Listing a class's
    members put 542 drugs (44 KB, 64% of the page) into icatibant's page at 20,000 medicines;
    the JSON lists them."""
    interacting: dict[str, Document] = {}
    for interaction in interactions:
        other = interaction["with"]
        if other["type"] == "drug":
            interacting[other["url"]] = {
                "@type": "Drug",
                "name": other["name"],
                "url": other["url"],
            }
        elif other["type"] == "class":
            interacting[other["url"]] = {
                "@type": "Drug",
                "description": "Any medicine in this class",
                "drugClass": {"@type": "DrugClass", "name": other["name"], "url": other["url"]},
            }
    return list(interacting.values())


def interactions_page_jsonld(
    drug: Drug, entries: Iterable[InteractionEntry], *, site_url: str, page_url: str
) -> Document:
    """The schema.org MedicalWebPage of a page of a drug's interactions: about the drug (the
    same @id as its monograph's Drug), with the drugs and classes this page lists."""
    documents = [interaction_document(e, members=None, site_url=site_url) for e in entries]
    drug_url = site_url + drug.get_absolute_url()
    about: Document = {
        "@type": "Drug",
        "@id": drug_url + "#drug",
        "name": drug.generic_name,
        "url": drug_url,
    }
    interacting = interacting_drugs(documents)
    if interacting:
        about["interactingDrug"] = interacting
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": page_url,
        "url": page_url,
        "name": f"{drug.generic_name} interactions",
        "inLanguage": "en",
        "about": about,
    }


def _strength_unit(strength: Document) -> str:
    """ "mg", or "mg/5 mL" for an amount per volume."""
    if not strength["per_unit"]:
        return strength["unit"]
    per = strength["per_amount"]
    per = "" if per in (None, 1) else f"{format_amount(Decimal(str(per)))} "
    return f"{strength['unit']}/{per}{strength['per_unit']}"


def _dose_schedule(dose: Document, schema_type: str) -> Document:
    schedule: Document = {
        "@type": schema_type,
        "doseValue": dose["start"]["amount"],
        "doseUnit": dose["unit"],
        "targetPopulation": dose["population"]["label"],
    }
    if schema_type == "RecommendedDoseSchedule":
        schedule["description"] = dose["sentence"]
        if dose["start"]["frequency"]:
            schedule["frequency"] = dose["start"]["frequency"]
    return schedule


def script_json(data: Document) -> str:
    """JSON for the body of a <script type="application/ld+json"> element: <, > and & are
    escaped, so no value can end the element. Mark it safe only in that place."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Replaced one character at a time, not str.translate(): mapping characters to longer
    # strings, translate looks every character up (7.6 ms for 52 KB of JSON, against 0.3).
    for character, escaped in SCRIPT_ESCAPES.items():
        text = text.replace(character, escaped)
    return text
