"""A catalogue at a real site's scale for the scale benchmark (test_scale.py): the FDA labels
imported as the site imports them, then varied, deterministically, to about 20,000 medicines
and 50,000 guides written in bulk, and the fixed set of queries it is searched with.

What is real: the 875 openFDA labels go through the label import (reader, parser, importer),
the interactions they state and the MedlinePlus conditions their uses name are found by the
site's own code, and classes come from the taxonomy's mappings. What is varied: every further
medicine is a real label page under another name (first the single-ingredient generics of
Drugs@FDA, then names spliced from real ones), its label text, uses and interactions copied
with the name changed, and brands from Drugs@FDA's product names. Guides are assembled from
the label sentences of the medicines they are about.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.markdown import reading_minutes, render_markdown
from articles.models import Article, Author, Category, CuratedGuide
from drugs.conditions import import_topics
from drugs.label_interactions import SOURCE as LABEL_INTERACTIONS
from drugs.label_interactions import refresh_label_interactions
from drugs.labels.importing import import_records
from drugs.labels.parsing import first_sentences, normalise_generic
from drugs.labels.reading import iter_label_records
from drugs.models import (
    ClassKind,
    Condition,
    Drug,
    DrugClass,
    DrugName,
    Indication,
    Interaction,
    LabelSource,
    NameKind,
    Origin,
)
from drugs.products.matching import clean_name, is_brand_name, split_ingredients
from drugs.products.reading import ProductRecord, iter_product_records
from drugs.taxonomy import apply_class_mappings
from medguide.demo.loader import load_demo
from medguide.editorial.models import Status
from medguide.search import index as search_index
from tests.shared_data import LABELS, PRODUCTS, TOPICS

DRUGS = 20_000
GUIDES = 50_000
SEED = 16  # issue 16
CHUNK = 500
DRAFT_SHARE = 0.02  # medicines and guides not (yet) public, as on a working site
NAME_LENGTH = Drug._meta.get_field("generic_name").max_length
BRAND_LENGTH = DrugName._meta.get_field("name").max_length
BRANDS_PER_DRUG = ([0, 1, 2, 3], [35, 40, 18, 7])
VOWELS = re.compile(r"[^aeiouy]*[aeiouy]+")

# A guide's sections: its heading and the label section its text comes from.
GUIDE_SECTIONS = [
    ("What it is for", ("indications_and_usage",)),
    ("How to take it", ("dosage_and_administration",)),
    ("Side effects", ("adverse_reactions",)),
    ("Warnings", ("warnings_and_cautions", "warnings", "boxed_warning")),
    ("Other medicines", ("drug_interactions",)),
    ("Pregnancy, breastfeeding and children", ("use_in_specific_populations",)),
    ("If you take too much", ("overdosage",)),
    ("How it works", ("mechanism_of_action",)),
    ("Storing it", ("storage_and_handling", "how_supplied")),
]
ASK_LIST = (
    "## Questions to ask your pharmacist\n\n"
    "- Can I take it with my other medicines?\n"
    "- What should I do if I miss a dose?\n"
    "- Which side effects mean I should call my doctor?\n"
    "- How long will I need to take it?"
)
# Title, category and extra tags of each kind of guide; {drug}, {condition}, {drug_class}.
GUIDE_KINDS = [
    ("{drug}: what to know before you start", "Starting a medicine", ["starting"]),
    ("Side effects of {drug} and what to do about them", "Side effects", ["side effects"]),
    ("Taking {drug} with other medicines", "Interactions", ["interactions"]),
    ("{drug} in pregnancy and breastfeeding", "Pregnancy and breastfeeding", ["pregnancy"]),
    ("Stopping {drug} safely", "Stopping a medicine", ["stopping"]),
    ("Missed a dose of {drug}?", "Taking medicines", ["missed doses"]),
    ("Living with {condition}: how {drug} helps", "Conditions", ["living with"]),
    ("{condition}: questions to ask about your medicines", "Conditions", ["questions"]),
    ("{drug_class}: a plain guide", "Medicine groups", ["medicine groups"]),
    ("Giving {drug} to children", "Children's medicines", ["children"]),
    ("{drug} for older adults", "Older adults", ["older adults"]),
    ("Storing {drug} at home", "Taking medicines", ["storage"]),
]
FIRST_NAMES = ["Ada", "Amir", "Beatriz", "Chen", "Dana", "Elif"]
LAST_NAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka"]
CREDENTIALS = ["PharmD", "MD", "RN", "Medical editor", "MPharm", "BSN, RN"]


@dataclass
class Built:
    """What the catalogue holds, and how long each step took (seconds)."""

    drugs: int = 0
    published_drugs: int = 0
    guides: int = 0
    conditions: int = 0
    classes: int = 0
    brand_names: int = 0
    label_sources: int = 0
    indications: int = 0
    interactions: int = 0
    tags: int = 0
    steps: dict[str, float] = field(default_factory=dict)


def build(
    *, drugs: int = DRUGS, guides: int = GUIDES, seed: int = SEED, log: Callable = print
) -> Built:
    """Build the catalogue in an empty, migrated database. The search index is left empty:
    the benchmark times rebuilding it."""
    rng = random.Random(seed)
    built = Built()

    def step(name: str, work: Callable[[], object]) -> None:
        started = time.monotonic()
        work()
        built.steps[name] = time.monotonic() - started
        log(f"  {name}: {built.steps[name]:.1f} s")

    templates: list[Template] = []  # the real label pages, which the rest copy
    template_of: dict[int, int] = {}  # each label page's template, by primary key
    with search_index.deferred():
        step("demo", lambda: load_demo())
        step("labels", lambda: sum(1 for _ in import_records(iter_label_records(LABELS))))
        step("label interactions", refresh_label_interactions)
        step("conditions", lambda: import_topics(TOPICS, create=True))
        step("templates", lambda: templates.extend(_templates()))
        step(
            "varied medicines",
            lambda: template_of.update(_vary_drugs(templates, total=drugs, rng=rng)),
        )
        step("classes", lambda: apply_class_mappings())
        step(
            "guides",
            lambda: _write_guides(templates, total=guides, rng=rng, template_of=template_of),
        )
        search_index.discard()  # the benchmark rebuilds the index, timed

    built.drugs = Drug.objects.count()
    built.published_drugs = Drug.objects.published().count()
    built.guides = Article.objects.count()
    built.conditions = Condition.objects.count()
    built.classes = DrugClass.objects.count()
    built.brand_names = DrugName.objects.count()
    built.label_sources = LabelSource.objects.count()
    built.indications = Indication.objects.count()
    built.interactions = Interaction.objects.count()
    built.tags = Tag.objects.count()
    return built


# Medicines ---------------------------------------------------------------------------------


class Renamer:
    """A template medicine's names in its text replaced by another medicine's, in the case
    each was written in ("FLUOXETINE", "Fluoxetine", "fluoxetine"). Plain replacement, not
    by word: a regular expression over 400 MB of label text would take minutes."""

    def __init__(self, old: list[str], new: list[str]) -> None:
        pairs: dict[str, str] = {}
        for before, after in zip(old, new, strict=True):
            if before.strip():
                pairs.setdefault(before, after)
                for case in (str.lower, str.upper, str.capitalize):
                    pairs.setdefault(case(before), case(after))
        self.pairs = sorted(pairs.items(), key=lambda pair: -len(pair[0]))

    def __call__(self, text: str, *, html: bool = False) -> str:
        for before, after in self.pairs:
            if before in text:
                text = text.replace(before, escape(after) if html else after)
        return text


@dataclass
class Template:
    """A real label page that varied medicines copy."""

    drug: Drug
    names: list[str]  # its generic name, then its brands
    sources: list[LabelSource]
    indications: list[Indication]
    interactions: list[Interaction]


def _templates() -> list[Template]:
    drugs = (
        Drug.objects.filter(origin=Origin.LABEL)
        .order_by("pk")
        .prefetch_related("names", "label_sources", "indications")
    )
    interactions: dict[int, list[Interaction]] = {}
    for row in Interaction.objects.filter(source=LABEL_INTERACTIONS).order_by("pk"):
        interactions.setdefault(row.drug_id, []).append(row)
    return [
        Template(
            drug=drug,
            names=[drug.generic_name, *(n.name for n in drug.names.all())],
            sources=list(drug.label_sources.all()),
            indications=list(drug.indications.all()),
            interactions=interactions.get(drug.pk, []),
        )
        for drug in drugs
        if drug.label_sources.all()
    ]


def _drugs_at_fda() -> tuple[list[str], list[str]]:
    """Drugs@FDA's single-ingredient generic names and its brand names, each once, sorted."""
    generics: dict[str, str] = {}
    brands: dict[str, str] = {}
    for _position, record in iter_product_records(PRODUCTS):
        if not isinstance(record, ProductRecord):
            continue
        ingredients = split_ingredients(record.ingredient)
        if len(ingredients) == 1:
            display, _full = normalise_generic(ingredients[0])
            generics.setdefault(display.casefold(), display)
        if is_brand_name(record.name, record.ingredient):
            name = clean_name(record.name)
            brands.setdefault(name.casefold(), name)
    return sorted(generics.values()), sorted(brands.values())


