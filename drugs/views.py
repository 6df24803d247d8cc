"""Public drug pages: the A–Z index, the monograph, class and condition pages."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import groupby
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import DetailView, ListView

from drugs import checker, feedback, opendata
from drugs.change_log import change_log_context
from drugs.conditions import summary_opening
from drugs.converter import CONVERTER_PARAMETERS, converter_context
from drugs.dosing import (
    describe,
    diary_days,
    diary_guideline,
    format_amount,
    parse_start,
    titration_schedule,
)
from drugs.forms import SectionFeedbackForm
from drugs.interactions import class_ancestors, class_tree, interactions_for
from drugs.label_text import LabelPage, label_page, link_uses
from drugs.models import (
    Condition,
    DosageForm,
    DoseGuideline,
    Drug,
    DrugClass,
    FrequencyBand,
    Indication,
    LabelStatus,
    Population,
    Product,
    Route,
    monograph_prefetch,
)
from medguide.page_cache import fetch_fragments

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


class DrugListView(ListView):
    template_name = "drugs/drug_list.html"
    context_object_name = "drugs"

    def get_queryset(self):
        drugs = Drug.objects.published().for_index()
        self.letter = letter_from(self.request)
        return drugs.starting_with(self.letter) if self.letter else drugs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            letter=self.letter,
            letters=LETTERS,
            letters_in_use=Drug.objects.published().initials(),
            **kwargs,
        )


class DrugDetailView(DetailView):
    template_name = "drugs/drug_detail.html"
    context_object_name = "drug"
    is_preview = False  # the admin's preview shows drafts too, marked and not indexed

    def get_queryset(self):
        # No prefetching here: LazyMonograph fetches the parts when the body is rendered.
        return Drug.objects.all() if self.is_preview else Drug.objects.published()

    # The template's {% remember %} fragments, read from the cache in one round trip.
    FRAGMENTS = ("monograph-jsonld", "monograph", "monograph-scripts")

    def get_context_data(self, **kwargs):
        monograph = LazyMonograph(self.request, self.object)
        is_pro_view = self.request.GET.get("view") == "pro"
        # What the fragments depend on besides content (which empties the fragment cache):
        # None, for a preview, keeps them out of the cache altogether.
        variant = None
        if not self.is_preview:
            variant = (
                self.object.pk,
                site_url(self.request),
                is_pro_view,
                *(self.request.GET.get(key, "") for key in CONVERTER_PARAMETERS),
            )
            fetch_fragments(self.FRAGMENTS, [variant])
        return super().get_context_data(
            is_pro_view=is_pro_view,
            is_preview=self.is_preview,
            preview_item=self.object if self.is_preview else None,
            monograph_variant=variant,
            **monograph.lazy_context(),
            **kwargs,
        )


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
        "serious_side_effects",
        "common_side_effects",
        "interactions",
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

    def __init__(self, request, drug: Drug):
        self.request = request
        self.drug = drug

    def lazy_context(self) -> dict:
        # Django templates call a callable they find in the context; each part is then
        # computed once, for the whole page.
        return {name: partial(self.part, name) for name in self.PARTS}

    def part(self, name: str):
        return self.parts[name]

    @cached_property
    def parts(self) -> dict:
        drug = self.drug
        prefetch_related_objects([drug], *monograph_prefetch())
        doses = list(drug.doses.all())
        indications = list(drug.indications.all())
        side_effects = list(drug.side_effects.all())
        interactions = interactions_for(drug)
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
            "serious_side_effects": [s for s in side_effects if s.is_serious],
            "common_side_effects": side_effects_by_frequency(
                [s for s in side_effects if not s.is_serious]
            ),
            "interactions": interactions,
            "guides": guides,
            "guides_are_curated": guides_are_curated,
            "label_has_boxed_warning": any(
                "boxed_warning" in source.sections for source in drug.label_sources.all()
            ),
            "label_page": label,
            "shown_classes": [c for c in drug.classes.all() if c.is_shown],
            "label_uses": link_uses(label.uses, condition_names()) if label and label.uses else [],
            "us_products": us_products(drug.products.all()),
            **converter_context(drug, query=self.request.GET),
            **change_log_context(drug),
            **open_data_context(self.request, drug, interactions=interactions),
        }
        assert parts.keys() == set(self.PARTS), "LazyMonograph.PARTS must name every part"
        return parts


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
    form = product.get_dosage_form_display() if product.dosage_form else ""
    if product.dosage_form in ("", DosageForm.OTHER):
        form = product.form_raw.partition(";")[0].strip().capitalize()
    if product.route in ("", Route.OTHER):
        route = product.form_raw.partition(";")[2].strip().lower()
    else:
        route = product.get_route_display().lower()
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


def condition_names() -> list[tuple[Condition, list[str]]]:
    """Every condition with the names it goes by, for linking a label's uses to their pages."""
    return [
        (condition, [condition.name, *condition.synonym_list])
        for condition in Condition.objects.only("name", "slug", "synonyms")
    ]


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


