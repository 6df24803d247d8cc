"""The interaction checker: every interaction among two to ten medicines and substances.

Names are resolved by generic name, brand or other name, or slug, whatever the case; each pair
is checked against the interaction rows stored from either side, including rows with a whole
drug class (drugs.interactions explains the class tree) and with substances such as alcohol.
The number of queries is fixed, whatever the number of names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from itertools import combinations
from operator import or_
from urllib.parse import quote

from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from drugs.interactions import InteractionFacts, class_ancestors
from drugs.models import Drug, DrugClass, DrugName, Interaction, Severity, Substance
from medguide.search_backends import fold, similarity

MIN_ITEMS = 2
MAX_ITEMS = 10
MAX_NAME_LENGTH = 120
# Names split on commas (the shareable ?drugs=a,b,c), semicolons and new lines.
SEPARATORS = re.compile(r"[,;\r\n]+")
SUGGESTIONS_PER_NAME = 3
# pg_trgm's default threshold, as site search uses for names spelt alike.
SUGGESTION_SIMILARITY = 0.3


@dataclass(frozen=True)
class Item:
    """A medicine or substance on the list, as it was found."""

    kind: str  # "drug" or "substance"
    pk: int
    name: str  # the generic or substance name
    entered: str  # what the reader typed, e.g. a brand name
    url: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)

    @property
    def entered_other_name(self) -> bool:
        """The reader typed a brand or other name, not the generic name itself."""
        return fold(self.entered) != fold(self.name)


@dataclass(frozen=True)
class Suggestion:
    name: str
    query: str  # the list with the unknown name replaced by this one


@dataclass(frozen=True)
class UnknownName:
    name: str
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True)
class FormRow:
    """One field of the checker's form."""

    number: int
    value: str
    remove_query: str = ""  # the list without this name, for a plain "Remove" link
    is_unknown: bool = False
    is_new: bool = False  # the field "Add another" asked for


@dataclass(frozen=True)
class Finding(InteractionFacts):
    """One stored interaction that applies to one pair on the list."""

    first: Item
    second: Item
    interaction: Interaction
    # For a class-level row: the class the row names, and the other item's own class within it.
    listed_class: DrugClass | None = None
    member_class: DrugClass | None = None
    member: Item | None = None  # the item that belongs to the class

    @property
    def subject(self) -> str:
        """The medicine the interaction is recorded for."""
        return self.interaction.drug.generic_name

    @property
    def is_class_level(self) -> bool:
        return self.listed_class is not None


@dataclass(frozen=True)
class SeverityGroup:
    severity: str
    label: str
    findings: list[Finding]


@dataclass
class CheckResult:
    names: list[str]  # what the reader entered, cleaned, in order
    items: list[Item] = field(default_factory=list)
    unknown: list[UnknownName] = field(default_factory=list)
    duplicates: list[tuple[str, Item]] = field(default_factory=list)  # (entered, same as)
    left_out: list[str] = field(default_factory=list)  # past MAX_ITEMS
    findings: list[Finding] = field(default_factory=list)
    clear_pairs: list[tuple[Item, Item]] = field(default_factory=list)
    substances: list[str] = field(default_factory=list)  # every substance one can add

    @property
    def is_checked(self) -> bool:
        return len(self.items) >= MIN_ITEMS

    @property
    def groups(self) -> list[SeverityGroup]:
        """Findings by severity, major first; empty severities left out."""
        return [
            SeverityGroup(
                severity.value,
                severity.label,
                [f for f in self.findings if f.severity == severity.value],
            )
            for severity in Severity
            if any(f.severity == severity.value for f in self.findings)
        ]

    @property
    def pair_count(self) -> int:
        return len(self.items) * (len(self.items) - 1) // 2


