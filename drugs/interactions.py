"""Interaction rules: which interactions apply to a drug, seen from that drug's side.

An interaction is stored once, from one drug's point of view, but a reader of either drug must
see it; an interaction with a drug class applies to every drug in the class and in its
subclasses (Benzodiazepines sit inside CNS depressants).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

from django.db import connections
from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower

from drugs.labels.parsing import SECTION_TITLES
from drugs.models import (
    Drug,
    DrugClass,
    Interaction,
    Severity,
    SeverityRank,
    Substance,
    choice_label,
)

# What a reader sees of a row, fetched with it: a label's text is left behind.
RELATED = ("drug", "interactant_drug", "interactant_class", "interactant_substance", "label_source")
# What is shown of the rows RELATED names: a medicine's name, address and whether it is
# public, a class's name and address, a label's set id. Loading whole medicines (label text,
# drafts and all) for the 779 interactions baclofen's classes reach at scale doubled the cost.
SHOWN_OF_RELATED = {
    "drug": ("generic_name", "slug", "status", "published_at"),
    "interactant_drug": ("generic_name", "slug", "status", "published_at"),
    "interactant_class": ("name", "slug", "kind", "parent"),
    "interactant_substance": ("name",),
    "label_source": ("set_id",),
}


def with_related(
    rows: QuerySet[Interaction], *, known: Iterable[str] = ()
) -> QuerySet[Interaction]:
    """Interaction rows with what is shown of the rows they name, in the same query, but for
    the relations `known` (of RELATED), which the caller already holds and sets itself."""
    own = [field.name for field in Interaction._meta.concrete_fields]
    joined = [name for name in RELATED if name not in known]
    shown = [f"{name}__{field}" for name in joined for field in SHOWN_OF_RELATED[name]]
    return rows.select_related(*joined).only(*own, *shown)


class InteractionFacts:
    """What a reader is told about an interaction row, for classes that hold one as
    `interaction`: how severe it is, what happens and what to do."""

    interaction: Interaction

    @property
    def severity(self) -> str:
        return self.interaction.severity

    @property
    def severity_label(self) -> str:
        return choice_label(self.interaction, "severity")

    @property
    def effect(self) -> str:
        return self.interaction.effect

    @property
    def advice(self) -> str:
        return self.interaction.advice

    # An interaction a label states: its sentence, and where in which label it stands. Expects
    # the row's drug and label source fetched with it.

    @property
    def is_from_label(self) -> bool:
        return self.interaction.label_source_id is not None and bool(self.interaction.evidence)

    @property
    def evidence(self) -> str:
        return self.interaction.evidence

    @property
    def label_drug_name(self) -> str:
        return self.interaction.drug.generic_name

    @property
    def label_section_title(self) -> str:
        section = self.interaction.label_section
        return SECTION_TITLES.get(section, section.replace("_", " ").capitalize())

    @property
    def label_section_url(self) -> str:
        """The section on the drug's page, where the label's text is shown (drug_detail.html
        gives each label section the id label-<set id>-<section key>)."""
        row = self.interaction
        return f"{row.drug.get_absolute_url()}#{label_anchor(row.source_id, row.label_section)}"

    @property
    def dailymed_url(self) -> str:
        return self.interaction.label_source.dailymed_url


def label_anchor(set_id: str, section: str) -> str:
    """The id of a label section on a drug's page: a drug can have several labels."""
    return f"label-{set_id}-{section}"


@dataclass(frozen=True)
class InteractionEntry(InteractionFacts):
    """One interaction as a reader of `subject` sees it."""

    interaction: Interaction
    other_name: str
    other_url: str | None
    via_class: DrugClass | None  # set when it applies through the subject's class
    # For a substance reached through the class the row names: the substance's own class.
    through_class: DrugClass | None = None

    @property
    def kind(self) -> str:
        if self.interaction.interactant_substance_id or self.through_class is not None:
            return "substance"
        if self.interaction.interactant_class_id and self.via_class is None:
            return "class"
        return "drug"


def class_tree() -> dict[int, tuple[int, ...]]:
    """Every class → the broader classes it sits in: its parent and the groups it also counts
    among (SSRIs among serotonergic drugs). One query."""
    tree: dict[int, set[int]] = {}
    for pk, parent, group in DrugClass.objects.values_list("pk", "parent_id", "included_in"):
        tree.setdefault(pk, set()).update(b for b in (parent, group) if b is not None)
    return {pk: tuple(broader) for pk, broader in tree.items()}


