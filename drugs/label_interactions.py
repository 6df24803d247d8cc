"""Interactions the FDA labels state: each label's own sentences naming another medicine, a
drug class or a substance, stored as interactions that quote the sentence.

Only what a label says is stored: the sentence is quoted (cross-references to other label
sections dropped), a sentence that says there is no interaction adds none, and the severity is
major only where the label puts it in its boxed warning or contraindications; elsewhere it is
"not graded by the label". Rows with another source (editors, NDF-RT) are never touched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from django.db import transaction

from drugs.label_text import CROSS_REFERENCE
from drugs.labels.parsing import SALT_WORDS
from drugs.models import (
    Drug,
    DrugClass,
    DrugName,
    Interaction,
    LabelSource,
    NameKind,
    Severity,
    Substance,
)
from drugs.signals import catalogue_changed

SOURCE = "FDA label"
ADVICE = (
    "Ask your doctor or pharmacist before taking these together; see the label's wording "
    "quoted below."
)
# Read in this order, strongest statement first: the first section naming an interactant is
# the one its row cites.
SECTIONS = [
    "boxed_warning",
    "contraindications",
    "warnings_and_cautions",
    "warnings",
    "drug_interactions",
    "drug_interactions_table",
]
MAJOR_SECTIONS = frozenset({"boxed_warning", "contraindications"})
# Sections that are about interactions (or about not combining) whatever a sentence's wording;
# in the others a name counts only in a sentence that speaks of using medicines together.
INTERACTION_SECTIONS = frozenset(
    {"contraindications", "drug_interactions", "drug_interactions_table"}
)
MAX_EVIDENCE = 600
LABELS_PER_QUERY = 100
WRITE_BATCH = 500

TOKEN = re.compile(r"[^\W_]+")
TAG = re.compile(r"<[^>]+>")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:](?:\s|$))")
# Not after an abbreviation: "St. John's Wort", "e.g. Warfarin", "Dr. Reddy's".
SENTENCE_END = re.compile(
    r"(?<=[a-z0-9)\]%][.!?])(?<!\bSt\.)(?<!\bDr\.)(?<!\bvs\.)(?<!e\.g\.)(?<!i\.e\.)\s+(?=[A-Z(])"
)
# The row labels of the interaction tables new-format labels print as running text.
TABLE_FIELD = re.compile(r"\s+(?=(?:Clinical Impact|Intervention|Examples?|Prevention)\s*:)")
EXAMPLES = re.compile(r"^Examples?\s*:", re.IGNORECASE)
IMPACT = re.compile(r"^Clinical Impact\s*:\s*", re.IGNORECASE)

# A sentence that says there is no interaction, or none that matters: it names no interactant.
NEGATION = re.compile(
    r"\bno (?:clinically |statistically )?(?:significant|relevant|meaningful|important|"
    r"apparent|notable|appreciable|major|marked|substantial)?\s*(?:pharmacokinetic |"
    r"pharmacodynamic |drug[- ]drug |drug )?(?:interactions?|effects?|changes?|influence|"
    r"impact|differences?|alteration)\b"
    r"|\bnot (?:clinically |statistically )?(?:significant|relevant|meaningful)"
    r"|\b(?:did|does|do|was|were|is|are|has|have|had) not (?:\w+ ){0,3}?(?:affect|alter|"
    r"change|influence|modify|increase|decrease|reduce|inhibit|induce|interact|impact|result|"
    r"produce)"
    r"|\bwithout (?:\w+ ){0,2}?interactions?\b"
    r"|\b(?:had|has|have|showed|shows) no (?:\w+ )?(?:effect|influence|impact)"
    r"|\bnot (?:expected|likely|anticipated|predicted) to\b|\bunlikely to\b"
    r"|\bno (?:dose|dosage|dosing) (?:adjustment|modification|change)"
    r"|\bwithout (?:a )?(?:dose|dosage) (?:adjustment|modification)"
    r"|\bnot (?:been )?(?:studied|evaluated|investigated|established)\b"
    r"|\b(?:was|were|is|are|remained) (?:not altered|not affected|unaffected|unchanged|"
    r"similar)\b"
    r"|\bnot (?:affected|altered|changed)\b"
    r"|\b(?:not|neither)\b[^.]{0,80}\bfound to interact"
    # Medicines merely used alongside in trials, or never studied together
    r"|\binteraction studies (?:were|have) not|\bno (?:formal |specific |dedicated )?"
    r"(?:drug[- ])?interaction stud|\bno (?:information|data) (?:is |are )?available"
    r"|\b(?:were|was) (?:concomitantly |also )?used in (?:clinical|the) (?:studies|trials)"
    r"|\bused in at least",
    re.IGNORECASE,
)
# Taking medicines together, in words a label uses for it.
TOGETHER = re.compile(
    r"concomitant|concurrent|coadminist|co-adminis|combination|combined|together|"
    r"in addition to|along with|added to|with (?:the )?use of|\buse with|\bused with|"
    r"\btaking\b|\btake\b|receiving|treated with|treatment with|therapy with|"
    r"\bon (?:\w+ )?therapy|inhibitors?\b|inducers?\b|interact|\bavoid|potentiat|"
    r"plasma (?:level|concentration)|exposure|within \d+ days|\bafter stopping|"
    r"\bwhile (?:on|taking|using)|contraindicated|simultaneous",
    re.IGNORECASE,
)
# Not an interaction either: a regimen ("is used in combination with trastuzumab") or a
# laboratory test the medicine disturbs ("Cannabinoid Test Interaction").
NOT_AN_INTERACTION = re.compile(
    r"\b(?:is|are|was|were) (?:used|indicated|given|administered|approved|studied) "
    r"(?:\w+ ){0,2}?in combination with\b|\btest interactions?\b|\bfalse[- ]positive|"
    r"\blaboratory tests?\b|\bscreening tests?\b|\bassays?\b"
    # "the following drugs can be coadministered with rilpivirine": a list of no interaction
    r"|\bcan be (?:safely )?co-?administered\b"
    # "hypersensitivity to oxaliplatin and other platinum-based drugs": an allergy
    r"|\b(?:hypersensitiv|allerg|anaphyla)\w*(?: reactions?)? to\b",
    re.IGNORECASE,
)
# Words labels use for a substance the catalogue holds under another name.
SUBSTANCE_SYNONYMS = {"alcohol": ["ethanol", "alcoholic beverages", "alcohol-containing beverages"]}
# Cross-sensitivity is an allergy, not an interaction: "hypersensitivity to other NSAIDs".
ALLERGY = re.compile(r"hypersensitiv|allerg|anaphyla|sensitivity to|cross-?reactiv", re.IGNORECASE)
# Words after a generic name that name its salt or form, not another medicine ("paroxetine
# hydrochloride hemihydrate" is paroxetine to a label that says "paroxetine").
FORM_WORDS = SALT_WORDS | {
    "acetonide",
    "benzoate",
    "bisulfate",
    "capsules",
    "decanoate",
    "dipropionate",
    "disodium",
    "erbumine",
    "extended",
    "extended-release",
    "hbr",
    "hemifumarate",
    "hemihydrate",
    "injection",
    "isethionate",
    "light",
    "malate",
    "meglumine",
    "methylsulfate",
    "nitrate",
    "oral",
    "oxalate",
    "pamoate",
    "release",
    "salicylate",
    "solution",
    "tablets",
}
MIN_NAME_LENGTH = 3
MIN_WORDS = 4


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(TOKEN.findall(text.casefold()))


@cache
def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def _class_key(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return (*tokens[:-1], _singular(tokens[-1])) if tokens else tokens


@dataclass(frozen=True)
class Target:
    kind: str  # "drug", "class" or "substance"
    pk: int
    name: str
    needs_capital: bool = False  # a brand name: a word in lower case is not the brand


@dataclass
class NameIndex:
    """Every name labels can mention, as word tuples: drugs by generic, brand and other names
    (and generic names without their salt), classes by name and synonyms (plural or not),
    substances by name. Built once per refresh."""

    drugs: dict[tuple[str, ...], Target] = field(default_factory=dict)
    classes: dict[tuple[str, ...], Target] = field(default_factory=dict)
    # first word → the lengths (in words) of the names it starts, longest first
    lengths: dict[str, list[int]] = field(default_factory=dict)
    # class id → every class containing it, itself included
    class_lineage: dict[int, set[int]] = field(default_factory=dict)
    drug_classes: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def build(cls) -> NameIndex:
        index = cls()
        drug_names = dict(Drug.objects.values_list("pk", "generic_name"))
        generic = {}
        aliases = {}
        for pk, name in drug_names.items():
            words = _tokens(name)
            generic[words] = Target("drug", pk, name)
            # "Clopidogrel bisulfate" → "clopidogrel", when no other drug is called that.
            while len(words) > 1 and words[0] not in SALT_WORDS and words[-1] in FORM_WORDS:
                words = words[:-1]
                aliases.setdefault(words, Target("drug", pk, name))
        brands = {}
        for pk, name, kind in DrugName.objects.values_list("drug_id", "name", "kind"):
            brands.setdefault(
                _tokens(name),
                Target("drug", pk, drug_names[pk], needs_capital=kind != NameKind.OTHER),
            )
        substances, substance_words = {}, {}
        for pk, name in Substance.objects.values_list("pk", "name"):
            substances[_tokens(name)] = Target("substance", pk, name)
            for word in SUBSTANCE_SYNONYMS.get(name.casefold(), []):
                substance_words[_tokens(word)] = Target("substance", pk, name)
        # Generic names first, then substances, names without their salt, and brands; but
        # "ethanol" in a label is the alcohol one drinks, not a hand sanitizer in the catalogue.
        for names in (brands, aliases, substances, generic, substance_words):
            index.drugs.update(names)

        parents: dict[int, set[int]] = defaultdict(set)
        class_names = {}
        for drug_class in DrugClass.objects.only("pk", "name", "synonyms", "parent_id"):
            class_names[drug_class.pk] = drug_class.name
            if drug_class.parent_id:
                parents[drug_class.pk].add(drug_class.parent_id)
            for name in [*drug_class.synonym_list, drug_class.name]:
                index.classes[_class_key(_tokens(name))] = Target(
                    "class", drug_class.pk, drug_class.name
                )
        included = getattr(DrugClass, "included_in", None)
        if included is not None:  # groups a class also counts among (SSRIs → serotonergic)
            for pk, group in included.through.objects.values_list(
                "from_drugclass_id", "to_drugclass_id"
            ):
                parents[pk].add(group)
        for pk in class_names:
            reached, waiting = set(), [pk]
            while waiting:
                current = waiting.pop()
                if current not in reached:
                    reached.add(current)
                    waiting.extend(parents.get(current, ()))
            index.class_lineage[pk] = reached
        for drug_id, class_id in Drug.classes.through.objects.values_list(
            "drug_id", "drugclass_id"
        ):
            index.drug_classes.setdefault(drug_id, set()).update(index.class_lineage[class_id])

        for table in (index.drugs, index.classes):
            for words in list(table):
                if not words or len("".join(words)) < MIN_NAME_LENGTH or "".join(words).isdigit():
                    del table[words]
        lengths: dict[str, set[int]] = defaultdict(set)
        for words in index.drugs:
            lengths[words[0]].add(len(words))
        for words in index.classes:
            firsts = {words[0]}
            if len(words) == 1:  # a plural starts a match too: "opioids" for "opioid"
                firsts |= {words[0] + "s", words[0] + "es", words[0][:-1] + "ies"}
            for first in firsts:
                lengths[first].add(len(words))
        index.lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}
        return index

    def mentions(self, sentence: str) -> Iterator[tuple[Target, int]]:
        """(target, index of its first word) for each name in the sentence, longest first."""
        words = TOKEN.findall(sentence.casefold())
        lengths = self.lengths
        if lengths.keys().isdisjoint(words):
            return
        position, count = 0, len(words)
        while position < count:
            if words[position] not in lengths:
                position += 1
                continue
            found = None
            for length in lengths.get(words[position], ()):
                if position + length > count:
                    continue
                key = tuple(words[position : position + length])
                target = self.drugs.get(key) or self.classes.get(_class_key(key))
                if target is None:
                    continue
                if target.needs_capital:
                    originals = TOKEN.findall(sentence)[position : position + length]
                    if all(word.islower() for word in originals):
                        continue
                found = (target, length)
                break
            if found is None:
                position += 1
                continue
            yield found[0], position
            position += found[1]

    def word_after(self, sentence: str, position: int, target: Target) -> str:
        words = TOKEN.findall(sentence.casefold())
        for length in self.lengths.get(words[position], ()):
            key = tuple(words[position : position + length])
            if (self.drugs.get(key) or self.classes.get(_class_key(key))) == target:
                return words[position + length] if position + length < len(words) else ""
        return ""

    def words_around(self, sentence: str, position: int) -> list[str]:
        """The two words before a mention and its own first word ("other opioids" may be a
        synonym itself)."""
        words = TOKEN.findall(sentence.casefold())
        return words[max(position - 2, 0) : position + 1]


@dataclass(frozen=True)
class Statement:
    """What one label says about one interactant: the section and the sentence."""

    section: str
    evidence: str
    target: Target

    @property
    def severity(self) -> str:
        return Severity.MAJOR if self.section in MAJOR_SECTIONS else Severity.UNGRADED


def sentences(text: str) -> Iterator[str]:
    """The sentences of a label section; a table row's "Examples:" is quoted with the
    clinical impact it is an example of."""
    impact = ""
    for paragraph in text.split("\n\n"):
        paragraph = SPACE_BEFORE_PUNCTUATION.sub(r"\1", CROSS_REFERENCE.sub("", paragraph))
        for sentence in SENTENCE_END.split(paragraph):
            for piece in TABLE_FIELD.split(sentence):
                piece = " ".join(piece.split()).strip()
                if not piece:
                    continue
                if IMPACT.match(piece):
                    impact = IMPACT.sub("", piece)
                    yield impact
                elif EXAMPLES.match(piece) and impact:
                    yield f"{impact} … {piece}"
                    impact = ""  # a row's impact is for its own examples only
                else:
                    yield piece


def _trimmed(sentence: str, *, around: int) -> str:
    """The sentence whole when it is short enough, else the part around the mention."""
    if len(sentence) <= MAX_EVIDENCE:
        return sentence
    start = max(0, min(around - MAX_EVIDENCE // 3, len(sentence) - MAX_EVIDENCE))
    end = start + MAX_EVIDENCE
    part = sentence[start:end]
    if start:
        part = "…" + part.split(" ", 1)[-1]
    if end < len(sentence):
        part = part.rsplit(" ", 1)[0] + "…"
    return part


def label_statements(
    sections: dict[str, str], *, drug_id: int, index: NameIndex
) -> dict[tuple[str, int], Statement]:
    """Each interactant a label's sections name, with the strongest section's best sentence."""
    own_classes = index.drug_classes.get(drug_id, set())
    found: dict[tuple[str, int], Statement] = {}
    for section in SECTIONS:
        text = sections.get(section, "")
        if section == "drug_interactions_table":
            if sections.get("drug_interactions"):
                continue  # the same table, already read as text
            text = TAG.sub(" ", text)
        if not text:
            continue
        in_section: dict[tuple[str, int], tuple[bool, Statement]] = {}
        for sentence in sentences(text):
            mentions = [
                (target, position)
                for target, position in index.mentions(sentence)
                if (target.kind, target.pk) not in found
                and not (target.kind == "drug" and target.pk == drug_id)
                # "Concomitant use of opioids with…" in an opioid's label is about itself;
                # "other opioids" is an interaction.
                and not (
                    target.kind == "class"
                    and target.pk in own_classes
                    and "other" not in index.words_around(sentence, position)
                )
                # "neuroleptic malignant syndrome" names a condition, not a class
                and index.word_after(sentence, position, target) != "malignant"
            ]
            # A heading ("Tacrolimus") names a medicine but states nothing about it.
            if (
                not mentions
                or len(sentence.split()) < MIN_WORDS
                or NEGATION.search(sentence)
                or NOT_AN_INTERACTION.search(sentence)
            ):
                continue
            together = bool(TOGETHER.search(sentence))
            if section not in INTERACTION_SECTIONS and not together:
                continue
            if ALLERGY.search(sentence) and (not together or section == "contraindications"):
                continue
            best = together and not EXAMPLES.search(sentence.split(" … ")[-1])
            starts = [m.start() for m in TOKEN.finditer(sentence)]
            for target, position in mentions:
                key = (target.kind, target.pk)
                if key in in_section and (in_section[key][0] or not best):
                    continue
                evidence = _trimmed(sentence, around=starts[position])
                in_section[key] = (best, Statement(section, evidence, target))
        for key, (_best, statement) in in_section.items():
            found.setdefault(key, statement)
    return found


@dataclass
class RefreshSummary:
    labels: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"Interactions from {self.labels} FDA labels: {self.created} created, "
            f"{self.updated} updated, {self.removed} removed, {self.unchanged} unchanged"
        )


FIELDS = ["drug_id", "severity", "effect", "advice", "label_section", "evidence", "source_id"]


def _interactant_field(kind: str) -> str:
    return {"drug": "interactant_drug_id", "class": "interactant_class_id"}.get(
        kind, "interactant_substance_id"
    )


def _row_key(row: Interaction) -> tuple[int, str, int]:
    if row.interactant_drug_id:
        return (row.label_source_id, "drug", row.interactant_drug_id)
    if row.interactant_class_id:
        return (row.label_source_id, "class", row.interactant_class_id)
    return (row.label_source_id, "substance", row.interactant_substance_id)


def refresh_label_interactions(*, sources: Iterable[LabelSource] | None = None) -> RefreshSummary:
    """Bring the interactions stated by FDA labels (all of them, or `sources`) up to date:
    one row per label and interactant, created, updated or removed as the labels now read.
    Editor-written and other imported rows are never touched."""
    summary = RefreshSummary()
    index = NameIndex.build()
    labels = LabelSource.objects.select_related("drug").only(
        "pk", "drug_id", "set_id", "sections", "drug__generic_name"
    )
    if sources is not None:
        labels = labels.filter(pk__in=[source.pk for source in sources])
    ids = list(labels.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for start in range(0, len(ids), LABELS_PER_QUERY):
            chunk = ids[start : start + LABELS_PER_QUERY]
            _refresh_chunk(list(labels.filter(pk__in=chunk)), index=index, summary=summary)
    if summary.created or summary.updated or summary.removed:
        # Pages show these rows; search does not index them, so no drug needs re-indexing.
        transaction.on_commit(lambda: catalogue_changed.send(sender=Interaction, drug_ids=()))
    return summary


def _refresh_chunk(labels: list[LabelSource], *, index: NameIndex, summary: RefreshSummary) -> None:
    wanted: dict[tuple[int, str, int], Interaction] = {}
    pairs: set[tuple] = set()  # the unique constraints, across this chunk's labels
    for label in labels:
        summary.labels += 1
        statements = label_statements(label.sections, drug_id=label.drug_id, index=index)
        for (kind, pk), statement in statements.items():
            if kind == "drug":
                pair = ("drug", min(label.drug_id, pk), max(label.drug_id, pk), label.set_id)
            else:
                pair = (kind, label.drug_id, pk, label.set_id)
            if pair in pairs:
                continue  # two versions of one label (one set id) state it once
            pairs.add(pair)
            row = Interaction(
                drug_id=label.drug_id,
                severity=statement.severity,
                effect=(
                    f"The FDA label for {label.drug.generic_name} warns about using it with "
                    f"{statement.target.name}."
                ),
                advice=ADVICE,
                source=SOURCE,
                source_id=label.set_id,
                label_source_id=label.pk,
                label_section=statement.section,
                evidence=statement.evidence,
            )
            setattr(row, _interactant_field(kind), pk)
            wanted[(label.pk, kind, pk)] = row

    existing = {
        _row_key(row): row
        for row in Interaction.objects.filter(
            source=SOURCE, label_source__in=[label.pk for label in labels]
        )
    }
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    changed = []
    for key, row in wanted.items():
        old = existing.get(key)
        if old is None:
            continue
        if all(getattr(old, name) == getattr(row, name) for name in FIELDS):
            summary.unchanged += 1
        else:
            for name in FIELDS:
                setattr(old, name, getattr(row, name))
            changed.append(old)
    new = [row for key, row in wanted.items() if key not in existing]
    if stale:
        Interaction.objects.filter(pk__in=stale).delete()
    if changed:
        Interaction.objects.bulk_update(changed, FIELDS, batch_size=WRITE_BATCH)
    if new:
        Interaction.objects.bulk_create(new, batch_size=WRITE_BATCH)
    summary.removed += len(stale)
    summary.updated += len(changed)
    summary.created += len(new)
