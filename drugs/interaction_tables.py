"""Interaction tables: read published drug–drug interaction lists into interactions.

Each table layout is a `TableFormat` in `FORMATS`; the first is the US Veterans Affairs
NDF-RT list (columns drug_a, drug_b, severity, label, uri). Names are matched to drugs through
their generic and brand names, case-insensitively; a pair is one interaction whichever way
round the table lists it; editor-written interactions (blank source) are never changed.
"""

from __future__ import annotations

import csv
import enum
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from drugs.label_interactions import FORM_WORDS
from drugs.labels.parsing import SALT_WORDS, normalise_generic
from drugs.models import Drug, DrugName, Interaction, Severity

ADVICE = "Ask your doctor or pharmacist before taking these together."
UNMATCHED_SHOWN = 20  # distinct unmatched names listed in a summary; the count covers all


class InteractionFileError(Exception):
    """A table that cannot be read at all: missing, not text, or without the needed columns."""


class BadRow(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass(frozen=True)
class InteractionRow:
    """One row of a table, checked: two names, a severity on the site's scale, its source."""

    drug_a: str
    drug_b: str
    severity: str
    source: str
    source_id: str
    note: str = ""


@dataclass(frozen=True)
class TableFormat:
    """How to read one kind of interaction table."""

    name: str
    source: str  # stored on each interaction, e.g. "NDF-RT (US Veterans Affairs)"
    columns: frozenset[str]  # the header must have these
    severities: dict[str, str]  # the table's severity (lower case) → Severity value
    parse: Callable[[TableFormat, dict[str, str]], InteractionRow]
    effect: Callable[[InteractionRow], str]  # plain language, when the table gives none


def _parse_ndfrt(table: TableFormat, row: dict[str, str]) -> InteractionRow:
    drug_a, drug_b = _name(row, "drug_a"), _name(row, "drug_b")
    raw = (row.get("severity") or "").strip()
    severity = table.severities.get(raw.lower())
    if severity is None:
        raise BadRow(f"unknown severity {raw!r}" if raw else "no severity")
    return InteractionRow(
        drug_a=drug_a,
        drug_b=drug_b,
        severity=severity,
        source=table.source,
        source_id=(row.get("uri") or "").strip()[:200],
        note=(row.get("label") or "").strip(),
    )


def _ndfrt_effect(row: InteractionRow) -> str:
    level = "critical" if row.severity == Severity.MAJOR else "significant"
    return f"The VA's NDF-RT lists this combination as a {level} interaction."


NDFRT = TableFormat(
    name="ndfrt",
    source="NDF-RT (US Veterans Affairs)",
    columns=frozenset({"drug_a", "drug_b", "severity"}),
    severities={"critical": Severity.MAJOR, "significant": Severity.MODERATE},
    parse=_parse_ndfrt,
    effect=_ndfrt_effect,
)

FORMATS: dict[str, TableFormat] = {table.name: table for table in [NDFRT]}


def _name(row: dict[str, str], key: str) -> str:
    # Some names come with underscores for spaces ("Valproic_Acid").
    name = " ".join((row.get(key) or "").replace("_", " ").split())
    if not name:
        raise BadRow(f"{key} is blank")
    if len(name) > 200:
        raise BadRow(f"{key} is {len(name)} characters long")
    return name


# Reading -----------------------------------------------------------------------------------


def iter_rows(
    path: Path | str, *, table: TableFormat
) -> Iterator[tuple[str, InteractionRow | BadRow]]:
    """(position, row) for each data row of a table file; a row that cannot be read comes as
    a BadRow. InteractionFileError when the file itself cannot be read."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InteractionFileError(f"{path}: {error.strerror or error}") from error
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = {(c or "").strip().lower() for c in reader.fieldnames or []}
        except (UnicodeDecodeError, csv.Error) as error:
            raise InteractionFileError(f"{path}: not a readable CSV file ({error})") from error
        missing = table.columns - header
        if missing:
            raise InteractionFileError(
                f"{path}: not an {table.name} table (missing columns: {', '.join(sorted(missing))})"
            )
        reader.fieldnames = [(c or "").strip().lower() for c in reader.fieldnames or []]
        line = 1
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, csv.Error) as error:
                raise InteractionFileError(f"{path} after line {line}: {error}") from error
            line = reader.line_num
            try:
                yield f"line {line}", table.parse(table, raw)
            except BadRow as error:
                yield f"line {line}", error


# Matching ----------------------------------------------------------------------------------


# The international (INN) name a table may use for a medicine the US labels call by its US
# (USAN) name: https://www.who.int/teams/health-product-and-policy-standards/inn
INN_TO_USAN = {
    "aciclovir": "acyclovir",
    "adrenaline": "epinephrine",
    "benzatropine": "benztropine",
    "dicoumarol": "dicumarol",
    "frusemide": "furosemide",
    "glycerol": "glycerin",
    "l-dopa": "levodopa",
    "mesalazine": "mesalamine",
    "methylergometrine": "methylergonovine",
    "noradrenaline": "norepinephrine",
    "paracetamol": "acetaminophen",
    "pethidine": "meperidine",
    "rifampicin": "rifampin",
    "salbutamol": "albuterol",
    "torasemide": "torsemide",
}


def name_map() -> dict[str, int]:
    """Lower-cased generic and brand names → drug id, in two queries; generic names win. Also
    a generic name without the salt or form words a drug was imported with ("clopidogrel" for
    "Clopidogrel bisulfate"), and international names for US ones ("pethidine")."""
    names = dict(
        DrugName.objects.annotate(key=Lower("name")).order_by().values_list("key", "drug_id")
    )
    generic = dict(
        Drug.objects.annotate(key=Lower("generic_name")).order_by().values_list("key", "pk")
    )
    for key, pk in generic.items():
        words = key.split()
        while len(words) > 1 and words[0] not in SALT_WORDS and words[-1] in FORM_WORDS:
            words.pop()
            names.setdefault(" ".join(words), pk)
    names.update(generic)
    for inn, usan in INN_TO_USAN.items():
        if usan in names:
            names.setdefault(inn, names[usan])
    return names


def match(name: str, names: dict[str, int]) -> int | None:
    """The drug id for a table's name: as written, else without its salt ("ETHYNODIOL
    DIACETATE" → "ethynodiol")."""
    key = name.lower()
    if key in names:
        return names[key]
    return names.get(normalise_generic(name)[0].lower())


# Import ------------------------------------------------------------------------------------


class Result(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept (editorial)"
    SKIPPED = "skipped"


@dataclass
class Summary:
    """What an import did: pairs by result, rows skipped with their reasons, unmatched names."""

    rows: int = 0
    pairs: Counter = field(default_factory=lambda: Counter(dict.fromkeys(Result, 0)))
    merged: int = 0  # rows folded into a pair listed earlier (either order)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    unmatched: Counter = field(default_factory=Counter)  # name → rows it appears in

    @property
    def matched_pairs(self) -> int:
        return sum(self.pairs.values()) - self.pairs[Result.SKIPPED]


@dataclass
class _Pair:
    drug_id: int
    other_id: int
    row: InteractionRow


def import_interactions(path: Path | str, *, table: str = "ndfrt") -> Summary:
    """Import an interaction table: one interaction per pair of matched drugs, created or
    brought up to date; editor-written ones left alone. Each pair is its own transaction."""
    try:
        table_format = FORMATS[table]
    except KeyError:
        raise InteractionFileError(
            f"unknown table {table!r} (known: {', '.join(sorted(FORMATS))})"
        ) from None
    summary = Summary()
    names = name_map()
    pairs: dict[tuple[int, int], _Pair] = {}
    for position, row in iter_rows(path, table=table_format):
        summary.rows += 1
        if isinstance(row, BadRow):
            summary.skipped.append((position, str(row)))
            continue
        ids = [match(row.drug_a, names), match(row.drug_b, names)]
        unknown = [n for n, i in zip([row.drug_a, row.drug_b], ids, strict=True) if i is None]
        if unknown:
            summary.unmatched.update(unknown)
            summary.skipped.append((position, f"no drug named {' or '.join(unknown)}"))
            continue
        drug_id, other_id = ids
        if drug_id == other_id:
            summary.skipped.append((position, f"{row.drug_a} and {row.drug_b} are the same drug"))
            continue
        key = (min(drug_id, other_id), max(drug_id, other_id))
        if key in pairs:
            # Listed twice (either order, or under another name): one interaction, the more
            # severe reading kept, so the result does not depend on the order of the rows.
            summary.merged += 1
            if Severity.rank(row.severity) < Severity.rank(pairs[key].row.severity):
                pairs[key].row = row
            continue
        pairs[key] = _Pair(drug_id, other_id, row)
    # This table's own rows, and editors' rows (which it leaves alone); a pair may also have
    # rows from other sources, such as the FDA labels, which are not this import's to change.
    existing = {
        (min(i.drug_id, i.interactant_drug_id), max(i.drug_id, i.interactant_drug_id)): i
        for i in Interaction.objects.filter(
            Q(source=table_format.source) | Q(source=""), interactant_drug__isnull=False
        ).order_by("-source")
    }
    for key, pair in pairs.items():
        summary.pairs[_store(pair, existing.get(key), table=table_format, summary=summary)] += 1
    return summary


def _store(
    pair: _Pair, interaction: Interaction | None, *, table: TableFormat, summary: Summary
) -> Result:
    if interaction is not None and not interaction.source:
        return Result.KEPT
    values = {
        "severity": pair.row.severity,
        "effect": table.effect(pair.row),
        "advice": ADVICE,
        "source": pair.row.source,
        "source_id": pair.row.source_id,
    }
    if interaction is None:
        interaction = Interaction(drug_id=pair.drug_id, interactant_drug_id=pair.other_id)
        result = Result.CREATED
    elif all(getattr(interaction, k) == v for k, v in values.items()):
        return Result.UNCHANGED
    else:
        result = Result.UPDATED
    for name, value in values.items():
        setattr(interaction, name, value)
    try:
        with transaction.atomic():
            interaction.save()
    except (DataError, IntegrityError) as error:
        summary.skipped.append(
            (f"{pair.row.drug_a} + {pair.row.drug_b}", f"the database refused it: {error}")
        )
        return Result.SKIPPED
    return result
