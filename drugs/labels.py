"""FDA label import: stream openFDA `drug/label` records into label sources and label pages.

The record layout is openFDA's: https://open.fda.gov/apis/drug/label/searchable-fields/
"""

from __future__ import annotations

import codecs
import enum
import hashlib
import itertools
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import nh3
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q, Value, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Revision, Version

from drugs.label_text import parse_uses, uses_summary
from drugs.models import (
    Drug,
    DrugName,
    LabelSource,
    NameKind,
    Origin,
    ProductType,
)
from drugs.signals import catalogue_changed
from drugs.taxonomy import apply_class_mappings, ensure_taxonomy
from medguide.editorial.models import Status

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
SLUG_BATCH = 10  # slugs looked up at once when a name's plain slug is taken
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


class LabelFileError(Exception):
    """A file that cannot be read at all: missing, not an openFDA label file, not a zip."""


@dataclass(frozen=True)
class StreamError:
    """A part of a file that could not be read as a record; reading goes on where it can."""

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

# The reader is hand-written on json.JSONDecoder.raw_decode (C speed) rather than ijson's
# event stream because ijson cannot go on after a syntax error: here a broken record costs only
# itself. The buffer holds at most one record and one chunk, so memory stays flat.
CHUNK_SIZE = 1024 * 1024
MAX_RECORD_SIZE = 64 * 1024 * 1024
DECODER = json.JSONDecoder(strict=False)  # a raw tab or newline inside a string is no harm
WHITESPACE = re.compile(r"[ \t\n\r]*")
RECORD_BOUNDARY = re.compile(r"\}\s*,\s*\{")
BOUNDARY_START = re.compile(r"\}\s*(?:,\s*)?\Z")  # a boundary cut off by the end of the text
CUT_OFF_SLACK = 8  # a syntax error this close to the end of the text read may be the cut


def label_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted({*path.glob("*.json"), *path.glob("*.zip")})
        if not files:
            raise LabelFileError(f"{path}: no .json or .json.zip files in this folder")
        return files
    if not path.exists():
        raise LabelFileError(f"{path}: no such file or folder")
    return [path]


def label_input_size(path: Path | str) -> int:
    """The bytes of JSON behind a path, zip members uncompressed: what reading it goes through."""
    size = 0
    for file in label_files(Path(path)):
        if file.suffix != ".zip":
            size += file.stat().st_size
            continue
        try:
            with zipfile.ZipFile(file) as archive:
                size += sum(i.file_size for i in archive.infolist() if i.filename.endswith(".json"))
        except (OSError, zipfile.BadZipFile):
            pass  # reported when it is read
    return size


def iter_label_records(
    path: Path | str, *, on_read: Callable[[int], object] | None = None
) -> Iterator[tuple[str, dict | StreamError]]:
    """(position, record) for each label in a .json, a .json.zip or a folder of them, streamed.

    A record that is not valid JSON yields a StreamError at its position and reading goes on
    with the next record; a file that is not an openFDA label file raises LabelFileError.
    `on_read` is told how many bytes (uncompressed) each read takes from the files."""
    for file in label_files(Path(path)):
        if file.suffix == ".zip":
            yield from _iter_zip(file, on_read=on_read)
        else:
            try:
                handle = file.open("rb")
            except OSError as error:
                raise LabelFileError(f"{file}: {error.strerror}") from error
            with handle:
                yield from _iter_stream(handle, name=file.name, on_read=on_read)


def _iter_zip(
    file: Path, *, on_read: Callable[[int], object] | None
) -> Iterator[tuple[str, dict | StreamError]]:
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
                yield from _iter_stream(handle, name=f"{file.name}/{member}", on_read=on_read)


class _Unreadable(Exception):
    """Reading the file failed: a damaged zip member fails as zlib or zipfile errors."""


class _CutOff(Exception):
    """The file ends inside the value being read."""


class _TooDeep(Exception):
    """The value is nested deeper than the decoder can go."""


class _TooLarge(Exception):
    """The value being read is longer than MAX_RECORD_SIZE."""


