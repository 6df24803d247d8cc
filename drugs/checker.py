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
from functools import cache, reduce
from itertools import combinations
from operator import or_
from urllib.parse import quote

from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Lower

from drugs.interactions import InteractionFacts, class_ancestors, with_related
from drugs.models import Drug, DrugClass, DrugName, Interaction, Severity, Substance
from drugs.names import KnownName, did_you_mean, fold
from medguide.editorial.models import published_through

MIN_ITEMS = 2
MAX_ITEMS = 10
MAX_NAME_LENGTH = 120
# Names split on commas (the shareable ?drugs=a,b,c), semicolons and new lines.
SEPARATORS = re.compile(r"[,;\r\n]+")
SUGGESTIONS_PER_NAME = 3


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
    generic: str = ""  # when `name` is a brand or other name: the generic name it stands for


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


@dataclass(frozen=True)
class SharedEffect:
    """Three or more items on the list that meet through one class an interaction row names
    (three sedatives: baclofen's row with CNS depressants, diazepam and alcohol among them).
    Each adds to the others' effect, so they are one warning, with every pair's source in it,
    rather than a card per pair."""

    drug_class: DrugClass
    items: list[Item]
    findings: list[Finding]

    @property
    def severity(self) -> str:
        return min((f.severity for f in self.findings), key=Severity.rank)

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label


