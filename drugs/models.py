"""Drug monographs and the structured facts they are made of."""

import base64
import functools
import heapq
import json
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connections, models
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.db.models.functions import Greatest, Least, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str

from drugs.dosing import format_amount
from drugs.signals import catalogue_changed
from medguide.editorial.fields import WebURLField
from medguide.editorial.models import (
    Publishable,
    PublishableQuerySet,
    SearchText,
    Status,
    published_through,
)
from medguide.editorial.paths import slug_path, slug_paths


def review_due_before() -> date:
    """Monographs last reviewed before this day are due for review again (the review period
    is settings.MEDGUIDE["REVIEW_PERIOD_DAYS"], from the REVIEW_PERIOD_DAYS environment
    variable, 365 by default)."""
    return timezone.localdate() - timedelta(days=settings.MEDGUIDE["REVIEW_PERIOD_DAYS"])


POSITIVE = [MinValueValidator(Decimal("0.001"))]


SEARCH_LABELS = 3  # label sources per drug whose text search reads (DrugQuerySet.for_search)

# The editor-written monographs offered first on the home page and when a search finds nothing.
FEATURED = ["baclofen", "tizanidine", "gabapentin", "diazepam", "fluoxetine", "dantrolene"]


class Route(models.TextChoices):
    ORAL = "oral", "By mouth"
    SUBLINGUAL = "sublingual", "Under the tongue"
    BUCCAL = "buccal", "In the cheek (buccal)"
    INTRATHECAL = "intrathecal", "Intrathecal (into the spinal fluid)"
    INTRAVENOUS = "intravenous", "Intravenous"
    INTRAMUSCULAR = "intramuscular", "Intramuscular"
    SUBCUTANEOUS = "subcutaneous", "Under the skin (subcutaneous)"
    INHALED = "inhaled", "Inhaled"
    NASAL = "nasal", "Nasal"
    OPHTHALMIC = "ophthalmic", "In the eye"
    OTIC = "otic", "In the ear"
    TRANSDERMAL = "transdermal", "Through the skin (patch)"
    TOPICAL = "topical", "On the skin"
    RECTAL = "rectal", "Rectal"
    VAGINAL = "vaginal", "Vaginal"
    OTHER = "other", "Other"


class DosageForm(models.TextChoices):
    TABLET = "tablet", "Tablet"
    EXTENDED_RELEASE_TABLET = "er-tablet", "Extended-release tablet"
    DELAYED_RELEASE_TABLET = "dr-tablet", "Delayed-release tablet"
    ORALLY_DISINTEGRATING_TABLET = "odt", "Orally disintegrating tablet"
    CHEWABLE_TABLET = "chewable-tablet", "Chewable tablet"
    SUBLINGUAL_TABLET = "sublingual-tablet", "Sublingual tablet"
    CAPSULE = "capsule", "Capsule"
    EXTENDED_RELEASE_CAPSULE = "er-capsule", "Extended-release capsule"
    DELAYED_RELEASE_CAPSULE = "dr-capsule", "Delayed-release capsule"
    ORAL_SOLUTION = "oral-solution", "Oral solution"
    ORAL_SUSPENSION = "oral-suspension", "Oral suspension"
    GRANULES = "granules", "Oral granules"
    POWDER = "powder", "Powder"
    FILM = "film", "Film"
    LOZENGE = "lozenge", "Lozenge"
    INJECTION = "injection", "Injection"
    PEN = "pen", "Injection pen"
    INTRATHECAL_INJECTION = "intrathecal-injection", "Intrathecal injection"
    INHALER = "inhaler", "Inhaler"
    INHALATION_SOLUTION = "inhalation-solution", "Solution for a nebulizer"
    NASAL_SPRAY = "nasal-spray", "Nasal spray"
    EYE_DROPS = "eye-drops", "Eye drops"
    EYE_OINTMENT = "eye-ointment", "Eye ointment"
    EAR_DROPS = "ear-drops", "Ear drops"
    PATCH = "patch", "Patch"
    CREAM = "cream", "Cream"
    OINTMENT = "ointment", "Ointment"
    GEL = "gel", "Gel"
    LOTION = "lotion", "Lotion"
    TOPICAL_SOLUTION = "topical-solution", "Solution for the skin"
    SHAMPOO = "shampoo", "Shampoo"
    SUPPOSITORY = "suppository", "Suppository"
    RECTAL_GEL = "rectal-gel", "Rectal gel"
    ENEMA = "enema", "Enema"
    VAGINAL_CREAM = "vaginal-cream", "Vaginal cream"
    VAGINAL_RING = "vaginal-ring", "Vaginal ring"
    IMPLANT = "implant", "Implant"
    OTHER = "other", "Other"