class _Text:
    """The part of a JSON file read and not yet consumed, decoded as UTF-8 with bad bytes
    replaced, and a position in it."""

    def __init__(self, handle: IO[bytes], *, on_read: Callable[[int], object] | None) -> None:
        self.handle = handle
        self.on_read = on_read
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.text = ""
        self.pos = 0
        self.ended = False

    def read_more(self) -> bool:
        """Add the next chunk, dropping what was consumed; False once the file has ended."""
        if self.ended:
            return False
        try:
            data = self.handle.read(CHUNK_SIZE)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
            raise _Unreadable(str(error)) from error
        if self.on_read is not None:
            self.on_read(len(data))
        self.ended = not data
        self.text = self.text[self.pos :] + self.decoder.decode(data, final=self.ended)
        self.pos = 0
        return True

    def next_char(self) -> str:
        """The next character after whitespace, not consumed; "" at the end of the file."""
        while True:
            self.pos = WHITESPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.read_more():
                return ""

    def value(self) -> Any:
        """The JSON value at the position, consumed; read on while the text cuts it off.
        A genuine syntax error raises json.JSONDecodeError, with its position in self.text."""
        self.next_char()  # raw_decode takes no leading whitespace
        while True:
            try:
                value, end = DECODER.raw_decode(self.text, self.pos)
            except RecursionError as error:  # legal JSON, nested deeper than Python goes
                raise _TooDeep from error
            except json.JSONDecodeError as error:
                unterminated = error.msg.startswith("Unterminated string")
                if self.ended:
                    if unterminated or error.pos >= len(self.text.rstrip()):
                        raise _CutOff from error
                    raise
                if not unterminated and error.pos < len(self.text) - CUT_OFF_SLACK:
                    raise
            else:
                if end < len(self.text) or self.ended:  # a number may go on in the next chunk
                    self.pos = end
                    return value
            if len(self.text) - self.pos > MAX_RECORD_SIZE:
                raise _TooLarge
            self.read_more()

    def skip_to_next_record(self, start: int) -> bool:
        """Move to the next record boundary (`}, {`) after `start`; False at the end of file."""
        while True:
            match = RECORD_BOUNDARY.search(self.text, start)
            if match:
                self.pos = match.end() - 1
                return True
            tail = BOUNDARY_START.search(self.text, max(start, len(self.text) - 1024))
            self.pos = tail.start() if tail else len(self.text)
            if not self.read_more():
                return False
            start = 0


def _iter_stream(
    handle: IO[bytes], *, name: str, on_read: Callable[[int], object] | None = None
) -> Iterator[tuple[str, dict | StreamError]]:
    text = _Text(handle, on_read=on_read)
    try:
        _open_results(text, name=name)
    except _Unreadable as error:
        raise LabelFileError(f"{name}: the file cannot be read ({error})") from error
    done = 0
    try:
        while (char := text.next_char()) != "]":
            index = done + 1
            position = f"{name} record {index}"
            if not char:
                yield f"{name} after record {done}", StreamError("the file ends inside the results")
                return
            try:
                record = text.value()
            except _CutOff:
                yield position, StreamError(f"the file ends inside record {index}")
                return
            except _TooDeep:
                done = index
                yield position, StreamError(f"record {index} is nested too deeply to read")
                if not text.skip_to_next_record(text.pos):
                    return
                continue
            except _TooLarge:
                yield (
                    position,
                    StreamError(
                        f"record {index} is larger than {MAX_RECORD_SIZE // 2**20} MB: "
                        "the rest of this file is not read"
                    ),
                )
                return
            except json.JSONDecodeError as error:
                done = index
                at = error.pos - text.pos + 1  # a failed read leaves the position at the record
                yield position, StreamError(f"broken JSON at character {at}: {error.msg}")
                if not text.skip_to_next_record(error.pos):
                    return
                continue
            done = index
            yield position, record
            if text.next_char() == ",":
                text.pos += 1
    except _Unreadable as error:
        if not done:
            raise LabelFileError(f"{name}: the file cannot be read ({error})") from error
        yield f"{name} after record {done}", StreamError(f"the file is damaged: {error}")


