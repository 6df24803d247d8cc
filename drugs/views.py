"""Public drug pages: the A–Z index, the monograph, class and condition pages. What a
monograph shows is put together in drugs/monograph.py."""

from __future__ import annotations

from dataclasses import dataclass
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
from drugs.conditions import summary_blocks, summary_line, summary_opening
from drugs.converter import CONVERTER_PARAMETERS
from drugs.dosing import describe, diary_days, diary_guideline, parse_start, titration_schedule
from drugs.forms import (
    CheckerQuery,
    DiaryQuery,
    DrugIndexQuery,
    FeedbackQuery,
    MonographQuery,
    NearestPageQuery,
    PageQuery,
    SectionFeedbackForm,
)
from drugs.interactions import DrugInteractions, class_ancestors, class_tree
from drugs.kept_interactions import first_interactions
from drugs.kept_rows import prefetch_monograph
from drugs.models import (
    CARD_FIELDS,
    LETTERS,
    AZEntries,
    Condition,
    DoseGuideline,
    Drug,
    DrugClass,
    Indication,
    az_initials,
    card_prefetch,
)
from drugs.monograph import (
    INTERACTIONS_PER_PAGE,
    LIQUIDS_FRAGMENT,
    LazyMonograph,
    sections_for,
    site_url,
)
from medguide.editorial.caching import (
    QueryMixin,
    fetch_fragments,
    reads_no_query,
    reads_query,
    remember,
)
from medguide.editorial.models import published_through
from medguide.editorial.paging import (
    CountedPaginator,
    NearestPageMixin,
    nearest_page_of,
)
from medguide.editorial.paths import slug_path

INDEX_PER_PAGE = 60  # names to an A–Z page: a few screens on a phone


def letters_in_use(letter: str = "") -> set[str]:
    """The A–Z's letters that lead somewhere and, given a letter, the two-letter starts of
    its names that do (az_initials), kept until content changes: the A–Z strips of the home,
    A–Z and empty search pages otherwise probe the name indexes on each render."""
    starts = ("", letter) if letter else ("",)
    return remember("az-initials", starts, lambda: az_initials(*starts))


@dataclass(frozen=True)
class IndexEntry:
    """A name in the A–Z: a drug's generic name, or one of its brand names leading to it."""

    name: str
    drug: Drug
    is_brand: bool

    @property
    def initial(self) -> str:
        return self.name[:1].upper()


class DrugListView(QueryMixin, ListView):
    """The A–Z: generic and brand names in one order, a page at a time, all of them or those
    starting with a letter, or with two ("Cy"). Each page links to its neighbours by cursors
    (AZCursor), so any page costs what the first does; the list is neither counted nor
    numbered."""

    template_name = "drugs/drug_list.html"
    context_object_name = "entries"
    query_form = DrugIndexQuery
    paginate_by = INDEX_PER_PAGE

    def get_queryset(self):
        return AZEntries(self.query["letter"])

    def paginate_queryset(self, queryset, page_size):
        page = queryset.page(self.query["cursor"], page_size)
        shown = Drug.objects.filter(pk__in={row[2] for row in page.rows}).order_by()  # by id
        drugs = shown.for_index().in_bulk()
        # A drug unpublished between the two queries is left out rather than a KeyError.
        entries = [
            IndexEntry(name, drugs[pk], is_brand)
            for _, name, pk, is_brand in page.rows
            if pk in drugs
        ]
        self.page = page
        return None, None, entries, bool(page.previous or page.next)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        letter = self.query["letter"]  # "", a letter, or two ("cy")
        initial = letter[:1]
        entries, cursor = context["entries"], self.query["cursor"]
        kept = {"letter": letter} if letter else {}
        in_use = letters_in_use(initial)
        return {
            **context,
            "letter": letter,
            "initial": initial,
            "letters": LETTERS,
            "letters_in_use": in_use,
            # Within a letter, a strip of its names' two-letter starts ("Ca", "Ce"…): at
            # 20,000 medicines a letter is dozens of pages, and a page read from a cursor is
            # reached only by its neighbours.
            "second_letters": [initial + each for each in LETTERS if initial + each in in_use]
            if initial
            else [],
            "second_letters_label": f"Drugs starting with {initial.upper()}, by their first two "
            "letters",
            "generic_names": [e.name for e in entries if not e.is_brand],
            # A page is named by its first and last names, as a dictionary's pages are; one
            # read from a cursor is its own canonical address.
            "first_name": entries[0].name if entries else "",
            "last_name": entries[-1].name if entries else "",
            "previous_query": urlencode({**kept, "cursor": self.page.previous})
            if self.page.previous
            else "",
            "next_query": urlencode({**kept, "cursor": self.page.next}) if self.page.next else "",
            "canonical_query": {**kept, "cursor": cursor} if cursor else kept,
        }