class Release(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate release"
    EXTENDED = "extended", "Extended release"
    DELAYED = "delayed", "Delayed release"


class Unit(models.TextChoices):
    MG = "mg", "mg"
    MCG = "mcg", "mcg"
    G = "g", "g"
    ML = "mL", "mL"
    MG_PER_KG = "mg/kg", "mg/kg"


class Population(models.TextChoices):
    ADULT = "adult", "Adults"
    CHILD = "child", "Children"
    OLDER_ADULT = "older-adult", "Older adults"
    KIDNEY = "kidney", "Kidney impairment"
    LIVER = "liver", "Liver impairment"


class LabelStatus(models.TextChoices):
    ON_LABEL = "on-label", "Approved use"
    OFF_LABEL = "off-label", "Off-label use"


class FrequencyBand(models.TextChoices):
    # Bands as used in European product information (SmPC guideline, section 4.8).
    VERY_COMMON = "very-common", "Very common (more than 1 in 10)"
    COMMON = "common", "Common (up to 1 in 10)"
    UNCOMMON = "uncommon", "Uncommon (up to 1 in 100)"
    RARE = "rare", "Rare (up to 1 in 1,000)"
    NOT_KNOWN = "not-known", "Frequency not known"


class Seriousness(models.TextChoices):
    MILD = "mild", "Common and usually mild"
    SERIOUS = "serious", "Serious: get medical help now"


class Severity(models.TextChoices):
    MAJOR = "major", "Major"
    MODERATE = "moderate", "Moderate"
    MINOR = "minor", "Minor"
    # A label that names an interaction outside its boxed warning and contraindications
    # seldom grades it; the site says so rather than guess.
    UNGRADED = "ungraded", "Not graded by the label"

    @classmethod
    def rank(cls, value: str) -> int:
        """0 for the most severe, so that sorting by rank puts major first."""
        return [choice.value for choice in cls].index(value)


class SeverityRank(Func):
    """Severity.rank() in SQL: 0 for the most severe. Written with literals, not parameters,
    so that a query orders by the very expression Interaction's ranking indexes hold and each
    engine reads the first rows from them: a parameter bound on the server (psycopg's
    smallint for 0, where the index holds an integer) is another expression to PostgreSQL."""

    output_field = IntegerField()
    # The values are the code's own (checked below), never a reader's: safe as literals.
    WHENS = " ".join(f"WHEN '{value}' THEN {rank}" for rank, value in enumerate(Severity.values))
    template = f"CASE %(expressions)s {WHENS} END"

    def __init__(self, field: str = "severity"):
        super().__init__(F(field))


assert all(re.fullmatch("[a-z]+", value) for value in Severity.values)


class NameKind(models.TextChoices):
    BRAND = "brand", "Brand name"
    FORMER_BRAND = "former-brand", "Former brand name"
    OTHER = "other", "Other name"


class Origin(models.TextChoices):
    EDITORIAL = "editorial", "Written by editors"
    LABEL = "label", "FDA label, not yet written by editors"


class ProductType(models.TextChoices):
    PRESCRIPTION = "rx", "Prescription"
    OVER_THE_COUNTER = "otc", "Over the counter"


class ClassKind(models.TextChoices):
    THERAPEUTIC = "therapeutic", "What the medicine is (shown to readers)"
    # Enzyme and transporter groups (CYP3A4 inhibitors, P-gp inhibitors…) and interaction
    # groups (serotonergic drugs): the checker uses them, readers are not told a drug "is" one.
    INTERACTION = "interaction", "Interaction group (used by the checker, not shown as a class)"


class MappingSource(models.TextChoices):
    """Where a term that maps into the class tree comes from."""

    EPC = "epc", "FDA established pharmacologic class [EPC]"
    MOA = "moa", "FDA mechanism of action [MoA]"
    CHEMICAL = "cs", "FDA chemical structure [CS]"
    EFFECT = "pe", "FDA physiologic effect [PE]"
    INGREDIENT = "ingredient", "Active ingredient (generic name)"


# openFDA class suffixes: https://open.fda.gov/apis/drug/label/searchable-fields/
CLASS_SUFFIXES = {
    "epc": MappingSource.EPC,
    "moa": MappingSource.MOA,
    "cs": MappingSource.CHEMICAL,
    "pe": MappingSource.EFFECT,
    "chemical/ingredient": MappingSource.CHEMICAL,
}
CLASS_SUFFIX = re.compile(r"\s*\[(?P<kind>EPC|MoA|CS|PE|Chemical/Ingredient)\]\s*$", re.IGNORECASE)
NOT_A_PLURAL = ("ss", "us", "is", "ics", "sis")


def _number(amount: Decimal) -> str:
    """A dose amount as editors type it: 7.5, not 7.500."""
    return f"{Decimal(str(amount)).normalize():f}"


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(NOT_A_PLURAL[:3]):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def choice_label(instance: models.Model, field_name: str) -> str:
    """What get_FOO_display() gives, from the field's choices read once per process: that
    method flattens and hashes every choice of the field on each call, and a monograph's
    open-data document and interactions ask for about a hundred labels (2% of baclofen's
    page, counted in instructions)."""
    value = getattr(instance, field_name)
    labels = _choice_labels(instance._meta.get_field(field_name))
    return force_str(labels.get(value, value), strings_only=True)


@functools.cache
def _choice_labels(field: models.Field) -> dict:
    # The choices are classes in the code (TextChoices), fixed while a process runs; the
    # labels stay lazy and are translated when read.
    return dict(field.flatchoices)


def lines_of(text: str) -> list[str]:
    """The non-blank lines of a field that holds one item a line (synonyms, tips), stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def class_key(name: str) -> str:
    """What makes two class names the same class: case, plural, punctuation and the openFDA
    kind suffix aside. "Angiotensin-converting Enzyme Inhibitors" and "Angiotensin
    Converting Enzyme Inhibitor [EPC]" share one key."""
    name = CLASS_SUFFIX.sub("", name).casefold()
    words = re.sub(r"[^0-9a-z]+", " ", name).split()
    return " ".join(_singular(word) for word in words)[:160]


def split_fda_class(raw: str) -> tuple[str, str]:
    """An openFDA class string → (name, MappingSource): "Opioid Agonist [EPC]" → ("Opioid
    Agonist", "epc"). A name without a suffix is taken as an established class."""
    match = CLASS_SUFFIX.search(raw)
    kind = CLASS_SUFFIXES[match["kind"].lower()] if match else MappingSource.EPC
    return CLASS_SUFFIX.sub("", raw).strip(), kind


class DrugClassQuerySet(models.QuerySet):
    def shown(self):
        """Classes that say what a medicine is, as readers are told it."""
        return self.filter(kind=ClassKind.THERAPEUTIC)


class DrugClass(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    key = models.CharField(
        max_length=160,
        unique=True,
        editable=False,
        default="",
        help_text="The name folded: case, plural and punctuation do not make another class.",
    )
    kind = models.CharField(max_length=20, choices=ClassKind, default=ClassKind.THERAPEUTIC)
    synonyms = models.TextField(
        blank=True,
        help_text="Other words labels use for this class, one per line "
        '(e.g. "NSAIDs", "nonsteroidal anti-inflammatory drugs"). The label import finds '
        "interactions by them.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="A broader class this one belongs to, e.g. Benzodiazepines → CNS depressants.",
    )
    included_in = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="includes",
        blank=True,
        verbose_name="also counts among",
        help_text="Groups this class belongs to besides its parent, for interactions: SSRIs "
        "also count among serotonergic drugs, NSAIDs among medicines that affect clotting.",
    )
    description = models.TextField(blank=True)

    objects = DrugClassQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "drug classes"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="drug_class_not_own_parent"),
            models.UniqueConstraint(
                Lower("name"),
                name="drug_class_name_unique_ci",
                violation_error_message="A drug class with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.key = class_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_path("drugs:class-detail", self.slug)

    @property
    def is_shown(self) -> bool:
        return self.kind == ClassKind.THERAPEUTIC

    @property
    def synonym_list(self) -> list[str]:
        return lines_of(self.synonyms)

    @property
    def label_wording_list(self) -> list[str]:
        return lines_of(self.label_wording)

    def clean(self) -> None:
        clash = DrugClass.objects.filter(key=class_key(self.name)).exclude(pk=self.pk).first()
        if clash is not None:
            raise ValidationError(
                {"name": f"“{clash}” is already this class, written another way."}
            )
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": "A class cannot sit inside itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class ClassMapping(models.Model):
    """A term from an FDA label (an openFDA pharmacologic class, or an active ingredient) and
    the site class it puts a medicine in. The curated rows come from drugs/taxonomy.yaml
    (manage.py load_taxonomy); editors review and change them in the admin; the label import
    applies them on every run."""

    source = models.CharField(max_length=20, choices=MappingSource)
    term = models.CharField(
        max_length=200, help_text='As the label gives it, without the suffix: "Opioid Agonist".'
    )
    key = models.CharField(max_length=160, editable=False, default="")
    drug_class = models.ForeignKey(
        DrugClass,
        on_delete=models.CASCADE,
        related_name="mappings",
        help_text="The site class a medicine with this term belongs to.",
    )
    is_curated = models.BooleanField(
        default=True,
        help_text="Reviewed by an editor (or from the taxonomy file); cleared for classes the "
        "import made on its own from an unmapped FDA class.",
    )

    class Meta:
        ordering = ["source", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key", "drug_class"],
                name="class_mapping_unique",
                violation_error_message="This term already maps to that class.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.get_source_display()}) → {self.drug_class}"

    def save(self, *args, **kwargs) -> None:
        self.key = (
            " ".join(self.term.casefold().split())
            if self.source == MappingSource.INGREDIENT
            else class_key(self.term)
        )
        super().save(*args, **kwargs)


class ConditionQuerySet(models.QuerySet):
    def treated_by_published(self):
        """Conditions a published medicine is used for: the ones readers can open. A
        semi-join (EXISTS): joining every indication and then DISTINCT over each condition's
        columns, summary included, took 35 ms for 238 conditions at 20,000 medicines."""
        treating = Indication.objects.filter(published_through("drug"), condition=OuterRef("pk"))
        return self.filter(Exists(treating))

    def for_search(self):
        """With `first_treated_at`: when the first medicine used for it is (or is scheduled
        to be) published, which is when readers can open its page."""
        published = Q(indications__drug__status=Status.PUBLISHED)
        return self.annotate(
            first_treated_at=Min("indications__drug__published_at", filter=published)
        )


class Condition(models.Model):
    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=180, unique=True)
    summary = models.TextField(blank=True, help_text="One or two plain-language sentences.")
    synonyms = models.TextField(
        blank=True, help_text="Other names for the condition, one per line (for search)."
    )
    summary_source = models.CharField(
        max_length=200,
        blank=True,
        help_text='Who wrote the summary when editors did not, e.g. "MedlinePlus, U.S. National '
        "Library of Medicine\". Blank for editors' own words.",
    )
    summary_url = WebURLField("summary source URL", max_length=500, blank=True)
    summary_dated = models.CharField(
        "summary date", max_length=40, blank=True, help_text='As the source dates it, e.g. "2017".'
    )
    label_wording = models.TextField(
        blank=True,
        help_text="The words FDA labels use for this use where they do not name the condition, "
        "one per line, e.g. “painful musculoskeletal conditions”. The next "
        "`import_health_topics --create` lists every label page whose Indications and Usage "
        "states a use in these words under this condition, quoting the label.",
    )

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path("drugs:condition-detail", self.slug)

    @property
    def synonym_list(self) -> list[str]:
        return lines_of(self.synonyms)

    @property
    def label_wording_list(self) -> list[str]:
        return lines_of(self.label_wording)

    def search_text(self) -> SearchText:
        """A condition is found by its name and other names; its page lists the medicines
        used for it. Expects for_search(): readers find it once a medicine for it is public."""
        return SearchText(
            title=self.name,
            names=[self.name, *self.synonym_list],
            summary=self.summary,
            subtitle="Condition",
            public_from=self.first_treated_at,
        )


class Substance(models.Model):
    """Something other than a medicine that a drug can interact with, e.g. alcohol."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    classes = models.ManyToManyField(
        DrugClass,
        related_name="substances",
        blank=True,
        help_text="Classes whose interactions reach it too: alcohol is a CNS depressant.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def monograph_prefetch() -> list:
    """The related rows the monograph page shows (DrugQuerySet.for_monograph; one drug
    already fetched takes drugs.kept_rows.prefetch_monograph)."""
    return list(monograph_lookups(*MONOGRAPH_LOOKUPS).values())


def monograph_lookups(*names: str) -> dict[str, str | Prefetch]:
    """The prefetch of each relation `names` the monograph page shows, built when asked:
    building all ten cost 1.3 ms."""
    return {name: MONOGRAPH_LOOKUPS[name]() for name in names}


# The relations the monograph page shows, each with how it is prefetched.
MONOGRAPH_LOOKUPS: dict[str, Callable[[], str | Prefetch]] = {
    "names": lambda: "names",
    # Each class with its parent in the one query ("classes__parent" takes two).
    "classes": lambda: Prefetch("classes", queryset=DrugClass.objects.select_related("parent")),
    "indications": lambda: Prefetch(
        "indications", queryset=Indication.objects.select_related("condition")
    ),
    "doses": lambda: Prefetch("doses", queryset=DoseGuideline.objects.select_related("condition")),
    "formulations": lambda: Prefetch(
        "formulations", queryset=Formulation.objects.prefetch_related("strengths")
    ),
    "side_effects": lambda: "side_effects",
    "references": lambda: "references",
    "label_sources": lambda: "label_sources",
    # US products (Drugs@FDA), marketed first: one query however many there are.
    "products": lambda: Prefetch("products", queryset=Product.objects.current_first()),
    # Every guide editors placed on the page, live or not: which are live is asked as the page
    # is shown (drugs.monograph.guides_for), so that rows kept with the monograph
    # (drugs.kept_rows) stay true when a scheduled guide's time comes.
    "curated_guides": lambda: Prefetch("curated_guides", queryset=placed_guides()),
    # The change log, newest first: the page shows the newest few (drugs.change_log).
    "changes": lambda: "changes",
}


def placed_guides() -> models.QuerySet:
    """The guides editors placed on drugs' pages, in the editors' order, each guide as its
    card shows it. Reached by the reverse relation's name: `drugs` never imports `articles`
    (the dependency points the other way)."""
    return Drug._meta.get_field("curated_guides").related_model.objects.for_cards()


FALLBACK_GUIDES = 4  # newest guides a monograph shows when an editor has placed none
# Guides about one medicine scheduled at once that reading its newest guides expects at most:
# more, and a second query looks for the live ones past them.
SCHEDULED_GUIDES_READ = 2


def newest_guides(drug_id: int, now, *, using: str = "default") -> list:
    """The FALLBACK_GUIDES newest guides about the medicine `drug_id` that are live at `now`,
    and every one of its guides scheduled after `now`, as cards show them, newest first.

    Kept with the monograph's rows (drugs.kept_rows), they give its newest live guides at any
    later time until a write: a scheduled guide's time coming is no write, and it is newer
    than every guide live when they were read. Its newest published guides are read, the
    scheduled first, in one query of the same shape as the live ones' alone; only when more
    are scheduled than SCHEDULED_GUIDES_READ are the live ones looked for past them. Reached
    by the reverse relation's name: `drugs` never imports `articles`."""
    guides = newest_guides_query(drug_id).using(using)
    read = list(guides[: FALLBACK_GUIDES + SCHEDULED_GUIDES_READ])
    if len(read) == FALLBACK_GUIDES + SCHEDULED_GUIDES_READ and (
        sum(guide.published_at <= now for guide in read) < FALLBACK_GUIDES
    ):
        live = guides.filter(published_at__lte=now).values("pk")[:FALLBACK_GUIDES]
        read = list(guides.filter(Q(published_at__gt=now) | Q(pk__in=live)))
    coming = [guide for guide in read if guide.published_at > now]
    return coming + [guide for guide in read if guide.published_at <= now][:FALLBACK_GUIDES]


def newest_guides_query(drug_id: int) -> models.QuerySet:
    """The published guides about the medicine `drug_id`, scheduled or not, newest first, as
    cards show them."""
    guides = Drug._meta.get_field("articles").related_model.objects
    return guides.filter(related_drugs=drug_id, status=Status.PUBLISHED).for_cards()


def live_curations() -> models.QuerySet:
    """The placed guides whose guide the public sees."""
    return placed_guides().filter(published_through("article"))


# What a drug card (includes/drug_card.html) and a search's best match read of the drug itself.
CARD_FIELDS = ("generic_name", "slug", "summary", "origin")


def card_prefetch(path: str = "") -> list[Prefetch]:
    """A drug card's brand names and classes, as plain lists (brand_names and shown_classes
    read them), for the drugs at `path` ("" for the drugs themselves, "drug__" for an
    indication's). Prefetched into the related managers instead, Django builds two querysets
    a drug to hold them: 12 ms of an A–Z page's 60 drugs."""
    brands = DrugName.objects.filter(kind=NameKind.BRAND).only("drug", "name", "kind")
    classes = DrugClass.objects.only("name", "slug", "kind")
    return [
        Prefetch(f"{path}names", queryset=brands, to_attr="listed_brands"),
        Prefetch(f"{path}classes", queryset=classes, to_attr="listed_classes"),
    ]


class DrugQuerySet(PublishableQuerySet):
    def featured(self) -> list["Drug"]:
        """The monographs the home page and an empty search offer first, in FEATURED order."""
        found = {drug.slug: drug for drug in self.filter(slug__in=FEATURED)}
        return [found[slug] for slug in FEATURED if slug in found]

    def in_classes(self, class_ids):
        """Drugs in any of these classes, each once: the drugs of the classes' links (IN), a
        semi-join both engines start from the links. DISTINCT over a join with the links took
        28 ms for a class of 682 medicines at 20,000; EXISTS made SQLite test every published
        medicine (11.6 ms, against 1.5)."""
        links = Drug.classes.through.objects.filter(drugclass__in=class_ids)
        return self.filter(pk__in=links.values("drug_id"))

    def by_name(self):
        """In name order, whatever the case, along the name index (every_name()): generic
        names are unique whatever their case (drug_generic_name_unique_ci)."""
        return every_name(self.annotate(sort_key=Lower("generic_name"))).order_by("sort_key")

    def for_index(self):
        """What a drug card shows (card_prefetch): only those columns, since a label page's
        row holds its whole label text."""
        return self.only(*CARD_FIELDS).prefetch_related(*card_prefetch())

    def for_monograph(self):
        """Everything the monograph page shows, in a fixed number of queries."""
        return self.prefetch_related(*monograph_prefetch())

    def review_due(self):
        """Monographs never reviewed, or last reviewed longer ago than the review period."""
        return self.filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=review_due_before()))

    def medical_review_due(self):
        """Editor-written monographs whose medical review is due. Label pages are left out:
        they show the FDA label as it is, which no medical reviewer signs off."""
        return self.filter(origin=Origin.EDITORIAL).review_due()

    def for_search(self):
        """Everything search_text() reads, in a fixed number of queries."""
        # Plain lists (to_attr): a prefetched manager still builds a queryset for each drug,
        # four per drug here, 80,000 in a rebuild of 20,000 medicines.
        return self.prefetch_related(
            Prefetch("names", to_attr="search_names"),
            Prefetch("classes", to_attr="search_classes"),
            Prefetch(
                "indications",
                queryset=Indication.objects.select_related("condition"),
                to_attr="search_indications",
            ),
            Prefetch("side_effects", to_attr="search_side_effects"),
            # A drug with dozens of labels (generics of one medicine) says the same thing in
            # each: the newest few are all search reads, and a batch of such drugs no longer
            # holds every label's sections in memory at once.
            Prefetch(
                "label_sources",
                queryset=LabelSource.objects.all()[:SEARCH_LABELS],
                to_attr="search_label_sources",  # a sliced prefetch needs its own attribute
            ),
        )