def _open_results(text: _Text, *, name: str) -> None:
    """Walk the file's top-level object up to the opening of its "results" array."""
    if text.next_char() != "{":
        raise LabelFileError(f"{name}: not an openFDA label file: not a JSON object")
    text.pos += 1
    try:
        while (char := text.next_char()) not in ("}", ""):
            if char == ",":
                text.pos += 1
                continue
            key = text.value()
            if text.next_char() != ":":
                raise LabelFileError(f"{name}: not an openFDA label file: broken JSON")
            text.pos += 1
            if key == "results" and text.next_char() == "[":
                text.pos += 1
                return
            text.value()  # the value of another key, such as "meta"
    except json.JSONDecodeError as error:
        raise LabelFileError(
            f"{name}: not an openFDA label file: broken JSON ({error.msg})"
        ) from error
    except (_CutOff, _TooLarge):
        pass
    raise LabelFileError(f"{name}: not an openFDA label file: no results array")


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


# Import ------------------------------------------------------------------------------------

# Records imported together in one transaction. A killed run loses at most this batch, which
# the next run imports again; one commit per batch lets what follows a commit (the search
# index) work per batch, not per label.
BATCH_SIZE = 100


def import_label(record: Any, *, draft: bool = False) -> Outcome:
    """Import one record in its own transaction: a label source for its drug, and a label
    page when editors have not written that drug. Editor-written drugs are never changed."""
    ensure_taxonomy()
    with transaction.atomic():
        return _import_batch([record], draft=draft)[0]


def import_records(
    records: Iterable[tuple[str, dict | StreamError]], *, draft: bool = False
) -> Iterator[tuple[str, Outcome]]:
    """(position, outcome) for each (position, record) of iter_label_records, imported
    BATCH_SIZE at a time, one transaction a batch; each batch is yielded once committed. A
    file that cannot be read (LabelFileError) is raised once the records before it are in."""
    ensure_taxonomy()
    records = iter(records)
    unreadable = None
    while unreadable is None:
        batch = []
        try:
            for item in records:
                batch.append(item)
                if len(batch) == BATCH_SIZE:
                    break
        except LabelFileError as error:
            unreadable = error
        if not batch:
            break
        with transaction.atomic():
            outcomes = _import_batch([record for _position, record in batch], draft=draft)
        yield from zip((position for position, _record in batch), outcomes, strict=True)
    if unreadable is not None:
        raise unreadable


def _import_batch(records: list[Any], *, draft: bool) -> list[Outcome]:
    """Import records as one: what they need from the database read in a few queries, each
    record's changes worked out in memory, all written in a few bulk statements. If the
    database refuses any of it, that is rolled back and the records are imported again one
    at a time, each in its own savepoint, so that a bad record rolls back alone."""
    try:
        with transaction.atomic():
            batch = _Batch(records, draft=draft)
            outcomes = [batch.plan(index) for index in range(len(records))]
            batch.write()
            return outcomes
    except (DataError, IntegrityError):
        pass
    outcomes = []
    for record in records:
        try:
            with transaction.atomic():
                batch = _Batch([record], draft=draft)
                outcome = batch.plan(0)
                batch.write()
        except (DataError, IntegrityError) as error:
            # A value the database refuses (PostgreSQL checks lengths SQLite ignores).
            outcome = Outcome(Result.SKIPPED, reason=f"the database refused it: {error}")
        outcomes.append(outcome)
    return outcomes