class DrugDetailView(QueryMixin, DetailView):
    template_name = "drugs/drug_detail.html"
    context_object_name = "drug"
    query_form = MonographQuery
    is_preview = False  # the admin's preview shows drafts too, marked and not indexed

    def get_queryset(self):
        # No prefetching here: LazyMonograph fetches the parts when the body is rendered.
        return Drug.objects.all() if self.is_preview else Drug.objects.published()

    # The template's {% remember %} fragments, read from the cache in one round trip.
    FRAGMENTS = ("monograph-jsonld", "monograph", "monograph-scripts")

    def get_context_data(self, **kwargs):
        asked = {name: value for name, value in self.query.items() if value is not None}
        is_pro_view = self.query["view"] == "pro"
        # What the fragments depend on besides content (which empties the fragment cache):
        # None, for a preview, keeps them out of the cache altogether. A converter question
        # is not: every question shares one body, and its answer is rendered into it for each
        # ({% fresh %}). A page with none keeps its empty converter with the body.
        converter_asked = any(name in asked for name in CONVERTER_PARAMETERS)
        variant = None
        if not self.is_preview:
            audience = [item for item in asked.items() if item[0] not in CONVERTER_PARAMETERS]
            variant = (self.object.pk, site_url(self.request), *audience, converter_asked)
            # A question also reads what the converter converts with, kept beside the body.
            fragments = (*self.FRAGMENTS, LIQUIDS_FRAGMENT) if converter_asked else self.FRAGMENTS
            fetch_fragments(fragments, [variant])
        monograph = LazyMonograph(
            self.request,
            self.object,
            query=asked,
            liquids_kept_by=variant if converter_asked else None,
        )
        return super().get_context_data(
            is_pro_view=is_pro_view,
            converter_asked=converter_asked,
            is_preview=self.is_preview,
            preview_item=self.object if self.is_preview else None,
            monograph_variant=variant,
            **monograph.lazy_context(),
            **kwargs,
        )


LIST_PER_PAGE = 30  # medicines to a class or condition page, each with its summary


class DrugClassDetailView(QueryMixin, DetailView):
    template_name = "drugs/drugclass_detail.html"
    context_object_name = "drug_class"
    model = DrugClass
    query_form = NearestPageQuery

    def get_context_data(self, **kwargs):
        drug_class = self.object
        tree = class_tree()
        members = [pk for pk in tree if drug_class.pk in class_ancestors([pk], tree)]
        drugs = Drug.objects.published().in_classes(members)
        page = nearest_page_of(
            drugs,
            LIST_PER_PAGE,
            self.query["page"],
            shown=Drug.objects.for_index(),
            walks_an_index=True,  # the medicines' names, in order
        )
        subclasses = list(drug_class.children.all())
        return super().get_context_data(
            drugs=page.object_list, subclasses=subclasses, **paging(page), **kwargs
        )


class ConditionListView(QueryMixin, ListView):
    template_name = "drugs/condition_list.html"
    context_object_name = "conditions"

    def get_queryset(self):
        # Not drafts, nor scheduled monographs before their time.
        return Condition.objects.treated_by_published()