class Drug(Publishable):
    generic_name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    pronunciation = models.CharField(max_length=60, blank=True, help_text='e.g. "BAK-loe-fen"')
    classes = models.ManyToManyField(DrugClass, related_name="drugs", blank=True)
    is_prescription_only = models.BooleanField("prescription only", default=True)
    controlled_substance = models.CharField(
        max_length=60,
        blank=True,
        help_text='e.g. "Schedule IV (US)"; leave blank if not controlled.',
    )
    summary = models.TextField(help_text="Plain-language summary: what it is and what it is for.")
    mechanism = models.TextField("how it works", blank=True)
    boxed_warning = models.TextField(blank=True)
    boxed_warning_scope = models.CharField(
        max_length=200,
        blank=True,
        help_text="Which products carry the boxed warning, when not all of them do.",
    )
    warnings = models.TextField("warnings and precautions", blank=True)
    contraindications = models.TextField(blank=True)
    pregnancy = models.TextField(blank=True)
    breastfeeding = models.TextField(blank=True)
    stopping = models.TextField("stopping safely", blank=True)
    overdose = models.TextField(blank=True)
    missed_dose = models.TextField(blank=True)
    storage = models.TextField(blank=True)
    formulations_note = models.TextField(
        blank=True, help_text="Anything readers should know about the forms, e.g. what is not sold."
    )
    practical_tips = models.TextField(blank=True, help_text="One tip per line.")
    origin = models.CharField(
        max_length=20,
        choices=Origin,
        default=Origin.EDITORIAL,
        help_text="Label pages show the FDA label until editors write the monograph.",
    )

    objects = DrugQuerySet.as_manager()

    class Meta:
        ordering = ["generic_name"]
        permissions = [("publish_drug", "Can approve, publish and archive monographs")]
        constraints = [
            # Also the index the label import finds drugs by, whatever the case.
            models.UniqueConstraint(
                Lower("generic_name"),
                name="drug_generic_name_unique_ci",
                violation_error_message="A drug with this generic name already exists.",
            ),
        ]
        # PostgreSQL also has drug_published, an index of what readers can see, and drug_by_id,
        # the same read by id (migrations 0014, 0015): SQLite's planner, given the first, went
        # through it where the name indexes serve.

    def __str__(self) -> str:
        return self.generic_name

    def save(self, *args, **kwargs) -> None:
        renamed = not self._state.adding and _saves_field(kwargs, "generic_name")
        super().save(*args, **kwargs)
        if renamed:  # the copies of the name the interactions are ranked by (Interaction.drug_name)
            self.interactions.exclude(drug_name=self.generic_name).update(
                drug_name=self.generic_name
            )

    def get_absolute_url(self) -> str:
        return slug_path("drugs:detail", self.slug)

    @staticmethod
    def paths() -> Callable[[str], str]:
        """Drug page addresses by slug, for lists that hold slugs, not drugs (slug_paths)."""
        return slug_paths("drugs:detail")

    @property
    def brand_names(self) -> list[str]:
        """Reads the brands for_index() listed, or else the prefetched names."""
        names = getattr(self, "listed_brands", None)
        if names is None:
            names = self.names.all()
        return [n.name for n in names if n.kind == NameKind.BRAND]

    @property
    def shown_classes(self) -> list[DrugClass]:
        """The classes readers are told the drug is in: enzyme and interaction groups left
        out. Reads the classes for_index() listed, or else the prefetched classes."""
        classes = getattr(self, "listed_classes", None)
        if classes is None:
            classes = self.classes.all()
        return [drug_class for drug_class in classes if drug_class.is_shown]

    @property
    def tip_list(self) -> list[str]:
        return lines_of(self.practical_tips)

    @property
    def is_label_page(self) -> bool:
        return self.origin == Origin.LABEL

    @property
    def is_review_due(self) -> bool:
        """Never reviewed, or last reviewed longer ago than the review period (settings)."""
        return self.reviewed_on is None or self.reviewed_on < review_due_before()

    def record_change(
        self, *, summary: str, by, on: date, section: str = "", section_title: str = ""
    ) -> "ChangeLogEntry | None":
        """A medical reviewer published a change: say what changed in the public change log
        (nothing when they left the summary empty). The drug must be saved."""
        summary = " ".join(summary.split())
        if not summary:
            return None
        return self.changes.create(
            changed_on=on,
            summary=summary,
            section=section,
            section_title=section_title,
            reviewer=by.get_full_name() or by.get_username(),
        )

    def _searched(self, relation: str, limit: int | None = None) -> list:
        """The rows of `relation` as for_search() listed them (`search_<relation>`), or else
        the relation's first `limit` rows (all of them without one)."""
        rows = getattr(self, f"search_{relation}", None)
        return rows if rows is not None else list(getattr(self, relation).all()[:limit])

    def search_text(self) -> SearchText:
        """How readers find this drug: names first, then classes and conditions, the summary,
        and the rest of the monograph and its FDA label text. Expects for_search()."""
        indications = self._searched("indications")
        names = self._searched("names")
        body = [
            self.mechanism,
            self.boxed_warning,
            self.warnings,
            self.contraindications,
            self.stopping,
            self.practical_tips,
            *(i.notes for i in indications),
            *(effect.name for effect in self._searched("side_effects")),
            *(
                text
                for source in self._searched("label_sources", SEARCH_LABELS)
                for key, text in source.sections.items()
                if not key.endswith("_table")
            ),
        ]
        return SearchText(
            title=self.generic_name,
            names=[self.generic_name, *(name.name for name in names)],
            keywords=[
                *(drug_class.name for drug_class in self._searched("classes")),
                *(indication.condition.name for indication in indications),
            ],
            summary=self.summary,
            body="\n".join(part for part in body if part),
            subtitle=", ".join(n.name for n in names if n.kind == NameKind.BRAND),
            public_from=self.public_from,
        )


class DrugNameQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As QuerySet.bulk_create, and announce the drugs whose names changed (catalogue_changed),
        since bulk_create sends no post_save for the names."""
        created = super().bulk_create(objs, *args, **kwargs)
        drug_pks = {name.drug_id for name in created if name.drug_id}
        if drug_pks:
            catalogue_changed.send(sender=DrugName, drug_ids=drug_pks)
        return created


class DrugName(models.Model):
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=NameKind, default=NameKind.BRAND)
    note = models.CharField(
        max_length=200, blank=True, help_text='e.g. "oral solution" or "UK brand"'
    )

    objects = DrugNameQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="drug_name_unique_ci",
                violation_error_message="This name is already used for a drug.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        clash = Drug.objects.filter(generic_name__iexact=self.name.strip())
        if self.drug_id:
            clash = clash.exclude(pk=self.drug_id)
        if clash.exists():
            raise ValidationError({"name": "This is the generic name of another drug."})


LETTERS = list(string.ascii_lowercase)  # the A–Z's letters


# A name in the A–Z: its sort key (the lowered name), the name, its drug's id, and whether it
# is a brand name.
AZRow = tuple[str, str, int, bool]


@dataclass(frozen=True)
class AZCursor:
    """Where an A–Z page is read from, for each kind of name (generic, brand): reading
    forwards, the sort key of the last name of that kind before the page (None: from the
    first); reading `backwards`, of the first name after it (None: from the last). A page
    links to its neighbours by their cursors, so every page is a walk of the two name indexes
    from where it starts, however far into the list (docs/decisions/a-z-cursors.md). Two
    keys, one a kind: each kind is walked in its database's order, which a collation may make
    differ from the merged order for names with punctuation ("co-trimoxazole", "cobalt"), so
    one key for both could skip a name.

    In an address it is one opaque parameter (str(), parse()), as Django REST framework's
    cursor pagination writes its cursors."""

    backwards: bool = False
    generic: str | None = None
    brand: str | None = None

    LONGEST = 400  # characters of an encoded cursor: two names of 120 and the rest

    def __str__(self) -> str:
        data = json.dumps([int(self.backwards), self.generic, self.brand], separators=(",", ":"))
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, text: str) -> "AZCursor | None":
        """The cursor `text` encodes, or None for anything else a stranger may send."""
        if not text or len(text) > cls.LONGEST:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        except ValueError:  # not base64, not UTF-8, not JSON (binascii.Error is a ValueError)
            return None
        if not (isinstance(data, list) and len(data) == 3 and data[0] in (0, 1)):
            return None
        keys = data[1:]
        if not all(key is None or _is_a_name_key(key) for key in keys):
            return None
        return cls(bool(data[0]), *keys)

    @property
    def is_at_an_end(self) -> bool:
        """Read from the first name, or backwards from the last: nothing lies beyond."""
        return self.generic is None and self.brand is None


def _is_a_name_key(key: object) -> bool:
    """Text a database can compare with names: no NUL, no lone surrogate ("\\ud800" is
    valid JSON, and no database driver can send it)."""
    if not isinstance(key, str) or "\x00" in key:
        return False
    try:
        key.encode()
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class AZPage:
    """A page of the A–Z: its rows in name order and the cursors of the pages either side
    (None at an end of the list)."""

    rows: list[AZRow]
    previous: AZCursor | None
    next: AZCursor | None


class AZEntries:
    """The A–Z's rows in name order: every published drug under its generic name, and again
    under each of its brand names, which lead to it. Each row is an AZRow; `letter` (one
    letter or two: "c", "cy") keeps the names starting with it.

    Read a page at a time from a cursor (page()). A page's rows come from the two
    case-insensitive name indexes, each walked in order from the cursor only as far as the
    page's end, and are merged here. A UNION of the two kinds, sorted whole to show 60 rows,
    took 17–35 ms at 38,000 names on PostgreSQL, and read from an offset, page 300 walked
    10,000 names of each kind (92 ms on SQLite). Each kind keeps the database's order; the
    merge puts the two together by code point, which is the same order on SQLite and, for
    names of letters and digits, on PostgreSQL (docs/decisions/merged-pages.md)."""

    def __init__(self, letter: str = ""):
        self.letter = letter

    def _kinds(self) -> tuple[models.QuerySet, models.QuerySet]:
        generics = _az_generics().annotate(
            entry=F("generic_name"),
            target=F("pk"),
            is_brand=Value(False, output_field=BooleanField()),
        )
        brands = (
            _az_brands()
            .exclude(name__iexact=F("drug__generic_name"))  # "Baclofen" sold as Baclofen
            .annotate(
                entry=F("name"),
                target=F("drug_id"),
                is_brand=Value(True, output_field=BooleanField()),
            )
        )
        return generics, brands

    def page(self, cursor: AZCursor | None, per_page: int) -> AZPage:
        """The page `cursor` starts (or, backwards, ends), or the first page without one. A
        cursor past either end (an old link, an edited one) gives the page at that end: two
        more walks, so a page is at most four."""
        cursor = cursor or AZCursor()
        page = self._read(cursor, per_page)
        if not page.rows and not cursor.is_at_an_end:
            page = self._read(AZCursor(backwards=not cursor.backwards), per_page)
        return page

    def _read(self, cursor: AZCursor, per_page: int) -> AZPage:
        columns = ("sort_key", "entry", "target", "is_brand")
        walks = []
        # Names are unique whatever their case within each kind (drug_generic_name_unique_ci,
        # drug_name_unique_ci), so a sort key is a place in its kind's walk; a brand spelt as
        # another drug's generic name comes after it.
        order = "-sort_key" if cursor.backwards else "sort_key"
        bytewise = connections[Drug.objects.db].vendor == "sqlite"
        for kind, after in zip(self._kinds(), (cursor.generic, cursor.brand), strict=True):
            walked = _walked_range(
                self.letter, after, backwards=cursor.backwards, bytewise=bytewise
            )
            walks.append(
                list(kind.filter(walked).order_by(order).values_list(*columns)[: per_page + 1])
            )
        merged = list(
            heapq.merge(*walks, key=lambda row: (row[0], row[3]), reverse=cursor.backwards)
        )
        shown = merged[:per_page]  # in the walk's direction
        onward = back = None
        if len(merged) > per_page:  # the page after it, in the walk's direction
            onward = AZCursor(
                cursor.backwards,
                _last_of_kind(shown, is_brand=False, default=cursor.generic),
                _last_of_kind(shown, is_brand=True, default=cursor.brand),
            )
        if not cursor.is_at_an_end:  # the page before it: from each kind's first name read,
            # shown or not (the page shows the start of each walk), else from the far end
            back = AZCursor(not cursor.backwards, *(walk[0][0] if walk else None for walk in walks))
        if cursor.backwards:
            shown.reverse()
            onward, back = back, onward
        # A letter is a range of the name index (_walked_range): in a PostgreSQL collation
        # "ç…" may sort between "c" and "d". Such a row is left out of the page it falls on,
        # so every page is still a slice of the same one walk.
        rows = [row for row in shown if row[0].startswith(self.letter)]
        return AZPage(rows=rows, previous=back, next=onward)


def _last_of_kind(rows: list[AZRow], *, is_brand: bool, default: str | None) -> str | None:
    """The sort key of the last of `rows` of the kind, or `default` when none is."""
    return next((row[0] for row in reversed(rows) if row[3] == is_brand), default)


def az_initials(*starts: str) -> set[str]:
    """Each of `starts` followed by a letter, lower case, where a published generic or brand
    name starts so: with "" the A–Z's letters that lead somewhere, with "c" the two-letter
    starts of C's names ("ca", "ce"…) that do (AZEntries lists brands under their own
    letter). For each start, letter and kind, the first name at or after it in the name
    index: 52 index probes a start, all in one statement, where reading every name's initial
    took 25 ms at 38,000 names. Each kind's probe is compiled once, its start a column of the
    statement: compiling 52 subqueries cost Django as much again."""
    connection = connections[Drug.objects.db]
    # SQLite compares the lowered names byte by byte, so the next character ends a start's
    # range ("{" after "z"), and without that bound its planner read brands through the
    # status index, every one for each letter (400 ms at scale). PostgreSQL's collation may
    # sort "{" anywhere, and its planner walks the name index from the start as it is.
    bounded = connection.vendor == "sqlite"
    probes = [
        _first_name_from(queryset, "starts.column1", "starts.column2" if bounded else None)
        for queryset in (_az_generics(), _az_brands())
    ]
    prefixes = [start + letter for start in starts for letter in LETTERS]
    columns = ", ".join(sql for sql, _ in probes)
    values = ", ".join(["(%s, %s)"] * len(prefixes))
    sql = f"SELECT starts.column1, {columns} FROM (VALUES {values}) AS starts"
    bounds = [bound for prefix in prefixes for bound in (prefix, _next_bytewise(prefix))]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(param for _, params in probes for param in params), *bounds])
        rows = cursor.fetchall()
    return {
        prefix
        for prefix, *firsts in rows
        if any(first and first.startswith(prefix) for first in firsts)
    }


def _next_bytewise(prefix: str) -> str:
    """The first string after every one that starts with `prefix`, compared byte by byte."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _prefix_end(prefix: str, *, bytewise: bool) -> str | None:
    """Where the names starting with `prefix` (Latin letters) end in a name index, or None
    when they run to its end. Compared byte by byte, at the next character ("c{" after
    "cz"). A PostgreSQL collation may sort "{" anywhere, but compares letters first, so the
    names starting "cz" sort before "d" (and those starting "z" run to the end)."""
    if bytewise:
        return _next_bytewise(prefix)
    start = prefix.rstrip("z")
    return _next_bytewise(start) if start else None