def class_ancestors(class_ids: Iterable[int], tree: dict[int, tuple[int, ...]]) -> dict[int, int]:
    """Map every class id that contains one of `class_ids` (themselves included) to the
    member class it was reached from, walking `tree` (class_tree())."""
    reached: dict[int, int] = {}
    for start in class_ids:
        waiting = [start]
        while waiting:
            current = waiting.pop()
            if current in reached:
                continue
            reached[current] = start
            waiting.extend(tree.get(current, ()))
    return reached


def interactions_concerning(drug: Drug, *, tree: dict[int, tuple[int, ...]] | None = None):
    """Interaction rows that concern `drug` from either side, and the drug's class lineage
    (a map from every class containing the drug to the drug's own class it was reached from)."""
    lineage = class_ancestors(
        [c.pk for c in drug.classes.all()], class_tree() if tree is None else tree
    )
    rows = Interaction.objects.filter(
        Q(drug=drug) | Q(interactant_drug=drug) | Q(interactant_class__in=list(lineage))
    )
    return with_related(rows), lineage


def class_tree_and_substances() -> tuple[
    dict[int, tuple[int, ...]], list[tuple[Substance, DrugClass]]
]:
    """class_tree(), and each substance with a class it is in (alcohol, CNS depressants), in
    the same one query."""
    tree: dict[int, set[int]] = {}
    members: dict[tuple[int, int], tuple[Substance, DrugClass]] = {}
    rows = DrugClass.objects.values_list(
        "pk", "name", "slug", "parent_id", "included_in", "substances", "substances__name"
    )
    for pk, name, slug, parent, group, substance, substance_name in rows:
        tree.setdefault(pk, set()).update(b for b in (parent, group) if b is not None)
        if substance is not None and (substance, pk) not in members:
            members[(substance, pk)] = (
                Substance(pk=substance, name=substance_name),
                DrugClass(pk=pk, name=name, slug=slug, parent_id=parent),
            )
    return {pk: tuple(broader) for pk, broader in tree.items()}, list(members.values())


def substances_in(
    class_ids: Iterable[int],
    *,
    tree: dict[int, tuple[int, ...]],
    members: list[tuple[Substance, DrugClass]],
) -> dict[int, list[tuple[Substance, DrugClass]]]:
    """The substances each class reaches (alcohol among CNS depressants), with the
    substance's own class it was reached through."""
    wanted = set(class_ids)
    reached: dict[int, list[tuple[Substance, DrugClass]]] = {pk: [] for pk in wanted}
    for substance, own in sorted(members, key=lambda member: member[0].name.lower()):
        for broader in class_ancestors([own.pk], tree):
            if broader in wanted and all(s.pk != substance.pk for s, _ in reached[broader]):
                reached[broader].append((substance, own))
    return reached