def _spliced(words: list[str], rng: random.Random) -> str:
    """A new word from the start of one real name and the end of another: "Cardi" + "zolam"."""
    first, second = rng.choice(words), rng.choice(words)
    head = "".join(VOWELS.findall(first)[: rng.choice([1, 2])])
    tail_parts = VOWELS.findall(second)
    tail = second[len("".join(tail_parts[: max(1, len(tail_parts) - 2)])) :]
    word = (head + tail).lower()
    return word[:1].upper() + word[1:]


class _Names:
    """Names handed out once each, case-folded, across generic names and brands."""

    def __init__(self, rng: random.Random, *, generics: list[str], brands: list[str]) -> None:
        self.rng = rng
        self.taken = {
            n.casefold()
            for n in [
                *Drug.objects.values_list("generic_name", flat=True),
                *DrugName.objects.values_list("name", flat=True),
            ]
        }
        self.generics = [g for g in generics if len(g) <= NAME_LENGTH]
        self.brands = [b for b in brands if len(b) <= BRAND_LENGTH]
        rng.shuffle(self.generics)
        rng.shuffle(self.brands)
        words = sorted({w for name in self.taken for w in re.findall(r"[a-z]{6,}", name)})
        self.words = words
        self.slugs = set(Drug.objects.values_list("slug", flat=True))

    def _take(self, pool: list[str], make: Callable[[], str]) -> str:
        while pool:
            name = pool.pop()
            if name.casefold() not in self.taken:
                self.taken.add(name.casefold())
                return name
        while True:
            name = make()
            if len(name) >= 4 and name.casefold() not in self.taken:
                self.taken.add(name.casefold())
                return name

    def generic(self) -> str:
        return self._take(self.generics, lambda: _spliced(self.words, self.rng))

    def brand(self) -> str:
        def make() -> str:
            name = _spliced(self.words, self.rng)
            return name + self.rng.choice(["", "", "", " XR", " ER", " ODT", " SR"])

        return self._take(self.brands, make)

    def slug(self, name: str) -> str:
        base = slugify(name)[:120] or "drug"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug


def _vary_drugs(templates: list[Template], *, total: int, rng: random.Random) -> dict[int, int]:
    """Label pages up to `total` medicines; returns each one's template (by primary key)."""
    template_of = {t.drug.pk: t.drug.pk for t in templates}
    generics, brands = _drugs_at_fda()
    names = _Names(rng, generics=generics, brands=brands)
    wanted = total - Drug.objects.count()
    now = timezone.now()
    for start in range(0, max(wanted, 0), CHUNK):
        planned = []
        for _ in range(min(CHUNK, wanted - start)):
            template = rng.choice(templates)
            generic = names.generic()
            brand_names = [names.brand() for _ in range(rng.choices(*BRANDS_PER_DRUG)[0])]
            new_names = [generic, *brand_names]
            # The template's brands become the new ones; the rest of them, its generic name.
            renamer = Renamer(
                template.names,
                [*new_names, *[generic] * len(template.names)][: len(template.names)],
            )
            drug = Drug(
                generic_name=generic,
                slug=names.slug(generic),
                summary=renamer(template.drug.summary),
                is_prescription_only=template.drug.is_prescription_only,
                origin=Origin.LABEL,
                status=Status.DRAFT if rng.random() < DRAFT_SHARE else Status.PUBLISHED,
                published_at=now - timedelta(days=rng.randrange(1, 3 * 365)),
            )
            planned.append((template, drug, brand_names, renamer))
        _write_varied(planned, rng=rng)
        template_of.update((drug.pk, template.drug.pk) for template, drug, _b, _r in planned)
    return template_of