# Stand in for a letter and the next character in a compiled probe.
_LETTER, _NEXT = "\x00letter", "\x00next"


def _first_name_from(queryset, letter: str, before: str | None = None) -> tuple[str, list]:
    """A scalar subquery for the first sort_key of `queryset` at or after `letter` (an SQL
    expression), and before `before` when given, and its parameters. The name index serves
    it and stops at the first published row."""
    probe = queryset.filter(sort_key__gte=_LETTER)
    if before is not None:
        probe = probe.filter(sort_key__lt=_NEXT)
    probe = probe.order_by("sort_key").values("sort_key")[:1]
    compiled, params = probe.query.sql_with_params()
    pieces = compiled.split("%s")
    sql, kept = [pieces[0]], []
    for param, piece in zip(params, pieces[1:], strict=True):
        if param in (_LETTER, _NEXT):
            sql.append(letter if param == _LETTER else before)
        else:
            sql.append("%s")
            kept.append(param)
        sql.append(piece)
    return f"({''.join(sql)})", kept


def every_name(rows: models.QuerySet) -> models.QuerySet:
    """`rows`, annotated with a `sort_key` that a case-insensitive name index holds, as the
    whole range of that index. Given no condition on the name, SQLite's planner read the
    published medicines through the status index and sorted them to list a page in name
    order (12–15 ms for the A–Z at 20,000 medicines, 25 for drugs.json, against 1 walking
    the index). Its comparison is bytewise, so no name sorts after the last code point.
    PostgreSQL walks the index as it is."""
    if connections[rows.db].vendor != "sqlite":
        return rows
    return rows.filter(sort_key__gte="", sort_key__lt=chr(0x10FFFF))


def _az_generics():
    return Drug.objects.published().annotate(sort_key=Lower("generic_name"))


def _az_brands():
    return DrugName.objects.filter(published_through("drug"), kind=NameKind.BRAND).annotate(
        sort_key=Lower("name")
    )


