"""The editors' admin: one page edits a whole monograph, in the order of the public page."""

import reversion
from django.contrib import admin, messages
from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from drugs.forms import DrugNameFormSet, FormulationForm, InteractionForm, InteractionFormSet
from drugs.interactions import interactions_concerning
from drugs.keeping import keep_when_committed
from drugs.models import (
    ChangeLogEntry,
    ClassMapping,
    Condition,
    DoseGuideline,
    Drug,
    DrugClass,
    DrugName,
    FeedbackStatus,
    Formulation,
    Indication,
    Interaction,
    LabelSource,
    Origin,
    Product,
    Reference,
    SectionFeedback,
    SeverityRank,
    SideEffect,
    Strength,
    Substance,
)
from drugs.monograph import Section, sections_for
from drugs.taxonomy import apply_class_mappings
from drugs.views import DrugDetailView
from medguide.editorial import revisions
from medguide.editorial.admin import EditorialAdmin
from medguide.editorial.autocomplete import PreloadedAutocompleteMixin, SafeAutocompleteMixin
from medguide.editorial.editing import MyWorkFilter
from medguide.editorial.fields import WebURLField
from medguide.editorial.readability import admin_summary

# Rows other drugs store about a drug, listed on its change form; the rest are counted.
INTERACTIONS_ELSEWHERE = 50


class DrugNameInline(admin.TabularInline):
    model = DrugName
    formset = DrugNameFormSet
    extra = 0
    fields = ["name", "kind", "note"]


class IndicationInline(PreloadedAutocompleteMixin, admin.TabularInline):
    model = Indication
    extra = 0
    fields = ["condition", "label_status", "notes", "order"]
    autocomplete_fields = ["condition"]

    def get_queryset(self, request):
        # The row's header prints str(row), which names the drug.
        return super().get_queryset(request).select_related("drug", "condition")


class DoseGuidelineInline(PreloadedAutocompleteMixin, admin.StackedInline):
    model = DoseGuideline
    extra = 0
    autocomplete_fields = ["condition"]
    fieldsets = [
        (None, {"fields": [("population", "condition"), ("route", "dosage_form")]}),
        (
            "Starting dose",
            {"fields": [("start_amount", "unit", "times_per_day", "times_per_day_max")]},
        ),
        ("Titration", {"fields": [("step_amount", "step_interval_days", "target_amount")]}),
        ("Daily amounts", {"fields": [("usual_min_per_day", "usual_max_per_day", "max_per_day")]}),
        (None, {"fields": ["notes", "order"]}),
    ]

    def get_queryset(self, request):
        # The row's header prints str(row), which names the drug.
        return super().get_queryset(request).select_related("drug", "condition")


class FormulationInline(admin.TabularInline):
    model = Formulation
    form = FormulationForm
    extra = 0
    fields = ["dosage_form", "route", "release", "brand", "strengths", "notes", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("strengths")


class SideEffectInline(admin.TabularInline):
    model = SideEffect
    extra = 0
    classes = ["collapse"]  # long lists: a <details>, opened by itself when a row has an error
    fields = ["name", "frequency", "seriousness", "incidence", "advice", "order"]


class InteractionInline(PreloadedAutocompleteMixin, admin.StackedInline):
    model = Interaction
    form = InteractionForm
    formset = InteractionFormSet
    fk_name = "drug"
    extra = 0
    classes = ["collapse"]
    autocomplete_fields = ["interactant_drug", "interactant_class", "interactant_substance"]
    readonly_fields = ["source", "source_id"]
    fields = [
        ("interactant_drug", "interactant_class", "interactant_substance"),
        "severity",
        "effect",
        "advice",
        ("source", "source_id"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "drug", "interactant_drug", "interactant_class", "interactant_substance"
            )
        )


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0
    classes = ["collapse"]
    # Sources are cited over HTTPS; Django 6.0 makes this the default.
    formfield_overrides = {WebURLField: {"assume_scheme": "https"}}
    fields = ["title", "publisher", "url", "kind", "accessed_on", "order"]


class LabelSourceInline(admin.TabularInline):
    """The FDA labels behind the drug, as imported: read-only, `import_labels` keeps them."""

    model = LabelSource
    extra = 0
    classes = ["collapse"]
    can_delete = False
    fields = ["dailymed_link", "spl_id", "generic_name_raw", "product_type", "imported_at"]
    readonly_fields = fields
    verbose_name = "FDA label"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="set id")
    def dailymed_link(self, source: LabelSource) -> str:
        return format_html('<a href="{}" rel="noopener">{}</a>', source.dailymed_url, source.set_id)