def parse_names(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """The names in the `drugs` parameters (each a name or a comma list): cleaned, repeats
    dropped whatever their case, at most MAX_ITEMS; and the names past that limit."""
    names: dict[str, str] = {}
    for value in values:
        for part in SEPARATORS.split(value):
            name = clean_name(part)
            if name:
                names.setdefault(name.casefold(), name)
    ordered = list(names.values())
    return ordered[:MAX_ITEMS], ordered[MAX_ITEMS:]


def clean_name(text: str) -> str:
    """A name as typed, with control characters out, spaces collapsed and length capped."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:MAX_NAME_LENGTH].strip()


def query_string(names: Sequence[str]) -> str:
    """The shareable query for a list: drugs=baclofen,diazepam,alcohol."""
    return "drugs=" + ",".join(quote(name, safe="") for name in names)


def check_interactions(*, names: Sequence[str], left_out: Sequence[str] = ()) -> CheckResult:
    """Resolve `names` and find every interaction among them, most severe first.

    Seven queries at most: drugs with their matching names and classes (3), substances,
    the class tree, the interaction rows, and spellings for names not found."""
    result = CheckResult(names=list(names), left_out=list(left_out))
    # lower(), not casefold(): the database's LOWER() is what the names are compared with.
    keys = {name.lower() for name in names}
    substances = list(Substance.objects.order_by("name"))
    result.substances = [substance.name for substance in substances]
    drugs = _drugs_named(keys) if keys else []

    found: dict[tuple[str, int], Item] = {}
    unknown: list[str] = []
    for name in names:
        item = _resolve(name, drugs=drugs, substances=substances)
        if item is None:
            unknown.append(name)
        elif item.key in found:
            result.duplicates.append((name, found[item.key]))
        else:
            found[item.key] = item
    result.items = list(found.values())
    result.unknown = _with_suggestions(unknown, names=names) if unknown else []

    if result.is_checked:
        drugs_by_pk = {drug.pk: drug for drug in drugs}
        result.findings = _findings(result.items, drugs_by_pk=drugs_by_pk)
        paired = {(f.first.key, f.second.key) for f in result.findings}
        result.clear_pairs = [
            (a, b) for a, b in combinations(result.items, 2) if (a.key, b.key) not in paired
        ]
    return result


def _drugs_named(keys: set[str]) -> list[Drug]:
    """Published drugs with one of `keys` as generic name, brand or other name, or slug, each
    with `matched_names` (its names among the keys) and its classes. Three queries."""
    matching_names = DrugName.objects.annotate(key=Lower("name")).filter(key__in=keys)
    return list(
        Drug.objects.published()
        .annotate(key=Lower("generic_name"))
        .filter(Q(key__in=keys) | Q(slug__in=keys) | Q(pk__in=matching_names.values("drug")))
        .prefetch_related(
            Prefetch("names", queryset=matching_names, to_attr="matched_names"), "classes"
        )
    )


def _resolve(name: str, *, drugs: list[Drug], substances: list[Substance]) -> Item | None:
    key = name.lower()

    def drug_item(drug: Drug) -> Item:
        return Item("drug", drug.pk, drug.generic_name, name, drug.get_absolute_url())

    # The generic name wins over a brand that happens to be spelt the same.
    for drug in drugs:
        if key in (drug.generic_name.lower(), drug.slug):
            return drug_item(drug)
    for drug in drugs:
        if any(other.name.lower() == key for other in drug.matched_names):
            return drug_item(drug)
    for substance in substances:
        if key in (substance.name.lower(), substance.slug):
            return Item("substance", substance.pk, substance.name, name)
    return None


def _findings(items: list[Item], *, drugs_by_pk: dict[int, Drug]) -> list[Finding]:
    """Every stored interaction between two items on the list. Two queries."""
    position = {item.key: index for index, item in enumerate(items)}
    by_key = {item.key: item for item in items}
    drug_ids = [item.pk for item in items if item.kind == "drug"]
    substance_ids = [item.pk for item in items if item.kind == "substance"]
    if not drug_ids:
        return []  # substances are only ever paired with a drug

    classes = {
        drug_class.pk: drug_class
        for drug_class in DrugClass.objects.only("pk", "name", "slug", "parent_id")
    }
    parents = {pk: drug_class.parent_id for pk, drug_class in classes.items()}
    # For each drug on the list: every class containing it → its own class it was reached from.
    lineages = {
        pk: class_ancestors([c.pk for c in drugs_by_pk[pk].classes.all()], parents)
        for pk in drug_ids
    }
    containing = set().union(*lineages.values())
    rows = (
        Interaction.objects.filter(drug__in=drug_ids)
        .filter(
            Q(interactant_drug__in=drug_ids)
            | Q(interactant_class__in=containing)
            | Q(interactant_substance__in=substance_ids)
        )
        .select_related("drug", "interactant_drug", "interactant_class", "interactant_substance")
    )

    findings: dict[tuple, Finding] = {}

    def add(row: Interaction, other: Item, **via) -> None:
        subject = by_key[("drug", row.drug_id)]
        first, second = sorted((subject, other), key=lambda item: position[item.key])
        findings.setdefault((row.pk, first.key, second.key), Finding(first, second, row, **via))

    for row in rows:
        if row.interactant_drug_id:
            add(row, by_key[("drug", row.interactant_drug_id)])
        elif row.interactant_substance_id:
            add(row, by_key[("substance", row.interactant_substance_id)])
        else:
            for pk in drug_ids:
                lineage = lineages[pk]
                if pk != row.drug_id and row.interactant_class_id in lineage:
                    member = by_key[("drug", pk)]
                    add(
                        row,
                        member,
                        listed_class=row.interactant_class,
                        member_class=classes[lineage[row.interactant_class_id]],
                        member=member,
                    )
    return sorted(
        findings.values(),
        key=lambda f: (Severity.rank(f.severity), position[f.first.key], position[f.second.key]),
    )


def form_rows(*, names: Sequence[str], unknown: Iterable[str], adding: bool) -> list[FormRow]:
    """A field per name, then blank ones: enough for two names and at least one free field,
    one more on "Add another", never more than MAX_ITEMS fields in all."""
    unknown = set(unknown)
    rows = [
        FormRow(
            number=index,
            value=name,
            remove_query=query_string([other for other in names if other != name]),
            is_unknown=name in unknown,
        )
        for index, name in enumerate(names, start=1)
    ]
    blanks = max(MIN_ITEMS - len(rows), 1) + (1 if adding else 0)
    for _ in range(min(blanks, MAX_ITEMS - len(rows))):
        rows.append(FormRow(number=len(rows) + 1, value=""))
    if adding:  # the reader's next step: the first free field
        first_free = next((i for i, row in enumerate(rows) if not row.value), None)
        if first_free is not None:
            rows[first_free] = replace(rows[first_free], is_new=True)
    return rows


def _with_suggestions(unknown: list[str], *, names: Sequence[str]) -> list[UnknownName]:
    """Names not found, each with up to three published names spelt like it. One query."""
    folded = {name: fold(name) for name in unknown}
    # Candidates share the first letter or the last four letters, which keeps the query small
    # on a large catalogue and still catches a slip at either end ("kabapentin", "diazapam").
    patterns = set()
    for key in folded.values():
        if len(key) >= 3:
            patterns.add(("istartswith", key[0]))
            if len(key) >= 5:
                patterns.add(("icontains", key[-4:]))
    if not patterns:
        return [UnknownName(name) for name in unknown]

    def matching(field_name: str) -> Q:
        return reduce(or_, (Q(**{f"{field_name}__{op}": text}) for op, text in patterns))

    published = Drug.objects.published()
    candidates = (
        published.filter(matching("generic_name"))
        .order_by()
        .values_list("generic_name")
        .union(
            DrugName.objects.filter(matching("name"), drug__in=published)
            .order_by()
            .values_list("name"),
            Substance.objects.filter(matching("name")).order_by().values_list("name"),
        )
    )
    known = sorted({name for (name,) in candidates})

    def replaced(unknown_name: str, suggestion: str) -> Suggestion:
        listed = [suggestion if name == unknown_name else name for name in names]
        return Suggestion(
            suggestion, query_string(list({n.casefold(): n for n in listed}.values()))
        )

    return [
        UnknownName(name, tuple(replaced(name, s) for s in _spelt_like(key, known)))
        for name, key in folded.items()
    ]


def _spelt_like(key: str, names: list[str]) -> tuple[str, ...]:
    if len(key) < 3:
        return ()
    scored = []
    for name in names:
        name_key = fold(name)
        score = similarity(key, name_key)
        if name_key.startswith(key):  # an unfinished name: "bacl" → Baclofen
            score = max(score, 0.5)
        if score >= SUGGESTION_SIMILARITY:
            scored.append((-score, len(name), name))
    return tuple(name for _score, _length, name in sorted(scored)[:SUGGESTIONS_PER_NAME])