class DrugInteractions:
    """Every published interaction that concerns a drug, most severe first, then by name; an
    interaction with a class reaches the substances in it too. A list that builds only the
    part asked for: baclofen's classes reach 779 interactions at scale, and its monograph
    shows 10 (the Paginator of the page of all of them slices it too).

    The rows the drug's own label or editor wrote (and the substances their classes reach)
    are fetched whole; the rows other drugs wrote about it, through its name or a class it is
    in, are the many, and come sorted and cut in SQL with their total, and only the rows of
    the part asked for are built. Those of drugs the public does not see are left out by
    those drugs' ids (Publishable.hidden(): a few hundred), not by joining every published
    one: joined, SQLite's planner started from every published medicine for a drug whose
    classes are large (235 ms for ibutilide's page of interactions at scale). Three queries
    for the whole list, four for a slice, and a count is free after either
    (docs/decisions/merged-pages.md)."""

    def __init__(self, drug: Drug):
        self.drug = drug
        self._total: int | None = None  # of the rows written by others
        self._others_by_severity: dict[str, int] | None = None  # and of each severity
        # What is known without reading: the first entries, as [0:_known_stop], how many in
        # all and of each severity (known()).
        self._known: list[InteractionEntry] | None = None
        self._known_stop = 0
        self._known_count: int | None = None
        self._known_by_severity: list[tuple[str, int]] | None = None

    @classmethod
    def known(
        cls,
        drug: Drug,
        *,
        first: list[InteractionEntry],
        stop: int,
        count: int,
        by_severity: list[tuple[str, int]],
    ) -> DrugInteractions:
        """The list of which `first` is [0:stop] and the rest is counted (by_severity()), as
        kept (drugs.kept_interactions): slices within it and the counts cost no query, and a
        slice past it is read as in any list."""
        found = cls(drug)
        found._known, found._known_stop = first, stop
        found._known_count, found._known_by_severity = count, by_severity
        return found

    @cached_property
    def classes(self) -> tuple[dict[int, tuple[int, ...]], list[tuple[Substance, DrugClass]]]:
        """class_tree_and_substances(), read once for this list and for the page it is on
        (the open data's class members walk the same tree)."""
        return class_tree_and_substances()

    @cached_property
    def _lineage(self) -> tuple[dict[int, int], dict[int, list[tuple[Substance, DrugClass]]]]:
        """The drug's class lineage (class_ancestors of its classes), and the substances
        each class the drug's own rows name reaches."""
        tree, members = self.classes
        lineage = class_ancestors([c.pk for c in self.drug.classes.all()], tree)
        class_ids = {row.interactant_class_id for row in self._own_rows} - {None}
        return lineage, substances_in(class_ids, tree=tree, members=members)

    @cached_property
    def _own_rows(self) -> list[Interaction]:
        # Their drug is this one, held already: joined again, PostgreSQL took 0.89 ms to plan
        # the five tables' join, against 0.36 for four. Unordered: _own sorts them, and an
        # ordered query has Django match every selected column against the ordering (0.4 ms
        # of compiling this one at scale).
        own = Interaction.objects.filter(drug=self.drug).order_by()
        rows = list(with_related(own, known=["drug"]))
        for row in rows:
            row.drug = self.drug
        return rows

    @cached_property
    def _own(self) -> list[InteractionEntry]:
        """The entries of the rows stored on the drug itself, sorted."""
        _lineage, substances = self._lineage
        entries = []
        for row in self._own_rows:
            for substance, own in substances.get(row.interactant_class_id, []):
                entries.append(
                    InteractionEntry(
                        interaction=row,
                        other_name=substance.name,
                        other_url=None,
                        via_class=None,
                        through_class=own,
                    )
                )
            other = row.interactant
            if isinstance(other, Drug) and not other.is_live:
                continue  # unpublished drugs stay invisible, even by name
            url = other.get_absolute_url() if hasattr(other, "get_absolute_url") else None
            entries.append(
                InteractionEntry(
                    interaction=row, other_name=str(other), other_url=url, via_class=None
                )
            )
        return sorted(entries, key=sort_key)

    def _by_other_public_drugs(self) -> QuerySet[Interaction]:
        """Rows other drugs store, those the public does not see left out, unordered."""
        return (
            Interaction.objects.order_by()
            .exclude(drug=self.drug)
            .exclude(drug__in=Drug.objects.hidden().values("pk"))
        )

    def _others(self) -> QuerySet[Interaction]:
        """The rows other public drugs store about this one, by its name or a class it is in,
        in the order readers see them: the whole list's query."""
        lineage, _substances = self._lineage
        rows = self._by_other_public_drugs().filter(
            Q(interactant_drug=self.drug) | Q(interactant_class__in=list(lineage))
        )
        return rows.order_by(SeverityRank(), Lower("drug_name"), "pk")

    def _others_apart(self) -> QuerySet[Interaction]:
        """The same rows as _others(), unordered: those naming the drug and those naming one
        of its classes, each part read from its own index alone (Interaction.Meta.indexes), in
        a UNION ALL (a row names one interactant, so none is in both). ORed, PostgreSQL
        combined the two indexes in a bitmap and then read every row: 6,200 blocks of the
        table for phenytoin's 8,428 at 20,000 medicines."""
        lineage, _substances = self._lineage
        public = self._by_other_public_drugs()
        by_name = public.filter(interactant_drug=self.drug)
        if not lineage:
            return by_name
        by_class = public.filter(interactant_class__in=list(lineage))
        return by_name.union(by_class, all=True)

    def _with_related(self, rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
        """with_related() for the rows of others, which name this drug or one of its classes
        and never a substance: the drug they name is this one, held already, so neither is
        joined (_other_entries sets it). A monograph's ten rows with five joins cost
        PostgreSQL's server 3.3 ms, most of it planning; with three, 1.2."""
        return with_related(rows, known=["interactant_drug", "interactant_substance"])

    def _other_entries(self, rows: Iterable[Interaction]) -> list[InteractionEntry]:
        lineage, _substances = self._lineage
        own_classes = {c.pk: c for c in self.drug.classes.all()}
        entries = []
        for row in rows:
            if row.interactant_drug_id == self.drug.pk:
                row.interactant_drug = self.drug
            entries.append(
                InteractionEntry(
                    interaction=row,
                    other_name=str(row.drug),
                    other_url=row.drug.get_absolute_url(),
                    via_class=own_classes.get(lineage.get(row.interactant_class_id)),
                )
            )
        return entries

    def know_first(self, stop: int) -> tuple[list[InteractionEntry], int, list[tuple[str, int]]]:
        """Read the first `stop`, how many there are in all and of each severity (with the
        slice, no more queries), and know them from now on: what known() is given."""
        first = self[:stop]
        count, by_severity = self.count(), self.by_severity()
        self._known, self._known_stop = first, stop
        self._known_count, self._known_by_severity = count, by_severity
        return first, count, by_severity

    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        if self._total is None:
            self._total = self._others_apart().count()
        return len(self._own) + self._total

    def __len__(self) -> int:
        return self.count()

    def by_severity(self) -> list[tuple[str, int]]:
        """How many of the whole list are of each severity, most severe first, severities
        with none left out: what a page that shows the first few says of the rest. Counted
        with a slice (its window counts), else in one grouped query."""
        if self._known_by_severity is not None:
            return list(self._known_by_severity)
        counts = dict.fromkeys(Severity.values, 0)
        for entry in self._own:
            counts[entry.severity] += 1
        others = self._others_by_severity
        if others is None:  # not counted with a slice
            others = dict(
                Interaction.objects.filter(pk__in=self._others_apart().values("pk"))
                .order_by()
                .values_list("severity")
                .annotate(n=Count("pk"))
            )
        for severity, n in others.items():
            counts[severity] = counts.get(severity, 0) + n
        return [(severity, n) for severity, n in counts.items() if n]

    def __getitem__(self, index: slice) -> list[InteractionEntry]:
        if not isinstance(index, slice) or (index.step or 1) != 1:
            raise TypeError("DrugInteractions is read a slice at a time, e.g. [0:50]")
        stop = index.stop
        if stop is not None and (stop < 0 or (index.start or 0) < 0):
            raise TypeError("DrugInteractions takes no negative bounds")
        if self._known is not None and stop is not None and stop <= self._known_stop:
            return self._known[index]
        if stop is None:
            rows = list(self._with_related(self._others()))
            self._total = len(rows)
            merged = heapq.merge(self._own, self._other_entries(rows), key=sort_key)
            return list(merged)[index]
        # The first `stop` ids with their sort keys and total, merged with the drug's own
        # entries; then only the shown rows fetched: sorting the whole set with its related
        # rows joined made PostgreSQL hash every published medicine and every label (18 ms
        # at scale), and building every row before a page far down cost as much again.
        # With the total, and how many of each severity (for by_severity()).
        ranked = self._ranked(stop)
        if stop > 0:  # ids from the first on: their counts came with them
            # Sums of counts: PostgreSQL's are numeric (Decimal), SQLite's integers.
            counts = [int(n) for n in ranked[0][3:]] if ranked else [0] * (1 + len(Severity))
            self._total = counts[0]
            self._others_by_severity = dict(zip(Severity.values, counts[1:], strict=True))
        keys = [(Severity.rank(row[1]), row[2].lower(), row[0]) for row in ranked]
        # Merged, not sorted again: the others keep the database's order (its collation may
        # place "co-trimoxazole" apart from Python's), so that every slice is the start of
        # the same one list and pages neither repeat nor skip a row.
        merged = heapq.merge(
            ((sort_key(entry), entry) for entry in self._own),
            ((key, None) for key in keys),
            key=lambda pair: pair[0],
        )
        shown = list(islice(merged, stop))[index]
        ids = [key[2] for key, entry in shown if entry is None]
        rows = self._with_related(Interaction.objects.order_by()).in_bulk(ids)  # by id: no order
        others = {
            e.interaction.pk: e for e in self._other_entries(rows[pk] for pk in ids if pk in rows)
        }
        # A row gone between the two queries is left out rather than a KeyError.
        return [entry or others[key[2]] for key, entry in shown if entry or key[2] in others]

    def __iter__(self):
        return iter(self[:])

    def _ranked(self, stop: int) -> list[tuple]:
        """The first `stop` of the others' rows in the readers' order, as (id, severity, drug
        name, total, then the count of each severity): ranking_statement()."""
        if stop == 0:
            return []
        lineage, _substances = self._lineage
        using, statement, params = ranking_statement(self.drug, list(lineage), stop)
        with connections[using].cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()


def ranking_statement(drug: Drug, class_ids: list[int], stop: int) -> tuple[str, str, list]:
    """The database alias, SQL and parameters of one statement that finds the first `stop`
    rows other public medicines store about `drug`, by its name or one of `class_ids` (its
    lineage), in the readers' order, each with the total and the count of each severity.

    The rows naming the drug, and those naming each class, are each a range of an index in
    the readers' order (interaction_order_by_drug and _class), so the first `stop` of each
    part are read from the start of its range, and only those are merged: sorting every row
    for the first ten cost 10.8 ms on SQLite and 10 on PostgreSQL for phenytoin's 8,428 at
    20,000 medicines, 3.5 and 3.6 this way. The same indexes hold whose rows they are and
    how severe, so hidden medicines' rows are left out and the rest counted from them alone.
    Written out rather than composed by the ORM: it writes no LIMIT inside a union on SQLite,
    and compiling a queryset for each class cost the application more than the saving."""
    hidden = Drug.objects.hidden().order_by().values("pk")
    hidden_sql, hidden_params = hidden.query.get_compiler(using=hidden.db).as_sql()
    quote = connections[hidden.db].ops.quote_name
    table = quote(Interaction._meta.db_table)
    fields = ("id", "severity", "drug_name", "drug", "interactant_drug", "interactant_class")
    pk, severity, name, owner, by_drug, by_class = (
        quote(Interaction._meta.get_field(field).column) for field in fields
    )

    def order(of: str = "") -> str:  # the indexes' order, SeverityRank's literals and all
        rank = SeverityRank.template % {"expressions": of + severity}
        return f"{rank}, LOWER({of}{name}), {of}{pk}"

    # The hidden medicines' ids once, for every part (a hashed subquery each, each reading
    # them from the medicines again, cost PostgreSQL 0.2 ms a part: 4 for nine classes).
    others = f"{owner} <> %s AND {owner} NOT IN (SELECT pk FROM hidden)"
    # Each part with its own parameters, in the order both are written.
    parts = [(by_drug, drug.pk), *((by_class, class_id) for class_id in class_ids)]
    firsts = [
        (
            f"SELECT * FROM (SELECT {pk}, {severity}, {name} FROM {table}"
            f" WHERE {column} = %s AND {others} ORDER BY {order()} LIMIT %s) part",
            [value, drug.pk, stop],
        )
        for column, value in parts
    ]
    # Counted without order: the rows naming any of the classes in one range scan each.
    every = [
        (f"SELECT {severity} FROM {table} WHERE {by_drug} = %s AND {others}", [drug.pk, drug.pk])
    ]
    if class_ids:
        listed = ", ".join("%s" for _ in class_ids)
        every.append(
            (
                f"SELECT {severity} FROM {table} WHERE {by_class} IN ({listed}) AND {others}",
                [*class_ids, drug.pk],
            )
        )
    firsts_sql, firsts_params = union_all(firsts)
    every_sql, every_params = union_all(every)
    counts = "".join(f", SUM(CASE WHEN {severity} = %s THEN n ELSE 0 END)" for _ in Severity)
    statement = (
        f"WITH hidden AS ({hidden_sql}) SELECT firsts.*, counted.* FROM ({firsts_sql}) firsts"
        f" CROSS JOIN (SELECT SUM(n){counts} FROM (SELECT {severity}, COUNT(*) AS n FROM"
        f" ({every_sql}) every_row GROUP BY {severity}) by_severity) counted"
        f" ORDER BY {order('firsts.')} LIMIT %s"
    )
    params = [*hidden_params, *firsts_params, *Severity.values, *every_params, stop]
    return hidden.db, statement, params


def union_all(parts: list[tuple[str, list]]) -> tuple[str, list]:
    """SELECT statements, each with its parameters, as one UNION ALL with all of them."""
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, values in parts for p in values]


def sort_key(entry: InteractionEntry) -> tuple:
    return (Severity.rank(entry.severity), entry.other_name.lower(), entry.interaction.pk)


def interactions_for(drug: Drug) -> list[InteractionEntry]:
    """Every published interaction that concerns `drug`, most severe first (DrugInteractions,
    whole)."""
    return DrugInteractions(drug)[:]