class ChangeLogEntryInline(admin.TabularInline):
    """The public change log: publishing with a summary adds a line; editors can correct it."""

    model = ChangeLogEntry
    extra = 0
    classes = ["collapse"]
    fields = ["changed_on", "section", "section_title", "summary", "reviewer"]
    verbose_name_plural = "public change log (shown to readers, newest first)"


# Strengths are saved by the formulation row's form, not by an inline of their own, so the
# revision history follows them explicitly (django-reversion follows the inlines by itself).
reversion.register(Strength)
reversion.register(Formulation, follow=["strengths"])


class ReviewDueFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", "Due (or never reviewed)"), ("current", "Current")]

    def queryset(self, request, queryset):
        # Label pages are left out of both: they show the FDA label as it is, which no
        # medical reviewer signs off (the "medical review" column says so too).
        due = Drug.objects.medical_review_due().values("pk")
        if self.value() == "due":
            return queryset.filter(pk__in=due)
        if self.value() == "current":
            return queryset.filter(origin=Origin.EDITORIAL).exclude(pk__in=due)
        return queryset


@admin.register(Drug)
class DrugAdmin(EditorialAdmin):
    draft_noun = "monograph"
    list_display = [
        "generic_name",
        "class_list",
        "state",
        "origin",
        "reviewed_on",
        "review_due",
        "label_changed_since_review",
        "updated_at",
    ]
    list_filter = [
        MyWorkFilter,
        "status",
        ReviewDueFilter,
        "origin",
        "is_prescription_only",
        "classes",
    ]
    search_fields = ["generic_name", "names__name"]
    prepopulated_fields = {"slug": ["generic_name"]}
    autocomplete_fields = ["classes"]
    date_hierarchy = "updated_at"
    readonly_fields = ["interactions_elsewhere", "summary_readability"]
    save_on_top = True
    inlines = [
        DrugNameInline,
        IndicationInline,
        DoseGuidelineInline,
        FormulationInline,
        SideEffectInline,
        InteractionInline,
        ReferenceInline,
        LabelSourceInline,
        ChangeLogEntryInline,
    ]
    fieldsets = [
        (None, {"fields": ["generic_name", "slug", "pronunciation", "origin"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
        (
            "Overview",
            {
                "fields": [
                    "classes",
                    "is_prescription_only",
                    "controlled_substance",
                    "summary",
                    "summary_readability",
                ]
            },
        ),
        ("How it works", {"fields": ["mechanism"]}),
        ("Forms", {"fields": ["formulations_note"]}),
        (
            "Warnings",
            {"fields": ["boxed_warning", "boxed_warning_scope", "warnings", "contraindications"]},
        ),
        (
            "Interactions recorded on other drugs",
            {
                "fields": ["interactions_elsewhere"],
                "description": "These also show on this drug's page. Edit them on the other drug.",
            },
        ),
        ("Pregnancy and breastfeeding", {"fields": ["pregnancy", "breastfeeding"]}),
        (
            "Living with it",
            {"fields": ["stopping", "missed_dose", "overdose", "storage", "practical_tips"]},
        ),
        ("Medical review", {"fields": ["reviewed_by", "reviewed_on"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("classes", "label_sources")

    def render_preview(self, request, obj):
        return DrugDetailView.as_view(is_preview=True)(request, slug=obj.slug)

    def published(self, request, item) -> None:
        # Its rows and interactions kept as soon as the publication commits, so that its
        # first reader does not read them afresh (docs/decisions/kept-ahead.md).
        keep_when_committed(Drug.objects.filter(pk=item.pk), using=item._state.db)

    @admin.display(description="plain language")
    def summary_readability(self, drug: Drug) -> str:
        return admin_summary(drug.summary) if drug.summary else "—"

    @admin.display(description="medical review")
    def review_due(self, drug: Drug) -> str:
        if drug.is_label_page:
            return "— (label page)"
        return "Due" if drug.is_review_due else "Current"

    @admin.display(description="label changed since review", boolean=True)
    def label_changed_since_review(self, drug: Drug) -> bool | None:
        """None (unknown) until a medical review is dated. A first import changes nothing a
        reviewer read; a later version of the label with other content does."""
        if drug.reviewed_on is None:
            return None
        return any(
            source.content_changed_at is not None
            and timezone.localdate(source.content_changed_at) > drug.reviewed_on
            for source in drug.label_sources.all()
        )

    @admin.display(description="interactions")
    def interactions_elsewhere(self, drug: Drug) -> str:
        """The most severe of the rows other drugs (drafts too) store about this one, linked to
        them, and how many there are: baclofen's classes reach 779 at 20,000 medicines."""
        if drug.pk is None:
            return "—"
        rows, _ = interactions_concerning(drug)
        rows = rows.exclude(drug=drug).order_by(SeverityRank(), Lower("drug__generic_name"), "pk")
        total = rows.count()
        if not total:
            return "None."
        listed = format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                # All linked: inside a line of text, the admin shows a link by colour alone.
                '<li><a href="{}">{} + {} ({})</a></li>',
                (
                    (
                        reverse("admin:drugs_drug_change", args=[row.drug_id]),
                        row.drug,
                        row.interactant,
                        row.get_severity_display(),
                    )
                    for row in rows[:INTERACTIONS_ELSEWHERE]
                ),
            ),
        )
        if total <= INTERACTIONS_ELSEWHERE:
            return listed
        return format_html(
            '{}<p>The {} most severe of {}. The published ones are all on <a href="{}">the '
            "page of {}'s interactions</a>.</p>",
            listed,
            INTERACTIONS_ELSEWHERE,
            f"{total:,}",
            reverse("drugs:drug-interactions", kwargs={"slug": drug.slug}),
            drug.generic_name.lower(),
        )

    @admin.display(description="classes")
    def class_list(self, drug: Drug) -> str:
        return ", ".join(c.name for c in drug.classes.all())

    def reversion_register(self, model, **options):
        # The public change log records what happened: restoring an older revision of the
        # monograph must not delete the entries published since, so revisions don't follow it.
        if model is Drug:
            options["follow"] = tuple(f for f in options.get("follow", ()) if f != "changes")
            revisions.UNFOLLOWED_ROWS.add(ChangeLogEntry._meta.label)
        super().reversion_register(model, **options)

    def change_log_sections(self, drug: Drug) -> list[Section]:
        """The sections readers see, for the change log's section select when publishing."""
        return sections_for(Drug.objects.for_monograph().get(pk=drug.pk))


class ClassMappingInline(admin.TabularInline):
    model = ClassMapping
    fields = ["source", "term", "is_curated"]
    extra = 0


@admin.register(DrugClass)
class DrugClassAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "kind", "drug_count"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    ordering = ["name"]  # the autocomplete pages through them: a stable order
    search_fields = ["name", "synonyms", "mappings__term"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "included_in"]
    fields = ["name", "slug", "kind", "parent", "included_in", "synonyms", "description"]
    inlines = [ClassMappingInline]
    actions = ["file_label_pages"]

    @admin.action(description="File label pages in classes again (after changing mappings)")
    def file_label_pages(self, request, queryset):
        summary = apply_class_mappings()
        self.message_user(request, f"Classes: {summary}", messages.SUCCESS)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(drug_count=Count("drugs", distinct=True))

    @admin.display(description="drugs", ordering="drug_count")
    def drug_count(self, drug_class) -> int:
        return drug_class.drug_count


@admin.register(ClassMapping)
class ClassMappingAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """The FDA classes and ingredients that put label pages in site classes. Curated rows
    come from drugs/taxonomy.yaml; uncurated ones are classes the import made on its own from
    an FDA class no mapping named, waiting for an editor to confirm or redirect them."""

    list_display = ["term", "source", "drug_class", "is_curated"]
    list_filter = ["is_curated", "source", "drug_class__kind"]
    list_select_related = ["drug_class"]
    search_fields = ["term", "drug_class__name"]
    autocomplete_fields = ["drug_class"]
    list_editable = ["is_curated"]
    actions = ["file_label_pages"]

    @admin.action(description="File label pages in classes again")
    def file_label_pages(self, request, queryset):
        summary = apply_class_mappings()
        self.message_user(request, f"Classes: {summary}", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        apply_class_mappings()


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    formfield_overrides = {WebURLField: {"assume_scheme": "https"}}
    list_display = ["name", "drug_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(drug_count=Count("indications__drug", distinct=True))
        )

    @admin.display(description="drugs", ordering="drug_count")
    def drug_count(self, condition) -> int:
        return condition.drug_count


@admin.register(Substance)
class SubstanceAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["classes"]


class StrengthInline(admin.TabularInline):
    model = Strength
    extra = 0


@admin.register(Formulation)
class FormulationAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """For fine-grained strength edits; most editing happens on the drug page."""

    list_display = ["__str__", "drug", "route", "release"]
    list_select_related = ["drug"]
    list_filter = ["dosage_form", "route", "release"]
    search_fields = ["drug__generic_name", "brand"]
    autocomplete_fields = ["drug"]
    inlines = [StrengthInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("strengths", queryset=Strength.objects.all()))
        )


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """Every monograph's public change log in one list; most entries come from publishing."""

    list_display = ["changed_on", "drug", "section_title", "summary", "reviewer"]
    list_select_related = ["drug"]
    list_filter = ["changed_on"]
    search_fields = ["summary", "drug__generic_name", "reviewer"]
    autocomplete_fields = ["drug"]
    date_hierarchy = "changed_on"


class ReportStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Closed")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "closed":
            return queryset.exclude(status=FeedbackStatus.OPEN)
        return queryset


@admin.register(SectionFeedback)
class SectionFeedbackAdmin(admin.ModelAdmin):
    """Reader reports: what readers found wrong in a section, for editors to fix and close."""

    list_display = ["created_at", "drug", "public_section", "excerpt", "has_email", "status"]
    list_display_links = ["created_at"]
    list_select_related = ["drug"]
    list_filter = [ReportStateFilter, "status", "created_at"]
    search_fields = ["message", "email", "drug__generic_name", "section", "section_title"]
    date_hierarchy = "created_at"
    actions = ["mark_fixed", "close_without_change"]
    fields = [
        "drug",
        "public_section",
        "message",
        "email",
        "created_at",
        "status",
        "closed_at",
        "closed_by",
    ]
    readonly_fields = [
        "drug",
        "public_section",
        "message",
        "email",
        "created_at",
        "closed_at",
        "closed_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # reports come from readers

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.closed_at, obj.closed_by = None, ""
            if obj.status != FeedbackStatus.OPEN:
                obj.closed_at = timezone.now()
                obj.closed_by = request.user.get_full_name() or request.user.get_username()
        super().save_model(request, obj, form, change)

    @admin.display(description="section", ordering="section")
    def public_section(self, report: SectionFeedback) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            report.section_url,
            report.section_title or report.section,
        )

    @admin.display(description="report")
    def excerpt(self, report: SectionFeedback) -> str:
        return Truncator(report.message).chars(120)

    @admin.display(description="reply wanted", boolean=True)
    def has_email(self, report: SectionFeedback) -> bool:
        return bool(report.email)

    @admin.action(description="Mark selected as fixed and close", permissions=["change"])
    def mark_fixed(self, request, queryset):
        closed = queryset.close(by=request.user, status=FeedbackStatus.FIXED)
        self.message_user(request, f"Marked as fixed and closed: {closed}.", messages.SUCCESS)

    @admin.action(description="Close selected without change", permissions=["change"])
    def close_without_change(self, request, queryset):
        closed = queryset.close(by=request.user, status=FeedbackStatus.CLOSED)
        self.message_user(request, f"Closed without change: {closed}.", messages.SUCCESS)


@admin.register(Product)
class ProductAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """US products as Drugs@FDA lists them. manage.py import_products writes them and would
    overwrite edits on its next run, so only the drugs they belong to are editable."""

    list_display = [
        "name",
        "strength_raw",
        "dosage_form",
        "route",
        "application_type",
        "application_number",
        "sponsor",
        "marketing_status",
        "is_brand",
    ]
    list_filter = ["marketing_status", "application_type", "dosage_form", "route", "is_brand"]
    search_fields = ["name", "active_ingredient", "=application_number"]
    autocomplete_fields = ["drugs"]
    readonly_fields = [
        "application_number",
        "product_number",
        "application_type",
        "sponsor",
        "name",
        "active_ingredient",
        "is_combination",
        "form_raw",
        "dosage_form",
        "route",
        "strength_raw",
        "strength_amount",
        "strength_unit",
        "strength_per_amount",
        "strength_per_unit",
        "marketing_status",
        "is_reference_drug",
        "is_brand",
        "drugs_at_fda",
    ]
    fieldsets = [
        (None, {"fields": ["name", "active_ingredient", "is_combination", "is_brand", "drugs"]}),
        ("Form and strength", {"fields": ["form_raw", "dosage_form", "route", "strength_raw"]}),
        (
            "Strength as read",
            {
                "classes": ["collapse"],
                "fields": [
                    "strength_amount",
                    "strength_unit",
                    "strength_per_amount",
                    "strength_per_unit",
                ],
            },
        ),
        (
            "Application",
            {
                "fields": [
                    "application_number",
                    "product_number",
                    "application_type",
                    "sponsor",
                    "marketing_status",
                    "is_reference_drug",
                    "drugs_at_fda",
                ]
            },
        ),
    ]
    show_full_result_count = False  # tens of thousands of rows: no second COUNT(*)

    def has_add_permission(self, request) -> bool:
        return False  # products come from Drugs@FDA

    @admin.display(description="Drugs@FDA")
    def drugs_at_fda(self, product: Product) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Application {}</a>',
            product.drugs_at_fda_url,
            product.application_number,
        )
