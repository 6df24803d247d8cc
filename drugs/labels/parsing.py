"""Parsing one openFDA label record into the Label the importer writes: names, text, sections.

The record layout is openFDA's: https://open.fda.gov/apis/drug/label/searchable-fields/
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import nh3

from drugs.label_text import parse_uses, uses_summary
from drugs.models import Drug, ProductType

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
# It is looked for once whitespace is collapsed: a pattern opening with a plain space is
# searched several times faster than one opening with \s+.
# In a summary the cross-references themselves go: "( 1 )", "[see Clinical Studies (14.1) ]".
SUBSECTION = re.compile(r" \d{1,2}\.\d{1,2} (?=[A-Z])")
CROSS_REFERENCE = re.compile(r"\s*(\[see [^\]]*\]|\(\s*\d+(\.\d+)*(\s*,\s*\d+(\.\d+)*)*\s*\))")
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]][.!?])\s+(?=[A-Z])")


class BadRecord(ValueError):
    """A record that cannot be imported; the message says why."""


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
    that merely repeat the generic, or the generic with a qualifier, dropped."""
    drop = {generic.casefold(), full.casefold()}
    brands, seen = [], set()
    for name in raw:
        name = " ".join(name.split())
        if name.isupper():
            name = " ".join(word[:1] + word[1:].lower() for word in name.split(" "))
        key = name.casefold()
        # "Ibuprofen Dye Free" is the generic with a qualifier, not a brand.
        qualified = any(key.startswith(generic_name + " ") for generic_name in drop)
        if name and key not in drop and key not in seen and not qualified:
            seen.add(key)
            brands.append(name)
    return brands


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
            for piece in SUBSECTION.split(" " + " ".join(chunk.split())):
                piece = piece.strip(" ")
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


def label_summary(label: Label) -> str:
    """A label page's summary: the uses its Indications and Usage section states, named one
    by one (drugs/label_text.py); else the section's opening sentences, quoted."""
    intro = label.sections.get("indications_and_usage", "")
    return (
        uses_summary(label.generic_display, parse_uses(intro))
        or first_sentences(intro)
        or f"{label.generic_display} is a medicine sold in the US. Below is its FDA label."
    )


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
    pharm_classes: list[str]  # openFDA classes as given, kind suffix included
    rxcuis: list[str]
    uniis: list[str]
    sections: dict[str, str]
    content_hash: str


def parse_label(record: Any, *, content_hash: str = "") -> Label:
    """A checked Label from a raw record; BadRecord says why when it cannot be one.
    `content_hash`: the record's, when it has been worked out already."""
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
    pharm_classes = [
        c
        for key in ("pharm_class_epc", "pharm_class_moa", "pharm_class_cs", "pharm_class_pe")
        for c in _strings(openfda, key)
        if len(c) <= 200
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
        pharm_classes=list(dict.fromkeys(pharm_classes)),
        rxcuis=_strings(openfda, "rxcui"),
        uniis=_strings(openfda, "unii"),
        sections=_sections(record),
        content_hash=content_hash or _content_hash(record),
    )


def record_key(record: Any) -> tuple[str, str, str] | None:
    """(SPL id, set id, content hash) of a record, or None when its ids are not usable."""
    if not isinstance(record, dict):
        return None
    try:
        return _identifier(record, "id"), _identifier(record, "set_id"), _content_hash(record)
    except BadRecord:
        return None


def _content_hash(record: dict) -> str:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False)
    try:
        return hashlib.sha256(text.encode()).hexdigest()
    except UnicodeEncodeError as error:
        # "\ud800" is legal JSON but no text: no database can store it.
        raise BadRecord(f"text that is not valid Unicode at character {error.start}") from error


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