def _walked_range(letter: str, after: str | None, *, backwards: bool, bytewise: bool) -> Q:
    """The range of the case-insensitive name indexes (drug_generic_name_unique_ci,
    drug_name_unique_ci) that an A–Z walk reads, which both engines walk in order: the sort
    keys starting with `letter` (a letter or two, "c" or "cy"; every one for ""), past the
    cursor's key `after` in the walk's direction. On SQLite, which compares bytes, a letter's
    range holds exactly its names; in a PostgreSQL collation it may hold a few others, which
    AZEntries leaves out.

    One bound a side, the tighter: given both the letter's start and the cursor's key (or
    every_name's ""), SQLite's planner walked from the looser one (9.3 ms to read 61 names
    from "ketatrexed" on, against 0.4). A LIKE prefix alone read every name (PostgreSQL's
    collation is not C, and SQLite's LIKE takes no index with an ESCAPE); added to the range,
    it made PostgreSQL expect a tenth of the letter's rows and sort them all to show 60 (4.9
    ms for C, against 0.9 for the walk)."""
    low = high = None  # (lookup, key)
    if letter:
        low = ("gte", letter)
        # Where its names end closes the range (_prefix_end). Left open, SQLite's planner
        # read brands through the status index for "z" (15 ms, against 0.2).
        end = _prefix_end(letter, bytewise=bytewise)
        if end is not None:
            high = ("lt", end)
    elif bytewise:  # the whole index, as every_name() bounds it
        low, high = ("gte", ""), ("lt", chr(0x10FFFF))
    if after is not None and backwards and (high is None or after < high[1]):
        high = ("lt", after)
    elif after is not None and not backwards and (low is None or after >= low[1]):
        low = ("gt", after)
    return Q(**{f"sort_key__{lookup}": key for lookup, key in filter(None, (low, high))})


class Indication(models.Model):
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="indications")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="indications")
    label_status = models.CharField(
        max_length=20, choices=LabelStatus, default=LabelStatus.ON_LABEL
    )
    notes = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "condition"],
                name="indication_unique_per_drug",
                violation_error_message="This condition is already listed for the drug.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} for {self.condition}"

    @property
    def is_off_label(self) -> bool:
        return self.label_status == LabelStatus.OFF_LABEL


class DoseGuideline(models.Model):
    """One structured dosing rule; the sentence and the titration table are derived from it."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="doses")
    population = models.CharField(max_length=20, choices=Population, default=Population.ADULT)
    condition = models.ForeignKey(
        Condition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dose_guidelines",
        verbose_name="indication",
    )
    route = models.CharField(max_length=20, choices=Route, default=Route.ORAL)
    dosage_form = models.CharField(max_length=30, choices=DosageForm, blank=True)
    unit = models.CharField(max_length=10, choices=Unit, default=Unit.MG)
    start_amount = models.DecimalField(
        "starting dose", max_digits=9, decimal_places=3, validators=POSITIVE
    )
    times_per_day = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave blank for a single or continuous dose."
    )
    times_per_day_max = models.PositiveSmallIntegerField(
        "to (times a day)",
        null=True,
        blank=True,
        help_text='For "3 to 4 times a day": 3 above, 4 here. Blank when it is one number.',
    )
    max_per_dose = models.DecimalField(
        "but never more than (per dose)",
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        validators=POSITIVE,
        help_text="For a dose by body weight (mg/kg): the cap on one dose, in mg.",
    )
    step_amount = models.DecimalField(
        "raise each dose by",
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    step_interval_days = models.PositiveSmallIntegerField(
        "every (days)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    target_amount = models.DecimalField(
        "titrate up to (per dose)",
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    usual_min_per_day = models.DecimalField(
        "usual daily dose from", max_digits=9, decimal_places=3, null=True, blank=True
    )
    usual_max_per_day = models.DecimalField(
        "usual daily dose to", max_digits=9, decimal_places=3, null=True, blank=True
    )
    max_per_day = models.DecimalField(
        "maximum per day",
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    notes = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_amount__gt=0),
                name="dose_start_positive",
                violation_error_message="The starting dose must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(times_per_day__isnull=True) | Q(times_per_day__gte=1),
                name="dose_times_per_day_positive",
                violation_error_message="Times per day must be at least 1.",
            ),
            models.CheckConstraint(
                condition=Q(times_per_day_max__isnull=True)
                | Q(times_per_day__isnull=False, times_per_day_max__gt=F("times_per_day")),
                name="dose_times_per_day_range",
                violation_error_message=(
                    "“To (times a day)” must be more than the times a day it starts from."
                ),
            ),
            models.CheckConstraint(
                condition=Q(step_amount__isnull=True, step_interval_days__isnull=True)
                # isnull=False: a NULL on one side would make the check unknown, which passes.
                | Q(
                    step_amount__isnull=False,
                    step_interval_days__isnull=False,
                    step_amount__gt=0,
                    step_interval_days__gte=1,
                ),
                name="dose_step_has_interval",
                violation_error_message=(
                    "A titration step needs both an amount above zero and an interval in days."
                ),
            ),
            models.CheckConstraint(
                condition=Q(usual_min_per_day__isnull=True)
                | Q(usual_max_per_day__isnull=True)
                | Q(usual_min_per_day__lte=F("usual_max_per_day")),
                name="dose_usual_range_ordered",
                violation_error_message="The usual daily range must run from low to high.",
            ),
            models.CheckConstraint(
                condition=Q(max_per_day__isnull=True)
                | Q(usual_max_per_day__isnull=True)
                | Q(usual_max_per_day__lte=F("max_per_day")),
                name="dose_usual_within_maximum",
                violation_error_message="The usual daily dose cannot exceed the daily maximum.",
            ),
            models.CheckConstraint(
                condition=Q(usual_min_per_day__isnull=True) | Q(usual_min_per_day__gt=0),
                name="dose_usual_min_positive",
                violation_error_message="The usual daily dose must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug}: {self.get_population_display()}, {self.get_route_display()}"

    def clean(self) -> None:
        errors = {}
        if self.target_amount is not None and self.start_amount is not None:
            if self.target_amount < self.start_amount:
                errors["target_amount"] = "The titration target cannot be below the starting dose."
            if self.step_amount is None:
                errors["step_amount"] = "Give the step to titrate by, or clear the target."
        # The row as a whole: a dose taken as often as the row allows (the larger number of
        # "3 to 4 times a day") must fit in the daily maximum, from the start and at the target.
        times = self.times_per_day_max or self.times_per_day or 1
        if self.max_per_day is not None:
            for name, amount, what in [
                ("start_amount", self.start_amount, "The starting dose already exceeds"),
                ("target_amount", self.target_amount, "The titration target exceeds"),
            ]:
                if amount is not None and amount * times > self.max_per_day and name not in errors:
                    errors[name] = (
                        f"{what} the daily maximum. {_number(amount)} {self.unit} "
                        f"{times} time{'s' if times > 1 else ''} a day is "
                        f"{_number(amount * times)} {self.unit} a day, above "
                        f"{_number(self.max_per_day)} {self.unit}."
                    )
        if self.times_per_day_max is not None:
            if self.times_per_day is None:
                errors["times_per_day_max"] = (
                    "Give the times a day the range starts from, or clear this."
                )
            elif self.times_per_day_max <= self.times_per_day:
                errors["times_per_day_max"] = (
                    f"Must be more than {self.times_per_day}, the times a day it starts from."
                )
        if self.max_per_dose is not None and self.unit != Unit.MG_PER_KG:
            errors["max_per_dose"] = (
                "Only for a dose by body weight (mg/kg): the cap in mg on one dose. Clear it, "
                "or set the unit to mg/kg."
            )
        if errors:
            raise ValidationError(errors)


class Formulation(models.Model):
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="formulations")
    dosage_form = models.CharField(max_length=30, choices=DosageForm)
    route = models.CharField(max_length=20, choices=Route, default=Route.ORAL)
    release = models.CharField(max_length=20, choices=Release, default=Release.IMMEDIATE)
    brand = models.CharField(
        max_length=120, blank=True, help_text="Only when the form is specific to one brand."
    )
    notes = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        label = self.get_dosage_form_display()
        return f"{label} ({self.brand})" if self.brand else label


class Strength(models.Model):
    """An amount of drug per unit of the form: 10 mg (a tablet) or 5 mg per 5 mL."""

    formulation = models.ForeignKey(Formulation, on_delete=models.CASCADE, related_name="strengths")
    amount = models.DecimalField(max_digits=9, decimal_places=3, validators=POSITIVE)
    unit = models.CharField(max_length=10, choices=Unit, default=Unit.MG)
    per_amount = models.DecimalField(
        max_digits=9, decimal_places=3, null=True, blank=True, validators=POSITIVE
    )
    per_unit = models.CharField(max_length=10, choices=Unit, blank=True)

    class Meta:
        ordering = ["amount"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="strength_amount_positive"),
            models.CheckConstraint(
                condition=Q(per_amount__isnull=True) | Q(per_amount__gt=0),
                name="strength_per_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        text = f"{format_amount(self.amount)} {self.unit}"
        if self.per_unit:
            per = "" if self.per_amount in (None, 1) else f"{format_amount(self.per_amount)} "
            text += f"/{per}{self.per_unit}"
        return text


class SideEffect(models.Model):
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="side_effects")
    name = models.CharField(max_length=160)
    frequency = models.CharField(
        max_length=20, choices=FrequencyBand, default=FrequencyBand.NOT_KNOWN
    )
    seriousness = models.CharField(max_length=20, choices=Seriousness, default=Seriousness.MILD)
    incidence = models.CharField(
        max_length=60, blank=True, help_text='As the label states it, e.g. "10–63%".'
    )
    advice = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "name"],
                name="side_effect_unique_per_drug",
                violation_error_message="This side effect is already listed for the drug.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_serious(self) -> bool:
        return self.seriousness == Seriousness.SERIOUS


def _saves_field(save_kwargs: dict, name: str) -> bool:
    """Whether a save() called with these keyword arguments writes the field `name`."""
    fields = save_kwargs.get("update_fields")
    return fields is None or name in fields


def copy_drug_names(rows: list["Interaction"]) -> None:
    """Set each row's drug_name from its drug: the one it holds, or else looked up by id, in
    one query for every 500 rows."""
    held = Interaction.drug.is_cached
    wanted = [row for row in rows if not held(row)]
    names: dict[int, str] = {}
    ids = list({row.drug_id for row in wanted})
    for start in range(0, len(ids), 500):
        batch = Drug.objects.filter(pk__in=ids[start : start + 500])
        names.update(batch.values_list("pk", "generic_name"))
    for row in rows:
        row.drug_name = row.drug.generic_name if held(row) else names.get(row.drug_id, "")


class InteractionQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As QuerySet.bulk_create, each row given the name of its drug first, as save()
        gives it (Interaction.drug_name)."""
        objs = list(objs)
        copy_drug_names(objs)
        return super().bulk_create(objs, *args, **kwargs)