class DrugClassDetailView(DetailView):
    template_name = "drugs/drugclass_detail.html"
    context_object_name = "drug_class"
    model = DrugClass

    def get_context_data(self, **kwargs):
        drug_class = self.object
        tree = class_tree()
        members = [pk for pk in tree if drug_class.pk in class_ancestors([pk], tree)]
        drugs = list(Drug.objects.published().filter(classes__in=members).distinct().for_index())
        subclasses = list(drug_class.children.all())
        return super().get_context_data(drugs=drugs, subclasses=subclasses, **kwargs)


class ConditionListView(ListView):
    template_name = "drugs/condition_list.html"
    context_object_name = "conditions"

    def get_queryset(self):
        live = Drug.objects.published()  # not drafts, nor scheduled monographs before their time
        return Condition.objects.filter(indications__drug__in=live).distinct()


class ConditionDetailView(DetailView):
    template_name = "drugs/condition_detail.html"
    context_object_name = "condition"

    def get_object(self, queryset=None):
        return get_object_or_404(Condition, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        indications = list(
            Indication.objects.filter(condition=self.object, drug__in=Drug.objects.published())
            .select_related("drug")
            .prefetch_related("drug__names", "drug__classes")
            .order_by("drug__generic_name")
        )
        summary, summary_is_cut = summary_opening(self.object.summary)
        return super().get_context_data(
            on_label=[i for i in indications if not i.is_off_label],
            off_label=[i for i in indications if i.is_off_label],
            summary=summary,
            summary_is_cut=summary_is_cut,
            **kwargs,
        )


# The professional view and open data (JSON, JSON-LD) -----------------------------------------

OPEN_DATA_MAX_AGE = 600  # seconds; a correction reaches caches within ten minutes


def site_url(request) -> str:
    """The scheme and host the reader used, for absolute URLs in open data."""
    return request.build_absolute_uri("/").rstrip("/")


def open_data_context(request, drug: Drug, *, interactions) -> dict:
    """The open-data document the professional view's tables read, and the page's schema.org
    JSON-LD, both from one serializer. No queries: the monograph is prefetched."""
    document = opendata.monograph_document(
        drug,
        interactions=interactions,
        class_members=opendata.class_members(drug, interactions),
        site_url=site_url(request),
    )
    return {
        "open_data": document,
        # Escaped for a <script> body by script_json, so safe in that one place.
        "drug_jsonld": mark_safe(opendata.script_json(opendata.jsonld(document))),
    }


def open_data_response(document: dict) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=OPEN_DATA_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def open_data_not_found(message: str) -> JsonResponse:
    """A 404 a program can read, for the JSON addresses (drafts and archived ones too)."""
    return JsonResponse({"error": "not found", "detail": message}, status=404)


@require_safe
def drug_json(request, slug):
    """/drugs/<slug>.json: a published monograph as open data (docs/open-data.md)."""
    drug = Drug.objects.published().for_monograph().filter(slug=slug).first()
    if drug is None:
        return open_data_not_found("No published monograph has this slug.")
    interactions = interactions_for(drug)
    document = opendata.monograph_document(
        drug,
        interactions=interactions,
        class_members=opendata.class_members(drug, interactions),
        site_url=site_url(request),
    )
    return open_data_response(document)


@require_safe
def drug_index_json(request):
    """/drugs.json: every published monograph, a page of names and links at a time."""
    drugs = (
        Drug.objects.published()
        .only("generic_name", "slug", "origin", "reviewed_on", "updated_at")
        .order_by("generic_name", "pk")
    )
    paginator = Paginator(drugs, opendata.INDEX_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage:
        return open_data_not_found("No such page of the drug index.")
    base = site_url(request) + request.path
    document = opendata.index_document(
        page, site_url=site_url(request), page_url=lambda number: f"{base}?page={number}"
    )
    return open_data_response(document)


# The public change log and readers' reports -----------------------------------------------


def sections_for(drug: Drug) -> list[Section]:
    """The sections readers see on the drug's page, as its table of contents lists them.
    Expects for_monograph()."""
    guides, _curated = guides_for(drug)
    return monograph_sections(drug, interactions=interactions_for(drug), guides=guides)


class DrugChangeListView(ListView):
    """Every entry of a monograph's public change log, newest first."""

    template_name = "drugs/drug_changes.html"
    context_object_name = "changes"
    paginate_by = 20

    def get_queryset(self):
        self.drug = get_object_or_404(Drug.objects.published(), slug=self.kwargs["slug"])
        return self.drug.changes.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(drug=self.drug, **kwargs)
        page = context["page_obj"]
        context["pages"] = page.paginator.get_elided_page_range(page.number)
        return context


# No CSRF token: a report acts for nobody (no account, no session), so a forged one is no
# different from a stranger's own, which the honeypot and the flood limit already meet. A
# token would also give every monograph a per-reader cookie and keep it out of the page cache.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def section_feedback(request, slug: str):
    """GET: the report form on its own page (?section=<anchor>), or the thank-you page
    (?sent=1). POST: a report on one section, refused with 429 when the client floods us and
    with a friendly 400 for the honeypot or bad input; nothing is stored then."""
    if request.method == "POST" and feedback.is_flooding(request):
        response = render(
            request,
            "drugs/feedback_refused.html",
            {"slug": slug, "reason": "flood", "minutes": feedback.WINDOW_SECONDS // 60},
            status=429,
        )
        response["Retry-After"] = str(feedback.WINDOW_SECONDS)
        return response
    if request.method == "GET" and "sent" in request.GET:
        drug = get_object_or_404(Drug.objects.published(), slug=slug)
        section = request.GET.get("section", "")
        anchor = section if section.replace("-", "").isalnum() else ""
        return render(request, "drugs/feedback_thanks.html", {"drug": drug, "anchor": anchor})

    drug = get_object_or_404(Drug.objects.published().for_monograph(), slug=slug)
    sections = sections_for(drug)
    if request.method == "GET":
        form = SectionFeedbackForm(
            initial={"section": request.GET.get("section", "")}, sections=sections
        )
        return render(request, "drugs/feedback_form.html", {"drug": drug, "form": form})

    form = SectionFeedbackForm(request.POST, sections=sections)
    if form.is_spam:
        return render(
            request, "drugs/feedback_refused.html", {"slug": slug, "reason": "spam"}, status=400
        )
    if not form.is_valid():
        return render(request, "drugs/feedback_form.html", {"drug": drug, "form": form}, status=400)
    data = form.cleaned_data
    feedback.record(
        drug=drug,
        section=data["section"],
        section_title=form.section_title,
        message=data["message"],
        email=data["email"],
    )
    query = urlencode({"sent": 1, "section": data["section"]})
    return redirect(f"{reverse('drugs:feedback', kwargs={'slug': drug.slug})}?{query}")


# The printable medication diary ----------------------------------------------------------------


def diary(request, slug):
    """/drugs/<slug>/diary/: a printable diary for the titration schedule (or blank days), with
    real dates from ?start=YYYY-MM-DD; ?dose=<guideline id> picks one of several schedules.
    Three queries whatever the drug."""
    doses = Prefetch("doses", queryset=DoseGuideline.objects.select_related("condition"))
    drugs = Drug.objects.published().prefetch_related(doses, "side_effects")
    drug = get_object_or_404(drugs, slug=slug)
    chosen = request.GET.get("dose", "")[:20]
    guideline = diary_guideline(list(drug.doses.all()), chosen=chosen)
    start, start_error = None, ""
    start_text = request.GET.get("start", "")[:40]
    if start_text.strip():
        try:
            start = parse_start(start_text, today=timezone.localdate())
        except ValueError as error:
            start_error = str(error)
    days = diary_days(guideline, start=start)
    return render(
        request,
        "drugs/drug_diary.html",
        {
            "drug": drug,
            "guideline": guideline,
            "schedule": titration_schedule(guideline) if guideline is not None else [],
            "sentence": describe(guideline) if guideline is not None else "",
            "days": days,
            "serious_side_effects": [s for s in drug.side_effects.all() if s.is_serious],
            "start": start,
            "start_text": start_text,
            "start_error": start_error,
        },
    )


@require_safe
def interaction_checker(request):
    """The interaction checker. A GET form, so every list of names has an address to share;
    several fields, or a list spelt untidily, come back to the one tidy ?drugs=a,b,c."""
    values = request.GET.getlist("drugs")
    names, left_out = checker.parse_names(values)
    adding = "add" in request.GET
    tidy = ",".join([*names, *left_out])
    if len(values) > 1 or (values and values[0] != tidy):
        query = checker.query_string([*names, *left_out]) if tidy else ""
        query = "&".join(part for part in (query, "add=1" if adding else "") if part)
        return redirect(reverse("drugs:interactions") + (f"?{query}" if query else ""))
    result = checker.check_interactions(names=names, left_out=left_out)
    share_query = checker.query_string(names) if names else ""
    return render(
        request,
        "drugs/interaction_checker.html",
        {
            "result": result,
            "rows": checker.form_rows(
                names=names, unknown=[u.name for u in result.unknown], adding=adding
            ),
            "share_url": request.build_absolute_uri(
                reverse("drugs:interactions") + (f"?{share_query}" if share_query else "")
            ),
            "min_items": checker.MIN_ITEMS,
            "max_items": checker.MAX_ITEMS,
        },
    )
