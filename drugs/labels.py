"""FDA label import: stream openFDA `drug/label` records into label sources and label pages.

The record layout is openFDA's: https://open.fda.gov/apis/drug/label/searchable-fields/
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import ijson
import nh3
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify

from drugs.models import Drug, DrugClass, DrugName, LabelSource, NameKind, Origin, ProductType
from medguide.models import Status

# The label sections kept, in the order the monograph shows them; `_table` keys hold HTML.
SECTIONS: list[tuple[str, str]] = [
    ("boxed_warning", "Boxed warning"),
    ("indications_and_usage", "Indications and usage"),
    ("dosage_and_administration", "Dosage and administration"),
    ("dosage_and_administration_table", "Dosage and administration: tables"),
    ("dosage_forms_and_strengths", "Dosage forms and strengths"),
    ("contraindications", "Contraindications"),
    ("warnings_and_cautions", "Warnings and precautions"),
    ("warnings", "Warnings"),
    ("adverse_reactions", "Adverse reactions"),
    ("drug_interactions", "Drug interactions"),
    ("drug_interactions_table", "Drug interactions: tables"),
    ("use_in_specific_populations", "Use in specific populations"),
    ("overdosage", "Overdosage"),
    ("mechanism_of_action", "Mechanism of action"),
    ("how_supplied", "How supplied"),
    ("storage_and_handling", "Storage and handling"),
]
SECTION_TITLES = dict(SECTIONS)

# Headings the labels open their sections with, old format ("WARNINGS") and new ("5 WARNINGS
# AND PRECAUTIONS"); stripped because the page gives its own title.
HEADINGS = {
    "boxed_warning": ["boxed warning", "warning"],
    "indications_and_usage": ["indications and usage", "indications & usage", "uses", "use"],
    "dosage_and_administration": ["dosage and administration", "dosage & administration"],
    "dosage_forms_and_strengths": ["dosage forms and strengths"],
    "contraindications": ["contraindications"],
    "warnings_and_cautions": ["warnings and precautions"],
    "warnings": ["warnings"],
    "adverse_reactions": ["adverse reactions"],
    "drug_interactions": ["drug interactions"],
    "use_in_specific_populations": ["use in specific populations"],
    "overdosage": ["overdosage"],
    "mechanism_of_action": ["mechanism of action"],
    "how_supplied": ["how supplied/storage and handling", "how supplied"],
    "storage_and_handling": ["storage and handling"],
}

# Salt and hydrate words dropped from the display name ("FLUOXETINE HYDROCHLORIDE" →
# "Fluoxetine"); the label source keeps the full name.
SALT_WORDS = frozenset(
    {
        "acetate",
        "anhydrous",
        "besylate",
        "bitartrate",
        "bromide",
        "calcium",
        "chloride",
        "citrate",
        "dihydrate",
        "dihydrochloride",
        "dimesylate",
        "fumarate",
        "hcl",
        "hyclate",
        "hydrobromide",
        "hydrochloride",
        "magnesium",
        "maleate",
        "mesylate",
        "monohydrate",
        "phosphate",
        "potassium",
        "sodium",
        "succinate",
        "sulfate",
        "tartrate",
        "tosylate",
        "trihydrate",
        "tromethamine",
    }
)
TABLE_TAGS = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
TABLE_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}

MAX_NAME_LENGTH = 200  # longer than any real drug name: a sign of a broken record
MAX_SECTION_LENGTH = 500_000
SUMMARY_LENGTH = 400
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LEADING_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\s+")
# A numbered subsection inside the text ("… 2.2 Obsessive Compulsive Disorder …") starts a
# paragraph; cross-references such as "( 2.1 , 2.2 )" are followed by punctuation, not a word.
# In a summary the cross-references themselves go: "( 1 )", "[see Clinical Studies (14.1) ]".
SUBSECTION = re.compile(r"\s+\d{1,2}\.\d{1,2}\s+(?=[A-Z])")
CROSS_REFERENCE = re.compile(r"\s*(\[see [^\]]*\]|\(\s*\d+(\.\d+)*(\s*,\s*\d+(\.\d+)*)*\s*\))")
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]][.!?])\s+(?=[A-Z])")


class LabelFileError(Exception):
    """A file that cannot be read at all: missing, not JSON, not a zip."""


@dataclass(frozen=True)
class StreamError:
    """The JSON stream broke at this point of a file: the rest of that file is unreadable."""

    reason: str


class Result(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    result: Result
    drug: str = ""
    reason: str = ""


class BadRecord(ValueError):
    """A record that cannot be imported; the message says why."""


# Reading -----------------------------------------------------------------------------------


def label_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted({*path.glob("*.json"), *path.glob("*.zip")})
        if not files:
            raise LabelFileError(f"{path}: no .json or .json.zip files in this folder")
        return files
    if not path.exists():
        raise LabelFileError(f"{path}: no such file or folder")
    return [path]


def iter_label_records(path: Path | str) -> Iterator[tuple[str, dict | StreamError]]:
    """(position, record) for each label in a .json, a .json.zip or a folder of them, streamed.

    A stream that breaks part-way yields a StreamError at that position and moves on to the
    next file; a file that yields nothing readable raises LabelFileError."""
    for file in label_files(Path(path)):
        if file.suffix == ".zip":
            yield from _iter_zip(file)
        else:
            try:
                handle = file.open("rb")
            except OSError as error:
                raise LabelFileError(f"{file}: {error.strerror}") from error
            with handle:
                yield from _iter_stream(handle, name=file.name)


def _iter_zip(file: Path) -> Iterator[tuple[str, dict | StreamError]]:
    try:
        archive = zipfile.ZipFile(file)
    except (OSError, zipfile.BadZipFile) as error:
        raise LabelFileError(f"{file}: not a readable zip file ({error})") from error
    with archive:
        members = sorted(n for n in archive.namelist() if n.endswith(".json"))
        if not members:
            raise LabelFileError(f"{file}: the zip holds no .json file")
        for member in members:
            with archive.open(member) as handle:
                yield from _iter_stream(handle, name=f"{file.name}/{member}")


def _iter_stream(handle: IO[bytes], *, name: str) -> Iterator[tuple[str, dict | StreamError]]:
    index = 0
    records = ijson.items(handle, "results.item", use_float=True)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        # A damaged zip member fails while it is read, as zlib or zipfile errors.
        except (
            ijson.JSONError,
            UnicodeDecodeError,
            OSError,
            zipfile.BadZipFile,
            zlib.error,
        ) as error:
            if index == 0:
                raise LabelFileError(f"{name}: not an openFDA label file ({error})") from error
            yield f"{name} after record {index}", StreamError(f"broken JSON: {error}")
            return
        index += 1
        yield f"{name} record {index}", record


# Names -------------------------------------------------------------------------------------


def normalise_generic(raw: str) -> tuple[str, str]:
    """The display name and the full active ingredient, e.g. "FLUOXETINE HYDROCHLORIDE" →
    ("Fluoxetine", "fluoxetine hydrochloride")."""
    full = " ".join(raw.split()).lower()
    # Ingredients keep the separators the label put between them ("a, b and c").
    pieces = re.split(r"(,\s*|\s+and\s+)", full)
    for index in range(0, len(pieces), 2):
        words = pieces[index].split()
        # Strip salt words from the end, but keep a salt that is the ingredient itself
        # ("sodium chloride", "potassium chloride").
        if words and words[0] not in SALT_WORDS:
            while len(words) > 1 and words[-1] in SALT_WORDS:
                words.pop()
        pieces[index] = " ".join(words)
    display = "".join(pieces).strip(" ,")
    return display[:1].upper() + display[1:], full


def clean_brands(raw: list[str], *, generic: str, full: str = "") -> list[str]:
    """Brand names deduplicated case-insensitively, all-capitals names title-cased, and names
    that merely repeat the generic dropped."""
    drop = {generic.casefold(), full.casefold()}
    brands, seen = [], set()
    for name in raw:
        name = " ".join(name.split())
        if name.isupper():
            name = " ".join(word[:1] + word[1:].lower() for word in name.split(" "))
        key = name.casefold()
        if name and key not in drop and key not in seen:
            seen.add(key)
            brands.append(name)
    return brands


def class_name(raw: str) -> str:
    """A pharmacologic class without its openFDA kind suffix: "Opioid Agonist [EPC]" → …"""
    return re.sub(r"\s*\[(EPC|MoA|CS|PE|Chemical/Ingredient)\]\s*$", "", raw).strip()


# Text --------------------------------------------------------------------------------------


def clean_text(parts: list[str], *, key: str = "") -> str:
    """Label text for display: heading and section numbers stripped, whitespace collapsed,
    paragraphs kept (one per part and per numbered subsection)."""
    paragraphs = []
    for index, part in enumerate(parts):
        text = CONTROL_CHARACTERS.sub(" ", part)
        if index == 0:
            text = strip_heading(text, key=key)
        for chunk in re.split(r"\n\s*\n", text):
            for piece in SUBSECTION.split(" " + chunk):
                piece = " ".join(piece.split())
                if piece:
                    paragraphs.append(piece)
    return "\n\n".join(paragraphs)


def strip_heading(text: str, *, key: str) -> str:
    text = LEADING_NUMBER.sub("", text.lstrip())
    for heading in HEADINGS.get(key, []):
        if text[: len(heading)].lower() == heading and text[len(heading) : len(heading) + 1] in (
            " ",
            ":",
            "\n",
            "",
        ):
            return text[len(heading) :].lstrip(" :\n")
    return text


def clean_table(html: str) -> str:
    """An HTML table from the label, with only table markup left."""
    return nh3.clean(
        html, tags=TABLE_TAGS, attributes=TABLE_ATTRIBUTES, strip_comments=True
    ).strip()


def first_sentences(text: str, *, limit: int = SUMMARY_LENGTH) -> str:
    """The opening sentences of a label section, up to about `limit` characters, for a
    summary: cross-references dropped, first letter capitalised."""
    text = CROSS_REFERENCE.sub("", text.split("\n\n")[0]).strip()
    text = text[:1].upper() + text[1:]
    summary = ""
    for sentence in SENTENCE_END.split(text):
        if summary and len(summary) + len(sentence) > limit:
            break
        summary = f"{summary} {sentence}".strip()
    if len(summary) > limit:
        return summary[: limit - 1].rsplit(" ", 1)[0] + "…"
    return summary if not summary or summary[-1] in ".!?:" else summary + "."


# Mapping -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """The parts of an openFDA record MedGuide keeps, checked and cleaned."""

    spl_id: str
    set_id: str
    version: str
    effective_on: date | None
    generic_display: str
    generic_full: str
    product_type: str
    routes: list[str]
    brands: list[str]
    classes: list[str]
    rxcuis: list[str]
    uniis: list[str]
    sections: dict[str, str]
    content_hash: str


def parse_label(record: Any) -> Label:
    """A checked Label from a raw record; BadRecord says why when it cannot be one."""
    if not isinstance(record, dict):
        raise BadRecord(f"a record must be an object, not {type(record).__name__}")
    spl_id = _identifier(record, "id")
    set_id = _identifier(record, "set_id")
    openfda = record.get("openfda", {})
    if not isinstance(openfda, dict):
        raise BadRecord("openfda must be an object")
    generic = _strings(openfda, "generic_name") or _strings(openfda, "substance_name")
    if not generic:
        raise BadRecord("no generic name (openfda.generic_name is missing or empty)")
    raw_generic = generic[0]
    _check_name(raw_generic, what="generic name")
    display, full = normalise_generic(raw_generic)
    if not display:
        raise BadRecord("the generic name is blank")
    if len(display) > Drug._meta.get_field("generic_name").max_length:
        raise BadRecord(f"generic name longer than a drug name can be: {display[:60]}…")
    brands = _strings(openfda, "brand_name")
    for brand in brands:
        _check_name(brand, what="brand name")
    product_types = [t.upper() for t in _strings(openfda, "product_type")]
    if any("OTC" in t for t in product_types):
        product_type = ProductType.OVER_THE_COUNTER
    elif any("PRESCRIPTION" in t for t in product_types):
        product_type = ProductType.PRESCRIPTION
    else:
        product_type = ""
    classes = [
        class_name(c)
        for c in [*_strings(openfda, "pharm_class_epc"), *_strings(openfda, "pharm_class_moa")]
    ]
    return Label(
        spl_id=spl_id,
        set_id=set_id,
        version=_optional_string(record, "version")[:20],
        effective_on=_effective_on(record),
        generic_display=display,
        generic_full=full,
        product_type=product_type,
        routes=[r.lower() for r in _strings(openfda, "route")],
        brands=clean_brands(brands, generic=display, full=full),
        classes=list({c.lower(): c for c in reversed(classes) if 0 < len(c) <= 120}.values())[::-1],
        rxcuis=_strings(openfda, "rxcui"),
        uniis=_strings(openfda, "unii"),
        sections=_sections(record),
        content_hash=hashlib.sha256(
            json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest(),
    )


def _identifier(record: dict, key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadRecord(f"{key} must be a non-empty string")
    if len(value) > 64 or CONTROL_CHARACTERS.search(value):
        raise BadRecord(f"{key} is not an SPL identifier")
    return value.strip()


def _optional_string(record: dict, key: str) -> str:
    value = record.get(key, "")
    if isinstance(value, list):  # openFDA wraps most values in a list
        value = value[0] if value else ""
    if not isinstance(value, str):
        raise BadRecord(f"{key} must be a string")
    return value.strip()


def _effective_on(record: dict) -> date | None:
    value = _optional_string(record, "effective_time")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8])) if value else None
    except ValueError:
        return None


def _strings(block: dict, key: str) -> list[str]:
    value = block.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord(f"{key} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _check_name(name: str, *, what: str) -> None:
    if len(name) > MAX_NAME_LENGTH:
        raise BadRecord(f"{what} is {len(name)} characters long")
    if CONTROL_CHARACTERS.search(name) or any(
        unicodedata.category(c) == "Cc" for c in name if c not in "\t\n\r"
    ):
        raise BadRecord(f"{what} contains control characters")


def _sections(record: dict) -> dict[str, str]:
    sections = {}
    for key, _title in SECTIONS:
        if key not in record:
            continue
        parts = record[key]
        if isinstance(parts, str):
            parts = [parts]
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            raise BadRecord(f"section {key} must be a list of strings")
        if sum(len(p) for p in parts) > MAX_SECTION_LENGTH:
            raise BadRecord(f"section {key} is absurdly long")
        if key.endswith("_table"):
            text = "\n".join(clean_table(p) for p in parts if p.strip())
        else:
            text = clean_text(parts, key=key)
        if text:
            sections[key] = text
    return sections


# Import ------------------------------------------------------------------------------------


def import_label(record: Any, *, draft: bool = False) -> Outcome:
    """Import one record in its own transaction: a label source for its drug, and a label
    page when editors have not written that drug. Editor-written drugs are never changed."""
    try:
        label = parse_label(record)
    except BadRecord as error:
        return Outcome(Result.SKIPPED, reason=str(error))
    try:
        with transaction.atomic():
            result, drug = _store(label, draft=draft)
    except (DataError, IntegrityError) as error:
        # A value the database refuses (PostgreSQL checks lengths SQLite ignores): only this
        # record is rolled back.
        return Outcome(Result.SKIPPED, reason=f"the database refused it: {error}")
    return Outcome(result, drug=drug.generic_name)


def _store(label: Label, *, draft: bool) -> tuple[Result, Drug]:
    # The same label, else an earlier version of it (same set id, another SPL id).
    candidates = LabelSource.objects.select_related("drug").filter(
        Q(spl_id=label.spl_id) | Q(set_id=label.set_id)
    )
    source = min(candidates, key=lambda s: (s.spl_id != label.spl_id, s.pk), default=None)
    if source is not None and source.content_hash == label.content_hash:
        return Result.UNCHANGED, source.drug
    drug = source.drug if source else _drug_for(label, draft=draft)
    if drug.origin == Origin.LABEL:
        _enrich(drug, label)
    result = Result.UPDATED if source else Result.CREATED
    source = source or LabelSource(drug=drug)
    source.spl_id = label.spl_id
    source.set_id = label.set_id
    source.version = label.version
    source.effective_on = label.effective_on
    source.generic_name_raw = label.generic_full[:200]
    source.product_type = label.product_type
    source.routes = label.routes
    source.brand_names_raw = label.brands
    source.rxcuis = label.rxcuis
    source.uniis = label.uniis
    source.sections = label.sections
    source.content_hash = label.content_hash
    source.save()
    return result, drug


def _drug_for(label: Label, *, draft: bool) -> Drug:
    """The drug this label belongs to: an existing one by generic name, else a new label
    page. Several labels for one generic share one drug."""
    base = _slug_base(label.generic_display)
    # One query answers both questions: is there such a drug, and which slugs are taken.
    near = list(
        Drug.objects.filter(
            Q(generic_name__iexact=label.generic_display) | Q(slug__startswith=base)
        )
    )
    for drug in near:
        if drug.generic_name.lower() == label.generic_display.lower():
            return drug
    intro = label.sections.get("indications_and_usage", "")
    summary = first_sentences(intro) or (
        f"{label.generic_display} is a medicine sold in the US. Below is its FDA label."
    )
    return Drug.objects.create(
        generic_name=label.generic_display,
        slug=_free_slug(base, taken={drug.slug for drug in near}),
        summary=summary,
        is_prescription_only=label.product_type != ProductType.OVER_THE_COUNTER,
        origin=Origin.LABEL,
        status=Status.DRAFT if draft else Status.PUBLISHED,
    )


def _enrich(drug: Drug, label: Label) -> None:
    """Add the label's classes and brand names to a label page; nothing is ever removed."""
    if label.classes:
        membership = Drug.classes.through
        membership.objects.bulk_create(
            [membership(drug=drug, drugclass=c) for c in _drug_classes(label.classes)],
            ignore_conflicts=True,
        )
    max_length = DrugName._meta.get_field("name").max_length
    brands = {b.lower(): b for b in label.brands if len(b) <= max_length}
    if not brands:
        return
    # Names are unique across drugs, and a brand may not be another drug's generic name.
    used_names = (
        DrugName.objects.annotate(key=Lower("name"))
        .filter(key__in=brands)
        .order_by()
        .values_list("key")
    )
    generic_names = (
        Drug.objects.annotate(key=Lower("generic_name"))
        .filter(key__in=brands)
        .exclude(pk=drug.pk)
        .order_by()
        .values_list("key")
    )
    taken = {key for (key,) in used_names.union(generic_names)}
    DrugName.objects.bulk_create(
        DrugName(drug=drug, name=name, kind=NameKind.BRAND)
        for key, name in brands.items()
        if key not in taken
    )


def _drug_classes(names: list[str]) -> list[DrugClass]:
    """The classes with these names, created when new; matched case-insensitively."""
    found = {
        c.key: c
        for c in DrugClass.objects.annotate(key=Lower("name")).filter(
            key__in=[n.lower() for n in names]
        )
    }
    classes = []
    for name in names:
        drug_class = found.get(name.lower())
        if drug_class is None:
            base = _slug_base(name)
            taken = set(
                DrugClass.objects.filter(slug__startswith=base).values_list("slug", flat=True)
            )
            drug_class = DrugClass.objects.create(name=name, slug=_free_slug(base, taken=taken))
        classes.append(drug_class)
    return classes


def _slug_base(name: str) -> str:
    return slugify(name)[:120] or "drug"


def _free_slug(base: str, *, taken: set[str]) -> str:
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