class Interaction(models.Model):
    """A drug against another drug, a whole drug class or a substance; shown on both sides."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="interactions")
    # The drug's generic name, copied: the rows other medicines store about a drug are ranked
    # by it, and read from an index (below) rather than a name looked up for each row, 8,400
    # of them for phenytoin at 20,000 medicines. Kept by save(), bulk_create() and Drug.save().
    drug_name = models.CharField(max_length=120, editable=False, default="")
    interactant_drug = models.ForeignKey(
        Drug,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,  # leads interaction_order_by_drug (Meta.indexes)
        related_name="interactions_as_interactant",
        verbose_name="with drug",
    )
    interactant_class = models.ForeignKey(
        DrugClass,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,  # leads interaction_order_by_class (Meta.indexes)
        related_name="interactions",
        verbose_name="with drug class",
    )
    interactant_substance = models.ForeignKey(
        Substance,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name="with substance",
    )
    severity = models.CharField(max_length=20, choices=Severity)
    effect = models.TextField("what happens")
    advice = models.TextField("what to do")
    source = models.CharField(
        max_length=120,
        blank=True,
        help_text='Where it was imported from, e.g. "NDF-RT (US Veterans Affairs)" or "FDA '
        'label"; blank when editors wrote it. Imports never change editor-written interactions.',
    )
    source_id = models.CharField(
        "source id",
        max_length=200,
        blank=True,
        help_text="The row's id in that table, or the label's set id.",
    )
    label_source = models.ForeignKey(
        "LabelSource",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
        help_text="The FDA label that states it, for interactions found in a label.",
    )
    label_section = models.CharField(
        max_length=60, blank=True, help_text="The label section that states it."
    )
    evidence = models.TextField(
        blank=True, help_text="The label's own sentence that states the interaction, quoted."
    )

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        # The rows other medicines store about a drug, by its name or a class it is in, in the
        # order readers see them (most severe first, then by the name of the medicine storing
        # them, then id), with whose rows they are and how severe: a monograph's first ten
        # are the first entries of each index (drugs 0019), and the rows are counted by
        # severity from the indexes alone, phenytoin's 8,400 at 20,000 medicines.
        indexes = [
            models.Index(
                F("interactant_drug"),
                SeverityRank(),
                Lower("drug_name"),
                F("id"),
                F("drug"),
                F("severity"),
                name="interaction_order_by_drug",
            ),
            models.Index(
                F("interactant_class"),
                SeverityRank(),
                Lower("drug_name"),
                F("id"),
                F("drug"),
                F("severity"),
                name="interaction_order_by_class",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        interactant_drug__isnull=False,
                        interactant_class__isnull=True,
                        interactant_substance__isnull=True,
                    )
                    | Q(
                        interactant_drug__isnull=True,
                        interactant_class__isnull=False,
                        interactant_substance__isnull=True,
                    )
                    | Q(
                        interactant_drug__isnull=True,
                        interactant_class__isnull=True,
                        interactant_substance__isnull=False,
                    )
                ),
                name="interaction_one_interactant",
                violation_error_message=(
                    "Choose exactly one of: another drug, a drug class or a substance."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(interactant_drug=F("drug")),
                name="interaction_not_with_itself",
                violation_error_message="A drug cannot interact with itself.",
            ),
            # The same pair in either order is one interaction per source: editors write it
            # once, and each table or label states it once.
            models.UniqueConstraint(
                Least("drug", "interactant_drug"),
                Greatest("drug", "interactant_drug"),
                "source",
                "source_id",
                condition=Q(interactant_drug__isnull=False),
                name="interaction_drug_pair_unique",
                violation_error_message="An interaction between these two drugs already exists.",
            ),
            models.UniqueConstraint(
                fields=["drug", "interactant_class", "source", "source_id"],
                condition=Q(interactant_class__isnull=False),
                name="interaction_class_unique",
                violation_error_message="This drug already has an interaction with that class.",
            ),
            models.UniqueConstraint(
                fields=["drug", "interactant_substance", "source", "source_id"],
                condition=Q(interactant_substance__isnull=False),
                name="interaction_substance_unique",
                violation_error_message=(
                    "This drug already has an interaction with that substance."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} + {self.interactant}"

    def save(self, *args, **kwargs) -> None:
        if _saves_field(kwargs, "drug_name"):
            copy_drug_names([self])
        super().save(*args, **kwargs)

    @property
    def interactant(self):
        return self.interactant_drug or self.interactant_class or self.interactant_substance

    @property
    def is_from_label(self) -> bool:
        return self.label_source_id is not None


class ReferenceKind(models.TextChoices):
    """What kind of source a reference is: the monograph lists its sources in these groups,
    in this order."""

    LABEL = "label", "Product labels"
    REGULATOR = "regulator", "Regulators and health services"
    CLINICAL = "clinical", "Clinical references"
    OTHER = "other", "Other sources"


class Reference(models.Model):
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = WebURLField("URL", max_length=500, blank=True)
    accessed_on = models.DateField(null=True, blank=True)
    kind = models.CharField(
        max_length=20,
        choices=ReferenceKind,
        default=ReferenceKind.OTHER,
        help_text="Product labels (FDA and other regulators' labeling), regulators and health "
        "services (FDA, NHS), clinical references (Medscape, Drugs.com), or other sources.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class LabelSource(models.Model):
    """One FDA label (openFDA `drug/label` record) behind a drug, kept as published."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="label_sources")
    spl_id = models.CharField("SPL id", max_length=64, unique=True)
    set_id = models.CharField("SPL set id", max_length=64, db_index=True)
    version = models.CharField(max_length=20, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    generic_name_raw = models.CharField(
        "active ingredient", max_length=200, help_text="As the label gives it, salt included."
    )
    product_type = models.CharField(max_length=10, choices=ProductType, blank=True)
    routes = models.JSONField(default=list, blank=True)
    brand_names_raw = models.JSONField(default=list, blank=True)
    rxcuis = models.JSONField("RxCUIs", default=list, blank=True)
    uniis = models.JSONField("UNIIs", default=list, blank=True)
    pharm_classes = models.JSONField(
        "FDA classes",
        default=list,
        blank=True,
        help_text='openFDA pharmacologic classes with their kind, e.g. "Opioid Agonist [EPC]".',
    )
    sections = models.JSONField(default=dict, blank=True, help_text="Section key → cleaned text.")
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now=True)
    content_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a new version of the label changed its content; empty for a label "
        "unchanged since it was first imported.",
    )

    class Meta:
        ordering = ["-imported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.generic_name_raw} ({self.set_id})"

    @property
    def dailymed_url(self) -> str:
        return "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?" + urlencode(
            {"setid": self.set_id}
        )


class MarketingStatus(models.TextChoices):
    # Drugs@FDA's MarketingStatus_Lookup.txt, ids 1–4.
    PRESCRIPTION = "rx", "Prescription"
    OVER_THE_COUNTER = "otc", "Over the counter"
    DISCONTINUED = "discontinued", "Discontinued"
    TENTATIVE = "tentative", "Tentatively approved, not marketed"


class ApplicationType(models.TextChoices):
    NDA = "NDA", "Brand (new drug application)"
    ANDA = "ANDA", "Generic (abbreviated application)"
    BLA = "BLA", "Biologic (biologics license application)"


class ProductQuerySet(models.QuerySet):
    def current_first(self):
        """Marketed products first (prescription, then over the counter), then the rest."""
        rank = models.Case(
            models.When(marketing_status=MarketingStatus.PRESCRIPTION, then=0),
            models.When(marketing_status=MarketingStatus.OVER_THE_COUNTER, then=1),
            models.When(marketing_status=MarketingStatus.TENTATIVE, then=3),
            default=2,
        )
        return self.alias(rank=rank).order_by("rank", "dosage_form", "strength_amount", "name")


class Product(models.Model):
    """One US product from Drugs@FDA: a form and strength under one application."""

    application_number = models.CharField(max_length=10)
    product_number = models.CharField(max_length=6)
    application_type = models.CharField(max_length=4, choices=ApplicationType, blank=True)
    sponsor = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, help_text="The product's brand or established name.")
    active_ingredient = models.CharField(max_length=1000, help_text="As Drugs@FDA lists it.")
    drugs = models.ManyToManyField(Drug, related_name="products", blank=True)
    is_combination = models.BooleanField(
        default=False, help_text="More than one active ingredient: never shown as one generic."
    )
    form_raw = models.CharField("form and route", max_length=200, help_text="As listed.")
    dosage_form = models.CharField(max_length=30, choices=DosageForm, blank=True)
    route = models.CharField(max_length=20, choices=Route, blank=True)
    strength_raw = models.CharField("strength as listed", max_length=1000, blank=True)
    strength_amount = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    strength_unit = models.CharField(max_length=20, blank=True)
    strength_per_amount = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    strength_per_unit = models.CharField(max_length=20, blank=True)
    marketing_status = models.CharField(max_length=20, choices=MarketingStatus, blank=True)
    is_reference_drug = models.BooleanField(default=False)
    is_brand = models.BooleanField(
        default=False,
        help_text="Its name is a brand name, not the generic name with or without a qualifier.",
    )
    content_hash = models.CharField(max_length=64, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "application_number", "product_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application_number", "product_number"], name="product_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.strength_raw}".strip()

    @property
    def is_current(self) -> bool:
        return self.marketing_status in (
            MarketingStatus.PRESCRIPTION,
            MarketingStatus.OVER_THE_COUNTER,
        )

    @property
    def is_generic(self) -> bool:
        return self.application_type == ApplicationType.ANDA

    @property
    def drugs_at_fda_url(self) -> str:
        return "https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?" + urlencode(
            {"event": "overview.process", "ApplNo": self.application_number}
        )