class _Batch:
    """Records being imported together: what the database holds that they need, and the
    rows they add or change, kept in memory until write() saves them in bulk.

    Each record is planned in turn against what the database held plus what the records
    before it planned, so records in one batch see each other as if saved one by one: two
    labels of one generic share a drug, a class or a brand is added once."""

    def __init__(self, records: list[Any], *, draft: bool) -> None:
        self.records = records
        self.draft = draft
        # (SPL id, set id, content hash) of each record that has usable ids.
        self.keys = [_record_key(record) for record in records]
        self.sources = self._sources()  # the earliest first, as the database numbered them
        self.drugs: dict[str, Drug] = {}  # by lowercased generic name
        self.drugs_by_pk: dict[int, Drug] = {}
        self.drug_slugs: set[str] = set()
        self.names: set[str] = set()  # lowercased names in use (brand and other names)
        self.new_drugs: list[Drug] = []
        self.summaries: dict[int, Drug] = {}  # label pages given a new summary, by key
        self.new_names: list[DrugName] = []
        self.new_sources: list[LabelSource] = []
        self.changed_sources: dict[int, LabelSource] = {}  # by primary key
        # A record already stored as it is needs no parsing: a second run only compares.
        self.labels: dict[int, Label | BadRecord] = {
            index: _parse(record, key=self.keys[index])
            for index, record in enumerate(records)
            if not isinstance(record, StreamError) and self._stored_as_is(index) is None
        }
        self._load(
            [label for label in self.labels.values() if isinstance(label, Label)],
            drug_pks={source.drug_id for source in self.sources},
        )

    # Reading ---------------------------------------------------------------------------------

    def _sources(self) -> list[LabelSource]:
        """The label sources of the records, each by its SPL id or an earlier version of it
        by its set id. Only what finding them needs is read: the text stays in the database."""
        keys = [key for key in self.keys if key is not None]
        if not keys:
            return []
        return list(
            LabelSource.objects.filter(
                Q(spl_id__in={spl_id for spl_id, _, _ in keys})
                | Q(set_id__in={set_id for _, set_id, _ in keys})
            )
            .only("spl_id", "set_id", "version", "effective_on", "content_hash", "drug")
            .order_by("pk")
        )

    def _load(self, labels: list[Label], *, drug_pks: Collection[int] = ()) -> None:
        """Read the drugs, names and classes these labels need, and the slugs their new
        drugs and classes would take, in three queries. Names are matched case-folded, as
        the unique indexes match them."""
        max_length = DrugName._meta.get_field("name").max_length
        generics = {label.generic_display for label in labels}
        brands = {b for label in labels for b in label.brands if len(b) <= max_length}
        if generics or drug_pks:
            drugs = (
                Drug.objects.annotate(key=Lower("generic_name"))
                .filter(
                    Q(key__in=_folded(generics | brands))
                    | Q(slug__in={_slug_base(name) for name in generics})
                    | Q(pk__in=drug_pks)
                )
                .only("generic_name", "slug", "origin")
                .order_by()
            )
            for found in drugs:
                drug = self.drugs_by_pk.setdefault(found.pk, found)
                self.drugs.setdefault(drug.generic_name.lower(), drug)
                self.drug_slugs.add(drug.slug)
            for source in self.sources:
                if source.pk is not None and source.drug_id in self.drugs_by_pk:
                    source.drug = self.drugs_by_pk[source.drug_id]
        if brands:
            self.names.update(
                name.lower()
                for name in DrugName.objects.annotate(key=Lower("name"))
                .filter(key__in=_folded(brands))
                .order_by()
                .values_list("name", flat=True)
            )

    # Planning --------------------------------------------------------------------------------

    def _source_for(self, spl_id: str, set_id: str) -> LabelSource | None:
        """The same label, else an earlier version of it (same set id, another SPL id)."""
        candidates = [s for s in self.sources if s.spl_id == spl_id or s.set_id == set_id]
        return min(candidates, key=lambda s: s.spl_id != spl_id, default=None)

    def _stored_as_is(self, index: int) -> LabelSource | None:
        key = self.keys[index]
        if key is None:
            return None
        source = self._source_for(key[0], key[1])
        return source if source is not None and source.content_hash == key[2] else None

    def plan(self, index: int) -> Outcome:
        """Work out what record `index` changes, as if the records before it were saved."""
        record = self.records[index]
        if isinstance(record, StreamError):
            return Outcome(Result.SKIPPED, reason=record.reason)
        if (stored := self._stored_as_is(index)) is not None:
            return Outcome(Result.UNCHANGED, drug=stored.drug.generic_name)
        label = self.labels.get(index)
        if label is None:  # stored as it is, until an earlier record of this batch changed it
            label = self.labels[index] = _parse(record, key=self.keys[index])
            if isinstance(label, Label):
                self._load([label])
        if isinstance(label, BadRecord):
            return Outcome(Result.SKIPPED, reason=str(label))
        source = self._source_for(label.spl_id, label.set_id)
        if source is not None and _age(label) < _age(source):
            # Another version of this label, older than the one kept: the newest wins on
            # every run, whatever order the file lists them in.
            return Outcome(Result.UNCHANGED, drug=source.drug.generic_name)
        drug = source.drug if source is not None else self._drug_for(label)
        if drug.origin == Origin.LABEL:
            self._enrich(drug, label)
        if source is None:
            source = LabelSource(drug=drug)
            self.sources.append(source)
            self.new_sources.append(source)
            result = Result.CREATED
        else:
            if source.pk is not None:
                # A fresh copy, so that every field is written, not only those read. The
                # content changed (else it would be stored as it is): a medical review of the
                # monograph before now no longer covers the label.
                copy = LabelSource(pk=source.pk, drug=drug, content_changed_at=timezone.now())
                self.sources[self.sources.index(source)] = copy
                self.changed_sources[source.pk] = source = copy
            result = Result.UPDATED
        _fill(source, label)
        return Outcome(result, drug=drug.generic_name)

    def _drug_for(self, label: Label) -> Drug:
        """The drug this label belongs to: an existing one by generic name, else a new label
        page. Several labels for one generic share one drug."""
        drug = self.drugs.get(label.generic_display.lower())
        if drug is not None:
            # A label page made by an earlier import gets the summary that names its uses;
            # editors' pages (and the pages this batch makes) keep theirs.
            if drug.pk is not None and drug.origin == Origin.LABEL:
                drug.summary = label_summary(label)
                self.summaries[drug.pk] = drug
            return drug
        summary = label_summary(label)
        drug = Drug(
            generic_name=label.generic_display,
            slug=_free_slug(Drug, _slug_base(label.generic_display), taken=self.drug_slugs),
            summary=summary,
            is_prescription_only=label.product_type != ProductType.OVER_THE_COUNTER,
            origin=Origin.LABEL,
            status=Status.DRAFT if self.draft else Status.PUBLISHED,
        )
        self.drugs[drug.generic_name.lower()] = drug
        self.drug_slugs.add(drug.slug)
        self.new_drugs.append(drug)
        return drug

    def _enrich(self, drug: Drug, label: Label) -> None:
        """Add the label's brand names to a label page; nothing is ever removed. (Its classes
        come from the taxonomy's mappings, applied when the batch is written.)"""
        max_length = DrugName._meta.get_field("name").max_length
        brands = {b.lower(): b for b in label.brands if len(b) <= max_length}
        for key, name in brands.items():
            # Names are unique across drugs, and a brand may not be another drug's generic.
            owner = self.drugs.get(key)
            if key in self.names or (owner is not None and owner is not drug):
                continue
            self.names.add(key)
            self.new_names.append(DrugName(drug=drug, name=name, kind=NameKind.BRAND))

    # Writing ---------------------------------------------------------------------------------

    def _first_revisions(self) -> None:
        """A new label page's first revision (with its names and label sources), written in
        bulk like the rest of the batch, so an editor's first change can be compared with
        what the import made and undone from History."""
        if not self.new_drugs:
            return
        new = {drug.pk for drug in self.new_drugs}
        prefetch_related_objects(self.new_drugs, "classes")  # one query, not one a drug
        objects = [
            *self.new_drugs,
            *(name for name in self.new_names if name.drug_id in new),
            *(source for source in self.new_sources if source.drug_id in new),
        ]
        revision = Revision.objects.create(
            date_created=timezone.now(), comment="Imported from an FDA label"
        )
        Version.objects.bulk_create(
            Version(
                revision=revision,
                content_type=ContentType.objects.get_for_model(item),
                object_id=str(item.pk),
                db=item._state.db or "default",
                format="json",
                serialized_data=serializers.serialize("json", [item]),
                object_repr=str(item)[:191],
            )
            for item in objects
        )

    def write(self) -> None:
        """Save what the batch planned, parents first, in a statement or so per table."""
        Drug.objects.bulk_create(self.new_drugs)
        Drug.objects.bulk_update(self.summaries.values(), ["summary"])
        DrugName.objects.bulk_create(self.new_names)
        LabelSource.objects.bulk_create(self.new_sources)
        for source in self.changed_sources.values():
            source.save()
        # Label pages go into the classes the taxonomy maps their FDA classes to, before
        # search hears of them below.
        filed = {s.drug.pk for s in [*self.new_sources, *self.changed_sources.values()]}
        apply_class_mappings(drug_ids=filed)
        self._first_revisions()  # with the classes they were just given
        # bulk_create sends no signals: search and the caches hear of the batch's drugs here.
        catalogue_changed.send(
            sender=LabelSource,
            drug_ids={drug.pk for drug in self.new_drugs} | filed | set(self.summaries),
        )