def _write_varied(planned: list, *, rng: random.Random) -> None:
    with transaction.atomic():
        Drug.objects.bulk_create([drug for _t, drug, _b, _r in planned])
        DrugName.objects.bulk_create(
            DrugName(drug=drug, name=brand, kind=NameKind.BRAND)
            for _t, drug, brands, _r in planned
            for brand in brands
        )
        sources = []
        for template, drug, brands, renamer in planned:
            for source in template.sources:
                spl_id = str(uuid.UUID(int=rng.getrandbits(128)))
                copy = LabelSource(
                    drug=drug,
                    spl_id=spl_id,
                    set_id=str(uuid.UUID(int=rng.getrandbits(128))),
                    version=source.version,
                    effective_on=source.effective_on,
                    generic_name_raw=drug.generic_name.lower()[:200],
                    product_type=source.product_type,
                    routes=source.routes,
                    brand_names_raw=brands,
                    rxcuis=[],
                    uniis=[],
                    pharm_classes=source.pharm_classes,
                    sections={key: renamer(text) for key, text in source.sections.items()},
                    content_hash=hashlib.sha256(spl_id.encode()).hexdigest(),
                )
                copy.template_pk = source.pk
                sources.append(copy)
        LabelSource.objects.bulk_create(sources)
        by_template = {(s.drug.pk, s.template_pk): s for s in sources}
        Indication.objects.bulk_create(
            Indication(
                drug=drug,
                condition_id=indication.condition_id,
                label_status=indication.label_status,
                notes=renamer(indication.notes),
                order=indication.order,
            )
            for template, drug, _b, renamer in planned
            for indication in template.indications
        )
        interactions = []
        for template, drug, _b, renamer in planned:
            for row in template.interactions:
                source = by_template.get((drug.pk, row.label_source_id))
                if source is None or row.interactant_drug_id == drug.pk:
                    continue
                interactions.append(
                    Interaction(
                        drug=drug,
                        interactant_drug_id=row.interactant_drug_id,
                        interactant_class_id=row.interactant_class_id,
                        interactant_substance_id=row.interactant_substance_id,
                        severity=row.severity,
                        effect=renamer(row.effect),
                        advice=row.advice,
                        source=row.source,
                        source_id=source.set_id,
                        label_source=source,
                        label_section=row.label_section,
                        evidence=renamer(row.evidence),
                    )
                )
        Interaction.objects.bulk_create(interactions)


# Guides ------------------------------------------------------------------------------------


@dataclass
class _Block:
    markdown: str
    html: str
    headings: list[dict]


def _guide_blocks(templates: dict[int, Template]) -> dict[tuple[int, str], _Block]:
    """Each template's guide sections: the opening sentences of its label sections under the
    guides' headings, rendered once per template (one document, cut at its headings, since
    setting up Markdown costs more than converting a short text). Guides rename them."""
    blocks = {}
    for pk, template in templates.items():
        sections = {k: v for s in template.sources for k, v in s.sections.items()}
        parts = []
        for heading, keys in GUIDE_SECTIONS:
            text = next((sections[k] for k in keys if sections.get(k)), "")
            if paragraph := first_sentences(text, limit=700):
                parts.append((heading, f"## {heading}\n\n{paragraph}"))
        rendered = render_markdown("\n\n".join(markdown for _heading, markdown in parts))
        html = re.split(r"\n(?=<h2 )", rendered.html)
        if len(html) != len(parts) or len(rendered.headings) != len(parts):
            continue  # a label paragraph that made a heading of its own: not cut cleanly
        for (heading, markdown), part, title in zip(parts, html, rendered.headings, strict=True):
            blocks[pk, heading] = _Block(markdown, part, [vars(title)])
    return blocks