@dataclass
class CheckResult:
    names: list[str]  # what the reader entered, cleaned, in order
    items: list[Item] = field(default_factory=list)
    unknown: list[UnknownName] = field(default_factory=list)
    duplicates: list[tuple[str, Item]] = field(default_factory=list)  # (entered, same as)
    left_out: list[str] = field(default_factory=list)  # past MAX_ITEMS
    findings: list[Finding] = field(default_factory=list)
    shared_effects: list[SharedEffect] = field(default_factory=list)
    clear_pairs: list[tuple[Item, Item]] = field(default_factory=list)
    substances: list[str] = field(default_factory=list)  # every substance one can add

    @property
    def is_checked(self) -> bool:
        return len(self.items) >= MIN_ITEMS

    @property
    def groups(self) -> list[SeverityGroup]:
        """Findings by severity, major first, but for those shown within a shared effect;
        empty severities left out."""
        shared = {id(f) for effect in self.shared_effects for f in effect.findings}
        alone = [f for f in self.findings if id(f) not in shared]
        return [
            SeverityGroup(
                severity.value,
                severity.label,
                [f for f in alone if f.severity == severity.value],
            )
            for severity in Severity
            if any(f.severity == severity.value for f in alone)
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

    Seven queries: drugs with their matching names and classes (3), substances, the class
    tree, the interaction rows, and spellings for names not found; three more when a name was
    typed with other punctuation or spacing than it is stored with."""
    result = CheckResult(names=list(names), left_out=list(left_out))
    # lower(), not casefold(): the database's LOWER() is what the names are compared with.
    # Folded too, so "Lioresal®" or "Valíum" finds the name as "lioresal" or "valium".
    keys = {name.lower() for name in names} | {fold(name) for name in names}
    substances = list(Substance.objects.order_by("name"))
    result.substances = [substance.name for substance in substances]
    drugs = _drugs_named(keys) if keys else []

    missing = [name for name in names if not _resolve(name, drugs=drugs, substances=substances)]
    known = _names_like(missing) if missing else []
    # A stored name typed with other punctuation or spacing ("co careldopa" for Co-Careldopa)
    # is that name: found, not offered as a "did you mean". Three more queries, rarely.
    folded = {fold(k.name): k.name for k in known}
    respelt = {name: folded[fold(name)] for name in missing if fold(name) in folded}
    if respelt:
        drugs += _drugs_named({stored.lower() for stored in respelt.values()})

    found: dict[tuple[str, int], Item] = {}
    unknown: list[str] = []
    for name in names:
        item = _resolve(respelt.get(name, name), drugs=drugs, substances=substances)
        if item is not None:
            item = replace(item, entered=name)
        if item is None:
            unknown.append(name)
        elif item.key in found:
            result.duplicates.append((name, found[item.key]))
        else:
            found[item.key] = item
    result.items = list(found.values())
    result.unknown = _with_suggestions(unknown, names=names, known=known) if unknown else []

    if result.is_checked:
        drugs_by_pk = {drug.pk: drug for drug in drugs}
        result.findings, result.shared_effects = _findings(result.items, drugs_by_pk=drugs_by_pk)
        paired = {(f.first.key, f.second.key) for f in result.findings}
        result.clear_pairs = [
            (a, b) for a, b in combinations(result.items, 2) if (a.key, b.key) not in paired
        ]
    return result


def _drugs_named(keys: set[str]) -> list[Drug]:
    """Published drugs with one of `keys` as generic name, brand or other name, or slug, each
    with `matched_names` (its names among the keys) and its classes. Three queries."""
    matching_names = DrugName.objects.annotate(key=Lower("name")).filter(key__in=keys)
    # One UNION of three index lookups. Three conditions ORed, one of them a subquery, made
    # PostgreSQL read every drug (11 ms at 20,000, against 0.1).
    named = (
        Drug.objects.annotate(key=Lower("generic_name"))
        .filter(key__in=keys)
        .order_by()
        .values("pk")
        .union(
            Drug.objects.filter(slug__in=keys).order_by().values("pk"),
            matching_names.order_by().values("drug"),
        )
    )
    return list(
        Drug.objects.published()
        .filter(pk__in=named)
        .prefetch_related(
            Prefetch("names", queryset=matching_names, to_attr="matched_names"), "classes"
        )
    )


def _resolve(name: str, *, drugs: list[Drug], substances: list[Substance]) -> Item | None:
    key = fold(name)

    def drug_item(drug: Drug) -> Item:
        return Item("drug", drug.pk, drug.generic_name, name, drug.get_absolute_url())

    # The generic name wins over a brand that happens to be spelt the same.
    for drug in drugs:
        if key == fold(drug.generic_name) or name.lower() == drug.slug:
            return drug_item(drug)
    for drug in drugs:
        if any(fold(other.name) == key for other in drug.matched_names):
            return drug_item(drug)
    for substance in substances:
        if key == fold(substance.name) or name.lower() == substance.slug:
            return Item("substance", substance.pk, substance.name, name)
    return None


def _findings(
    items: list[Item], *, drugs_by_pk: dict[int, Drug]
) -> tuple[list[Finding], list[SharedEffect]]:
    """Every stored interaction between two items on the list, and the shared effects among
    them. Two queries."""
    position = {item.key: index for index, item in enumerate(items)}
    by_key = {item.key: item for item in items}
    drug_ids = [item.pk for item in items if item.kind == "drug"]
    substance_ids = [item.pk for item in items if item.kind == "substance"]
    if not drug_ids:
        return [], []  # substances are only ever paired with a drug

    # The class tree and the classes' names in one query (class_tree() without a second one).
    # And the classes of the substances on the list: alcohol counts among CNS depressants.
    # A class becomes a DrugClass only when a finding names it (member_class, class_of()):
    # one for each of the 258 rows at scale took 2 ms of the page's 12.
    class_rows: dict[int, tuple[str, str, int | None]] = {}
    parents: dict[int, tuple[int, ...]] = {}
    substance_classes: dict[int, set[int]] = {pk: set() for pk in substance_ids}
    for pk, name, slug, parent, group, substance in DrugClass.objects.values_list(
        "pk", "name", "slug", "parent_id", "included_in", "substances"
    ):
        class_rows[pk] = (name, slug, parent)
        parents[pk] = tuple({*parents.get(pk, ()), *(b for b in (parent, group) if b)})
        if substance in substance_classes:
            substance_classes[substance].add(pk)
    # For each drug on the list: every class containing it → its own class it was reached from.
    lineages = {
        pk: class_ancestors([c.pk for c in drugs_by_pk[pk].classes.all()], parents)
        for pk in drug_ids
    }
    substance_lineages = {
        pk: class_ancestors(own, parents) for pk, own in substance_classes.items() if own
    }
    containing = set().union(*lineages.values(), *substance_lineages.values())
    rows = with_related(
        Interaction.objects.filter(drug__in=drug_ids).filter(
            Q(interactant_drug__in=drug_ids)
            | Q(interactant_class__in=containing)
            | Q(interactant_substance__in=substance_ids)
        )
    )

    findings: dict[tuple, Finding] = {}

    @cache
    def class_of(pk: int) -> DrugClass:
        name, slug, parent = class_rows[pk]
        return DrugClass(pk=pk, name=name, slug=slug, parent_id=parent)

    def add(row: Interaction, other: Item, **via) -> None:
        subject = by_key[("drug", row.drug_id)]
        first, second = sorted((subject, other), key=lambda item: position[item.key])
        findings.setdefault((row.pk, first.key, second.key), Finding(first, second, row, **via))

    for row in rows:
        if row.interactant_drug_id:
            add(row, by_key[("drug", row.interactant_drug_id)])
        elif row.interactant_substance_id:
            add(row, by_key[("substance", row.interactant_substance_id)])
        else:  # a class row reaches every other drug, and every substance, in the class
            members = [(("drug", pk), lineages[pk]) for pk in drug_ids if pk != row.drug_id]
            members += [(("substance", pk), line) for pk, line in substance_lineages.items()]
            for key, lineage in members:
                if row.interactant_class_id in lineage:
                    member = by_key[key]
                    add(
                        row,
                        member,
                        listed_class=row.interactant_class,
                        member_class=class_of(lineage[row.interactant_class_id]),
                        member=member,
                    )
    ordered = sorted(
        findings.values(),
        # Most severe first; of equals, a row naming the drug itself, then the class closest
        # to it (Benzodiazepines before CNS depressants, for diazepam).
        key=lambda f: (
            Severity.rank(f.severity),
            position[f.first.key],
            position[f.second.key],
            f.is_class_level,
            f.listed_class != f.member_class,
        ),
    )

    # A source that speaks of the pair directly (baclofen's row with alcohol) says it better
    # than its row with a class the other belongs to (baclofen's row with CNS depressants),
    # and one label sentence that names the pair twice (tramadol, and the serotonergic drugs
    # it is one of) is shown once.
    def said_by(f: Finding) -> tuple:
        row = f.interaction
        return (f.first.key, f.second.key, row.drug_id, row.source, row.source_id)

    direct = {said_by(f) for f in ordered if not f.is_class_level}
    quoted, shown = set(), []
    for finding in ordered:
        row = finding.interaction
        quote = (finding.first.key, finding.second.key, row.label_source_id, row.evidence)
        if finding.is_class_level and said_by(finding) in direct:
            continue
        if row.evidence and quote in quoted:
            continue
        quoted.add(quote)
        shown.append(finding)
    in_class = {("drug", pk): line for pk, line in lineages.items()}
    in_class |= {("substance", pk): line for pk, line in substance_lineages.items()}
    return shown, _shared_effects(shown, items=items, in_class=in_class)


def _shared_effects(
    findings: list[Finding], *, items: list[Item], in_class: dict[tuple[str, int], dict]
) -> list[SharedEffect]:
    """Classes that a class-level row names and that three or more items on the list meet
    in: the class's members on the list, with the medicines whose rows name the class. Each
    finding among them goes into the first (largest) such effect only."""
    effects, taken = [], set()
    named = {f.listed_class.pk: f.listed_class for f in findings if f.is_class_level}
    candidates = []
    for pk, drug_class in named.items():
        subjects = {
            ("drug", f.interaction.drug_id)
            for f in findings
            if f.is_class_level and f.listed_class.pk == pk
        }
        members = [
            item for item in items if item.key in subjects or pk in in_class.get(item.key, {})
        ]
        candidates.append((drug_class, members))
    for drug_class, members in sorted(candidates, key=lambda c: (-len(c[1]), c[0].name)):
        keys = {item.key for item in members}
        inside = [
            f
            for f in findings
            if id(f) not in taken and f.first.key in keys and f.second.key in keys
        ]
        if len(members) >= 3 and len(inside) >= 2:
            effects.append(SharedEffect(drug_class, members, inside))
            taken |= {id(f) for f in inside}
    return effects


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


def _lookalike_patterns(name: str) -> list[tuple[str, str]]:
    """Where the names a reader may have meant by `name` are looked for: those sharing its
    first two letters or, from five letters on, its last four, which still catches a slip at
    either end ("kabapentin", "diazapam"). By the first letter alone, ten unknown names at
    20,000 medicines brought 35,000 candidates, each scored against every name: 1.7 s."""
    key = fold(name)
    if len(key) < 3:
        return []
    patterns = [("istartswith", key[:2])]
    if len(key) >= 5:
        patterns.append(("icontains", key[-4:]))
    return patterns


def _is_lookalike(name: str, patterns: list[tuple[str, str]]) -> bool:
    """Whether `name` (lower case) is one the `patterns` look for, as the database found it."""
    return any(
        name.startswith(text) if lookup == "istartswith" else text in name
        for lookup, text in patterns
    )


def _names_like(unknown: list[str]) -> list[KnownName]:
    """Published names that could be what the reader meant by each of `unknown`, brands and
    other names with their generic name (_lookalike_patterns). One query."""
    patterns = {pattern for name in unknown for pattern in _lookalike_patterns(name)}
    if not patterns:
        return []

    def matching(field_name: str) -> Q:
        return reduce(or_, (Q(**{f"{field_name}__{op}": text}) for op, text in patterns))

    published = Drug.objects.published()
    candidates = (
        published.filter(matching("generic_name"))
        .order_by()
        .values_list("generic_name", Value(""))
        .union(
            DrugName.objects.filter(matching("name"), published_through("drug"))
            .order_by()
            .values_list("name", "drug__generic_name"),
            Substance.objects.filter(matching("name")).order_by().values_list("name", Value("")),
        )
    )
    return [KnownName(name, generic) for name, generic in sorted(set(candidates))]


def _with_suggestions(
    unknown: list[str], *, names: Sequence[str], known: list[KnownName]
) -> list[UnknownName]:
    """Names not found, each with up to three of the `known` names spelt like it."""

    def replaced(unknown_name: str, meant: KnownName) -> Suggestion:
        listed = [meant.name if name == unknown_name else name for name in names]
        query = query_string(list({n.casefold(): n for n in listed}.values()))
        return Suggestion(meant.name, query, generic=meant.generic)

    lowered = [(candidate.name.lower(), candidate) for candidate in known]

    def suggested(name: str) -> tuple[Suggestion, ...]:
        # Each name among its own lookalikes only, not those the other names brought.
        patterns = _lookalike_patterns(name)
        own = [candidate for lower, candidate in lowered if _is_lookalike(lower, patterns)]
        return tuple(
            replaced(name, meant) for meant in did_you_mean(name, own, limit=SUGGESTIONS_PER_NAME)
        )

    return [UnknownName(name, suggested(name)) for name in unknown]