class ConditionDetailView(QueryMixin, DetailView):
    template_name = "drugs/condition_detail.html"
    context_object_name = "condition"
    query_form = NearestPageQuery

    def get_object(self, queryset=None):
        return get_object_or_404(Condition, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        indications = Indication.objects.filter(
            published_through("drug"), condition=self.object
        ).order_by(  # approved uses first ("on-label" sorts after "off-label"), then by name
            "-label_status", "drug__generic_name", "pk"
        )
        shown = (
            Indication.objects.select_related("drug")
            .only("drug", "label_status", "notes", *(f"drug__{f}" for f in CARD_FIELDS))
            .prefetch_related(*card_prefetch("drug__"))
        )
        page = nearest_page_of(indications, LIST_PER_PAGE, self.query["page"], shown=shown)
        summary, summary_is_cut = summary_opening(self.object.summary)
        return super().get_context_data(
            on_label=[i for i in page.object_list if not i.is_off_label],
            off_label=[i for i in page.object_list if i.is_off_label],
            summary=summary,
            summary_blocks=summary_blocks(summary),
            summary_line=summary_line(self.object.summary),
            summary_is_cut=summary_is_cut,
            **paging(page),
            **kwargs,
        )


def paging(page) -> dict:
    """What includes/pagination.html and the canonical address need for a page of a list."""
    return {
        "page_obj": page,
        "pages": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }


# The professional view and open data (JSON, JSON-LD) -----------------------------------------

OPEN_DATA_MAX_AGE = 600  # seconds; a correction reaches caches within ten minutes


def open_data_response(document: dict) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=OPEN_DATA_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def open_data_not_found(message: str) -> JsonResponse:
    """A 404 a program can read, for the JSON addresses (drafts and archived ones too)."""
    return JsonResponse({"error": "not found", "detail": message}, status=404)


@reads_no_query
@require_safe
def drug_json(request, slug):
    """/drugs/<slug>.json: a published monograph as open data (docs/open-data.md)."""
    try:  # get(), not first(): a slug is unique, and first() would order by name
        drug = Drug.objects.published().get(slug=slug)
    except Drug.DoesNotExist:
        return open_data_not_found("No published monograph has this slug.")
    prefetch_monograph(drug)  # kept with the page's, guides and all, though it lists none
    # The first page of its interactions, as /drugs/<slug>/interactions.json has them: all
    # of phenytoin's 8,400 at 20,000 medicines made a document of 6.6 MB and 710 ms of CPU.
    found = first_interactions(drug, INTERACTIONS_PER_PAGE)
    interactions = found[:INTERACTIONS_PER_PAGE]
    has_more = found.count() > len(interactions)
    document = opendata.monograph_document(
        drug,
        interactions=interactions,
        interactions_count=found.count(),
        interactions_by_severity=found.by_severity(),
        interactions_next=interactions_json_url(request, drug, 2) if has_more else None,
        class_members=opendata.class_members(drug, interactions, tree=found.classes[0]),
        site_url=site_url(request),
    )
    return open_data_response(document)


@reads_query(PageQuery)
@require_safe
def drug_interactions_json(request, slug, query):
    """/drugs/<slug>/interactions.json: a published drug's interactions, most severe first,
    a page at a time (INTERACTIONS_PER_PAGE, as its page of interactions shows them)."""
    try:
        drug = Drug.objects.published().get(slug=slug)
    except Drug.DoesNotExist:
        return open_data_not_found("No published monograph has this slug.")
    prefetch_related_objects([drug], "classes")  # its lineage: which interactions reach it
    found = DrugInteractions(drug)
    try:
        page = Paginator(found, INTERACTIONS_PER_PAGE).page(
            1 if query["page"] is None else query["page"]
        )
    except InvalidPage:
        return open_data_not_found("No such page of this drug's interactions.")
    entries = page.object_list
    document = opendata.interactions_document(
        drug,
        page,
        class_members=opendata.class_members(drug, entries, tree=found.classes[0]),
        site_url=site_url(request),
        page_url=lambda number: interactions_json_url(request, drug, number),
    )
    return open_data_response(document)


def interactions_json_url(request, drug: Drug, number: int) -> str:
    """The absolute address of page `number` of a drug's interactions as open data."""
    path = site_url(request) + slug_path("drugs:drug-interactions-json", drug.slug)
    return path if number == 1 else f"{path}?page={number}"


@reads_query(PageQuery)
@require_safe
def drug_index_json(request, query):
    """/drugs.json: every published monograph, a page of names and links at a time."""
    drugs = (
        Drug.objects.published()
        .only("generic_name", "slug", "origin", "reviewed_on", "updated_at")
        .by_name()
    )
    count = Drug.objects.count_published()
    paginator = CountedPaginator(drugs, opendata.INDEX_PAGE_SIZE, count=count)
    try:
        page = paginator.page(1 if query["page"] is None else query["page"])
    except InvalidPage:
        return open_data_not_found("No such page of the drug index.")
    base = site_url(request) + request.path
    document = opendata.index_document(
        page, site_url=site_url(request), page_url=lambda number: f"{base}?page={number}"
    )
    return open_data_response(document)


# The public change log and readers' reports -----------------------------------------------


class DrugChangeListView(QueryMixin, ListView):
    """Every entry of a monograph's public change log, newest first."""

    template_name = "drugs/drug_changes.html"
    context_object_name = "changes"
    paginate_by = 20
    query_form = PageQuery  # ?page=, read by ListView's paginate_queryset as sent

    def get_queryset(self):
        self.drug = get_object_or_404(Drug.objects.published(), slug=self.kwargs["slug"])
        return self.drug.changes.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(drug=self.drug, **kwargs)
        page = context["page_obj"]
        context["pages"] = page.paginator.get_elided_page_range(page.number)
        return context


class DrugInteractionListView(NearestPageMixin, ListView):
    """Every interaction of a published medicine, most severe first, a page at a time: its
    monograph shows the first MONOGRAPH_INTERACTIONS and links here when there are more."""

    template_name = "drugs/drug_interactions.html"
    context_object_name = "interactions"
    paginate_by = INTERACTIONS_PER_PAGE
    query_form = NearestPageQuery

    def get_queryset(self):
        self.drug = get_object_or_404(Drug.objects.published(), slug=self.kwargs["slug"])
        return DrugInteractions(self.drug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(drug=self.drug, **kwargs)
        page = context["page_obj"]
        page_url = site_url(self.request) + self.request.path
        if page.number > 1:
            page_url += f"?page={page.number}"
        jsonld = opendata.interactions_page_jsonld(
            self.drug, page.object_list, site_url=site_url(self.request), page_url=page_url
        )
        return {
            **context,
            **paging(page),
            # Escaped for a <script> body by script_json, so safe in that one place.
            "interactions_jsonld": mark_safe(opendata.script_json(jsonld)),
        }


# No CSRF token: a report acts for nobody (no account, no session), so a forged one is no
# different from a stranger's own, which the honeypot and the flood limit already meet. A
# token would also give every monograph a per-reader cookie and keep it out of the page cache.
@csrf_exempt
@reads_query(FeedbackQuery)
@require_http_methods(["GET", "POST"])
def section_feedback(request, slug: str, query):
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
    if request.method == "GET" and query["sent"] is not None:
        drug = get_object_or_404(Drug.objects.published(), slug=slug)
        section = query["section"] or ""
        anchor = section if section.replace("-", "").isalnum() else ""
        return render(request, "drugs/feedback_thanks.html", {"drug": drug, "anchor": anchor})

    drug = get_object_or_404(Drug.objects.published(), slug=slug)

    def monograph_sections() -> list:
        prefetch_monograph(drug)
        return sections_for(drug)

    # The page's sections, kept until content changes: working them out reads the whole
    # monograph and all its interactions (about 100 ms for baclofen at scale).
    sections = remember("monograph-sections", [drug.pk], monograph_sections)
    if request.method == "GET":
        form = SectionFeedbackForm(initial={"section": query["section"] or ""}, sections=sections)
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
    thanks = urlencode({"sent": 1, "section": data["section"]})
    return redirect(f"{reverse('drugs:feedback', kwargs={'slug': drug.slug})}?{thanks}")


# The printable medication diary ----------------------------------------------------------------


@reads_query(DiaryQuery)
def diary(request, slug, query):
    """/drugs/<slug>/diary/: a printable diary for the titration schedule (or blank days), with
    real dates from ?start=YYYY-MM-DD; ?dose=<guideline id> picks one of several schedules.
    Three queries whatever the drug."""
    doses = Prefetch("doses", queryset=DoseGuideline.objects.select_related("condition"))
    drugs = Drug.objects.published().prefetch_related(doses, "side_effects")
    drug = get_object_or_404(drugs, slug=slug)
    guideline = diary_guideline(list(drug.doses.all()), chosen=query["dose"])
    start, start_error = None, ""
    start_text = query["start"]
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


@reads_query(CheckerQuery)
@require_safe
def interaction_checker(request, query):
    """The interaction checker. A GET form, so every list of names has an address to share;
    several fields, or a list spelt untidily, come back to the one tidy ?drugs=a,b,c."""
    names, left_out, adding = query["drugs"], query["left_out"], query["add"]
    if not query["is_tidy"]:
        tidy = checker.query_string([*names, *left_out]) if names or left_out else ""
        tidy = "&".join(part for part in (tidy, "add=1" if adding else "") if part)
        return redirect(reverse("drugs:interactions") + (f"?{tidy}" if tidy else ""))
    result = checker.check_interactions(names=names, left_out=left_out)
    share_query = checker.query_string(names) if names else ""
    response = render(
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
    if result.unknown:
        # A name that is no medicine's is one reader's typing, which strangers can vary
        # without end: the page cache does not store it (nor may any other shared cache).
        patch_cache_control(response, private=True)
    return response