def _age(label: Label | LabelSource) -> tuple[int, date]:
    """How new a version of a label is: its version number, then its effective date. Two
    versions that give neither are as new as each other, and the one read last is kept."""
    version = int(label.version) if label.version.isdigit() else -1
    return version, label.effective_on or date.min


def _record_key(record: Any) -> tuple[str, str, str] | None:
    """(SPL id, set id, content hash) of a record, or None when its ids are not usable."""
    if not isinstance(record, dict):
        return None
    try:
        return _identifier(record, "id"), _identifier(record, "set_id"), _content_hash(record)
    except BadRecord:
        return None


def _parse(record: Any, *, key: tuple[str, str, str] | None) -> Label | BadRecord:
    try:
        return parse_label(record, content_hash=key[2] if key else "")
    except BadRecord as error:
        return error


def _folded(names: Iterable[str]) -> list[str | Lower]:
    """Names case-folded as the database folds them in its unique indexes. ASCII folds the
    same everywhere, so it is folded here; the rest is left to the database's lower(), which
    on SQLite folds only ASCII. (One Lower() expression per name would cost more to compile
    than the query takes to run.)"""
    return [name.lower() if name.isascii() else Lower(Value(name)) for name in names]


def _fill(source: LabelSource, label: Label) -> None:
    source.spl_id = label.spl_id
    source.set_id = label.set_id
    source.version = label.version
    source.effective_on = label.effective_on
    source.generic_name_raw = label.generic_full[:200]
    source.product_type = label.product_type
    source.routes = label.routes
    source.brand_names_raw = label.brands
    source.pharm_classes = label.pharm_classes
    source.rxcuis = label.rxcuis
    source.uniis = label.uniis
    source.sections = label.sections
    source.content_hash = label.content_hash


def _slug_base(name: str) -> str:
    return slugify(name)[:120] or "drug"


def _slug_candidates(base: str, *, batch: int = 0) -> list[str]:
    first = batch * SLUG_BATCH + 1
    return [base if n == 1 else f"{base}-{n}" for n in range(first, first + SLUG_BATCH)]


def _free_slug(model: type[Drug], base: str, *, taken: set[str]) -> str:
    """`base`, else the first of base-2, base-3 … that is free. `taken` holds the slugs known
    to be taken: `base`, if it is, and those given out earlier in the batch. The rest are
    looked up a batch at a time by the slug's unique index: a `startswith` LIKE cannot use
    it on SQLite and scans the table."""
    if base not in taken:
        return base
    for batch in itertools.count():
        candidates = _slug_candidates(base, batch=batch)
        in_use = taken | set(
            model.objects.filter(slug__in=candidates).order_by().values_list("slug", flat=True)
        )
        for slug in candidates:
            if slug not in in_use:
                return slug
    raise AssertionError("unreachable")