class ChangeLogEntry(models.Model):
    """One line of a monograph's public change log: what changed, where and who approved it."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="changes")
    changed_on = models.DateField(default=timezone.localdate)
    section = models.CharField(
        max_length=60,
        blank=True,
        help_text='The section\'s anchor on the page, e.g. "dosage"; blank for the whole page.',
    )
    section_title = models.CharField(
        max_length=120, blank=True, help_text='As readers see it, e.g. "Dosage".'
    )
    summary = models.CharField(
        max_length=200, help_text="One line, shown to readers: what changed and why it matters."
    )
    reviewer = models.CharField(
        max_length=200, blank=True, help_text="Who approved the change (name and credentials)."
    )

    class Meta:
        ordering = ["-changed_on", "-pk"]
        verbose_name = "change log entry"
        verbose_name_plural = "public change log"
        indexes = [models.Index(fields=["drug", "-changed_on"], name="change_log_drug_date")]

    def __str__(self) -> str:
        return f"{self.drug}, {self.changed_on:%d %b %Y}: {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("drugs:changes", kwargs={"slug": self.drug.slug})

    @property
    def section_url(self) -> str:
        return f"{self.drug.get_absolute_url()}#{self.section}" if self.section else ""


class FeedbackStatus(models.TextChoices):
    OPEN = "open", "Open"
    FIXED = "fixed", "Fixed and closed"
    CLOSED = "closed", "Closed without change"


class SectionFeedbackQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FeedbackStatus.OPEN)

    def close(self, *, by, status: str = FeedbackStatus.CLOSED) -> int:
        """Close the open reports among these, saying who closed them and how."""
        return self.open().update(
            status=status,
            closed_at=timezone.now(),
            closed_by=by.get_full_name() or by.get_username(),
        )


class SectionFeedback(models.Model):
    """A reader's report of a problem with one section of a monograph. No account, no IP
    address: only what the reader typed, and an email address if they chose to give one."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="feedback")
    section = models.CharField(max_length=60, help_text="The section's anchor on the page.")
    section_title = models.CharField(max_length=120, blank=True)
    message = models.TextField()
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=FeedbackStatus, default=FeedbackStatus.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)

    objects = SectionFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "reader report"
        verbose_name_plural = "reader reports"

    def __str__(self) -> str:
        return f"{self.drug}: {self.section_title or self.section}"

    @property
    def is_open(self) -> bool:
        return self.status == FeedbackStatus.OPEN

    @property
    def section_url(self) -> str:
        return f"{self.drug.get_absolute_url()}#{self.section}"


class MonographVersion(models.Model):
    """How many times the rows a monograph keeps (KeptRows) have been written, for each
    medicine, and under subject 0 the conditions and classes those rows name. Counted by the
    database's own triggers (drugs 0020) on every write to those tables, bulk ones and raw SQL
    included, and never by the application: no save() can set a count back."""

    SHARED = 0  # the subject of the conditions and classes every medicine's rows may name

    subject = models.PositiveBigIntegerField(primary_key=True)  # a medicine's id, or SHARED
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.subject}: {self.version}"


class KeptRows(models.Model):
    """A monograph's own related rows as its page reads them, kept with the versions they were
    read at (drugs.kept_rows): one query for them instead of ten."""

    drug = models.OneToOneField(
        Drug, on_delete=models.CASCADE, primary_key=True, related_name="kept_rows"
    )
    version = models.PositiveBigIntegerField()  # the medicine's MonographVersion when read
    shared_version = models.PositiveBigIntegerField()  # and MonographVersion.SHARED's
    layout = models.CharField(max_length=64)  # drugs.kept_rows.layout(): what `rows` holds
    rows = models.BinaryField()
    kept_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "kept rows"

    def __str__(self) -> str:
        return f"{self.drug_id} at {self.version}/{self.shared_version}"


class InteractionsVersion(models.Model):
    """How many times anything a medicine's interactions are read from has been written: the
    interactions themselves, the medicines (their names, addresses and publication), their
    classes and the classes' tree, substances and labels. One count for the whole catalogue,
    kept by the database's own triggers (drugs 0021) and never by the application, since an
    interaction stored by one medicine is read on the page of every medicine it names."""

    ONLY = 1  # the one row

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"interactions: {self.version}"


class KeptInteractions(models.Model):
    """The first `stop` of a medicine's interactions as its page reads them, with how many
    there are of each severity, kept at the InteractionsVersion they were read at
    (drugs.kept_interactions): one query instead of four."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="kept_interactions")
    stop = models.PositiveIntegerField()  # how many of the first were read: [0:stop]
    version = models.PositiveBigIntegerField()  # InteractionsVersion when read
    # The first scheduled publication of a medicine then still to come: from then on, a
    # medicine hidden when they were read may be public, so they are read afresh.
    valid_until = models.DateTimeField(null=True)
    layout = models.CharField(max_length=64)  # drugs.kept_interactions.layout()
    rows = models.BinaryField()
    kept_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "kept interactions"
        constraints = [
            models.UniqueConstraint(fields=["drug", "stop"], name="kept_interactions_once")
        ]

    def __str__(self) -> str:
        return f"{self.drug_id}[:{self.stop}] at {self.version}"