def _write_guides(
    template_list: list[Template], *, total: int, rng: random.Random, template_of: dict[int, int]
) -> None:
    """Guides about label pages (each through its template's label text), `total` in all."""
    templates = {t.drug.pk: t for t in template_list}
    blocks = _guide_blocks(templates)
    rendered = render_markdown(ASK_LIST)
    ask = _Block(ASK_LIST, rendered.html, [vars(h) for h in rendered.headings])
    drugs = list(
        Drug.objects.published()
        .filter(pk__in=template_of)
        .order_by("pk")
        .values_list("pk", "generic_name")
    )
    real = [d for d in drugs if d[0] in templates]
    brands_of: dict[int, list[str]] = {}
    for drug_id, name in (
        DrugName.objects.filter(kind=NameKind.BRAND).order_by("pk").values_list("drug", "name")
    ):
        brands_of.setdefault(drug_id, []).append(name)
    conditions_of: dict[int, list[str]] = {}
    for drug_id, name in Indication.objects.order_by("pk").values_list("drug", "condition__name"):
        conditions_of.setdefault(drug_id, []).append(name)
    classes_of: dict[int, list[str]] = {}
    shown = Drug.classes.through.objects.filter(drugclass__kind=ClassKind.THERAPEUTIC)
    for drug_id, name in shown.order_by("pk").values_list("drug", "drugclass__name"):
        classes_of.setdefault(drug_id, []).append(name)
    condition_names = sorted(Condition.objects.values_list("name", flat=True))

    authors = _authors(rng)
    categories = _categories()
    tags = _tags(condition_names)
    slugs = set(Article.objects.values_list("slug", flat=True))
    article_type = ContentType.objects.get_for_model(Article)
    now = timezone.now()
    wanted = total - Article.objects.count()
    for start in range(0, max(wanted, 0), CHUNK):
        articles, links = [], []
        for _ in range(min(CHUNK, wanted - start)):
            # Popular medicines get more guides: half are about the real label pages.
            pk, name = rng.choice(real if rng.random() < 0.5 else drugs)
            others = [rng.choice(drugs) for _ in range(rng.choice([0, 0, 0, 1, 2]))]
            conditions = conditions_of.get(pk) or [rng.choice(condition_names)]
            condition, drug_class = rng.choice(conditions), rng.choice(classes_of.get(pk, [name]))
            title_pattern, category, extra_tags = rng.choice(GUIDE_KINDS)
            title = title_pattern.format(drug=name, condition=condition, drug_class=drug_class)
            title = title[:1].upper() + title[1:200]
            template = templates[template_of[pk]]
            own = [name, *brands_of.get(pk, [])]
            renamer = Renamer(
                template.names, [*own, *[name] * len(template.names)][: len(template.names)]
            )
            chosen = [
                blocks[template.drug.pk, heading]
                for heading, _keys in GUIDE_SECTIONS
                if (template.drug.pk, heading) in blocks
            ]
            chosen = [*rng.sample(chosen, min(len(chosen), rng.randint(3, 5))), ask]
            body = "\n\n".join(renamer(block.markdown) for block in chosen)
            summary = first_sentences(renamer(chosen[0].markdown.split("\n\n", 1)[-1]), limit=380)
            status = Status.PUBLISHED
            if rng.random() < DRAFT_SHARE:
                status = rng.choice([Status.DRAFT, Status.ARCHIVED])
            article = Article(
                title=title,
                slug=_free(slugify(title)[:200] or "guide", slugs),
                summary=summary or title,
                body=body,
                body_html="\n".join(renamer(block.html, html=True) for block in chosen),
                headings=[h for block in chosen for h in block.headings],
                reading_minutes=reading_minutes(body),
                author=rng.choice(authors),
                category=categories[category],
                status=status,
                published_at=now - timedelta(days=rng.randrange(1, 6 * 365)),
            )
            articles.append(article)
            guide_tags = {tags[condition.casefold()], *(tags[t] for t in extra_tags)}
            if drug_class.casefold() in tags:
                guide_tags.add(tags[drug_class.casefold()])
            links.append(({pk, *(other for other, _n in others)}, guide_tags))
        with transaction.atomic():
            Article.objects.bulk_create(articles)
            Article.related_drugs.through.objects.bulk_create(
                Article.related_drugs.through(article_id=article.pk, drug_id=drug_id)
                for article, (drug_ids, _tags) in zip(articles, links, strict=True)
                for drug_id in drug_ids
            )
            TaggedItem.objects.bulk_create(
                TaggedItem(tag=tag, content_type=article_type, object_id=article.pk)
                for article, (_drug_ids, guide_tags) in zip(articles, links, strict=True)
                for tag in guide_tags
            )
            # One guide in ten is placed on its medicine's page by an editor.
            CuratedGuide.objects.bulk_create(
                (
                    CuratedGuide(drug_id=min(drug_ids), article=article)
                    for article, (drug_ids, _tags) in zip(articles, links, strict=True)
                    if article.pk % 10 == 0
                ),
                ignore_conflicts=True,
            )


def _free(base: str, taken: set[str]) -> str:
    slug, number = base, 1
    while slug in taken or slug == "feed":
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _authors(rng: random.Random) -> list[Author]:
    existing = list(Author.objects.order_by("pk"))
    new = [
        Author(
            name=f"{first} {last}",
            slug=slugify(f"{first} {last}"),
            credentials=CREDENTIALS[(i + j) % len(CREDENTIALS)],
        )
        for i, first in enumerate(FIRST_NAMES)
        for j, last in enumerate(LAST_NAMES)
        if not Author.objects.filter(slug=slugify(f"{first} {last}")).exists()
    ]
    Author.objects.bulk_create(new)
    return existing + new


def _categories() -> dict[str, Category]:
    names = sorted({category for _t, category, _tags in GUIDE_KINDS})
    found = {c.name: c for c in Category.objects.filter(name__in=names)}
    Category.objects.bulk_create(
        Category(name=name, slug=slugify(name)) for name in names if name not in found
    )
    return {c.name: c for c in Category.objects.filter(name__in=names)}


def _tags(condition_names: list[str]) -> dict[str, Tag]:
    """Tags for every condition, shown class and guide kind, by folded name."""
    classes = DrugClass.objects.filter(kind=ClassKind.THERAPEUTIC).values_list("name", flat=True)
    names = {n.casefold(): n for n in [*condition_names, *classes]}
    for _title, _category, extra in GUIDE_KINDS:
        names.update((t.casefold(), t) for t in extra)
    existing = {t.name.casefold(): t for t in Tag.objects.all()}
    slugs = {t.slug for t in existing.values()}
    Tag.objects.bulk_create(
        Tag(name=name, slug=_free(slugify(name) or "tag", slugs))
        for key, name in sorted(names.items())
        if key not in existing
    )
    return {t.name.casefold(): t for t in Tag.objects.all()}


# Queries -----------------------------------------------------------------------------------

QUESTIONS = [
    "what is {drug} used for",
    "{drug} side effects",
    "can i take {drug} with alcohol",
    "is {drug} safe in pregnancy",
    "how long does {drug} take to work",
    "{drug} and {other} together",
    "best medicine for {condition}",
    "what helps {condition}",
    "{brand} dose for adults",
    "can {drug} cause weight gain",
]


def fixed_queries(*, seed: int = SEED, each: int = 40) -> list[tuple[str, str]]:
    """(kind, query): `each` generic names, brands, misspellings, prefixes, conditions and
    questions, drawn with a fixed seed from the catalogue in a fixed order, so two builds of
    it are searched with the same words."""
    rng = random.Random(seed)
    published = Drug.objects.published()
    generics = sorted(published.values_list("generic_name", flat=True))
    brands = sorted(
        DrugName.objects.filter(drug__in=published, kind=NameKind.BRAND).values_list(
            "name", flat=True
        )
    )
    live = Indication.objects.filter(drug__in=published).values("condition")
    conditions = sorted(Condition.objects.filter(pk__in=live).values_list("name", flat=True))
    queries = []
    queries += [("name", rng.choice(generics).lower()) for _ in range(each)]
    queries += [("brand", rng.choice(brands)) for _ in range(each)]
    queries += [("typo", _misspelt(rng.choice(generics + brands), rng)) for _ in range(each)]
    queries += [
        ("prefix", rng.choice(generics + brands)[: rng.randint(2, 6)].lower()) for _ in range(each)
    ]
    queries += [("condition", rng.choice(conditions).lower()) for _ in range(each)]
    queries += [
        (
            "question",
            rng.choice(QUESTIONS).format(
                drug=rng.choice(generics).lower(),
                other=rng.choice(generics).lower(),
                brand=rng.choice(brands),
                condition=rng.choice(conditions).lower(),
            ),
        )
        for _ in range(each)
    ]
    return queries


def _misspelt(name: str, rng: random.Random) -> str:
    """One slip of the keyboard: two letters swapped, one dropped, doubled or a vowel changed."""
    word = name.lower()
    if len(word) < 4:
        return word + word[-1]
    at = rng.randrange(1, len(word) - 1)
    slip = rng.choice(["swap", "drop", "double", "vowel"])
    if slip == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    if slip == "double":
        return word[:at] + word[at] + word[at:]
    vowels = [i for i, c in enumerate(word) if c in "aeiou"] or [at]
    at = rng.choice(vowels)
    return word[:at] + rng.choice([v for v in "aeiou" if v != word[at]]) + word[at + 1 :]
