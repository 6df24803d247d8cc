"""Drugs@FDA import: stream the FDA's product files into the US products of each drug.

The files and their columns are the FDA's Drugs@FDA data files:
https://www.fda.gov/drugs/drug-approvals-and-databases/drugsfda-data-files
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Lower

from drugs.dosing import ParsedStrength
from drugs.labels.parsing import normalise_generic
from drugs.models import (
    ApplicationType,
    DosageForm,
    Drug,
    DrugName,
    MarketingStatus,
    NameKind,
    Product,
    Route,
)
from drugs.signals import catalogue_changed

PRODUCTS = "Products.txt"
APPLICATIONS = "Applications.txt"
STATUSES = "MarketingStatus.txt"
STATUS_LOOKUP = "MarketingStatus_Lookup.txt"
FILES = (PRODUCTS, APPLICATIONS, STATUSES, STATUS_LOOKUP)
# The columns read from each file, found by name in its header line.
COLUMNS = {
    PRODUCTS: (
        "ApplNo",
        "ProductNo",
        "Form",
        "Strength",
        "ReferenceDrug",
        "DrugName",
        "ActiveIngredient",
    ),
    APPLICATIONS: ("ApplNo", "ApplType", "SponsorName"),
    STATUSES: ("MarketingStatusID", "ApplNo", "ProductNo"),
    STATUS_LOOKUP: ("MarketingStatusID", "MarketingStatusDescription"),
}
# MarketingStatus_Lookup.txt: 1 Prescription, 2 Over-the-counter, 3 Discontinued, 4 None
# (Tentative Approval). The descriptions are read; the ids are the fallback.
STATUS_WORDS = {
    "prescription": MarketingStatus.PRESCRIPTION,
    "over-the-counter": MarketingStatus.OVER_THE_COUNTER,
    "discontinued": MarketingStatus.DISCONTINUED,
    "tentative": MarketingStatus.TENTATIVE,
}
STATUS_IDS = {
    "1": MarketingStatus.PRESCRIPTION,
    "2": MarketingStatus.OVER_THE_COUNTER,
    "3": MarketingStatus.DISCONTINUED,
    "4": MarketingStatus.TENTATIVE,
}
# A product listed with two statuses keeps the more current one.
STATUS_RANK = {
    MarketingStatus.PRESCRIPTION: 0,
    MarketingStatus.OVER_THE_COUNTER: 1,
    MarketingStatus.DISCONTINUED: 2,
    MarketingStatus.TENTATIVE: 3,
}

# Products imported together in one transaction; a killed run loses at most this batch, which
# the next run imports again.
BATCH_SIZE = 1000
# Part of every content hash: a change to the parsing below makes the next run rewrite
# every product once.
PARSER_VERSION = "1"
# Parsed names, forms and strengths remembered: the same few thousand recur across products.
CACHE_SIZE = 8192


class ProductFileError(Exception):
    """A file that cannot be read at all: missing, not a Drugs@FDA file, not a zip."""


@dataclass(frozen=True)
class BadRow:
    """A line that could not be read as a row; reading goes on with the next line."""

    reason: str


@dataclass(frozen=True)
class ProductRecord:
    """One line of Products.txt joined with its application and its marketing status."""

    application_number: str
    product_number: str
    form: str
    strength: str
    reference_drug: str
    name: str
    ingredient: str
    application_type: str = ""
    sponsor: str = ""
    marketing_status: str = ""


class Result(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass
class Summary:
    counts: dict[Result, int] = field(default_factory=lambda: dict.fromkeys(Result, 0))
    drugs_matched: set[int] = field(default_factory=set)
    brands_added: int = 0
    unmatched_ingredients: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        counts = ", ".join(f"{self.counts[result]:,} {result}" for result in Result)
        return (
            f"{self.total:,} products: {counts}; {len(self.drugs_matched):,} drugs matched, "
            f"{self.brands_added:,} brand names added, "
            f"{len(self.unmatched_ingredients):,} ingredients matched no drug"
        )


# Reading -----------------------------------------------------------------------------------


class _Source:
    """The four files, in a folder or in a .zip as the FDA distributes them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stack = ExitStack()
        self.archive: zipfile.ZipFile | None = None
        self.members: dict[str, str] = {}
        if path.is_dir():
            names = {p.name.lower(): p.name for p in path.iterdir() if p.is_file()}
        elif path.is_file():
            try:
                self.archive = self.stack.enter_context(zipfile.ZipFile(path))
            except (OSError, zipfile.BadZipFile) as error:
                raise ProductFileError(
                    f"{path}: neither a folder nor a Drugs@FDA .zip ({error})"
                ) from error
            names = {Path(n).name.lower(): n for n in self.archive.namelist()}
        else:
            raise ProductFileError(f"{path}: no such file or folder")
        for name in FILES:
            if name.lower() not in names:
                raise ProductFileError(f"{path}: no {name} in it (not the Drugs@FDA data files?)")
            self.members[name] = names[name.lower()]

    def close(self) -> None:
        self.stack.close()

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        member = self.members[name]
        try:
            if self.archive is not None:
                handle = self.archive.open(member)
            else:
                handle = (self.path / member).open("rb")
        except (OSError, zipfile.BadZipFile) as error:
            raise ProductFileError(f"{self.path}/{member}: cannot be read ({error})") from error
        with handle:
            yield handle


def iter_rows(handle: IO[bytes], *, name: str) -> Iterator[tuple[str, dict[str, str] | BadRow]]:
    """(position, row) for each line of a tab-separated Drugs@FDA file after its header, a
    row being {column: value} for the COLUMNS read; a line that cannot be read gives BadRow.
    A file whose header lacks those columns raises ProductFileError."""
    header = handle.readline()
    try:
        columns = header.decode("utf-8-sig").rstrip("\r\n").split("\t")
    except UnicodeDecodeError:
        columns = []
    wanted = COLUMNS[name]
    missing = [column for column in wanted if column not in columns]
    if missing:
        raise ProductFileError(
            f"{name}: not a Drugs@FDA {name} file (no {', '.join(missing)} column in its header)"
        )
    indexes = [columns.index(column) for column in wanted]
    width = len(columns)
    key_columns = [i for i, column in zip(indexes, wanted, strict=True) if column in KEYS]
    for number, raw in enumerate(handle, start=2):
        position = f"{name} line {number}"
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as error:
            yield position, BadRow(f"bytes that are not UTF-8 at column {error.start + 1}")
            continue
        if not line.strip():
            continue
        values = line.split("\t")
        # Some real lines end in empty extra columns (a trailing tab): harmless.
        while len(values) > width and values[-1] == "":
            values.pop()
        if len(values) != width:
            yield position, BadRow(f"{len(values)} columns where the header has {width}")
            continue
        if any(not values[i].strip() for i in key_columns):
            yield position, BadRow("a key column (application, product or status) is empty")
            continue
        yield (
            position,
            {column: values[i].strip() for column, i in zip(wanted, indexes, strict=True)},
        )


KEYS = {"ApplNo", "ProductNo", "MarketingStatusID"}


def iter_product_records(
    path: Path | str,
) -> Iterator[tuple[str, ProductRecord | BadRow]]:
    """(position, record) for each product of the Drugs@FDA files in a folder or a .zip,
    streamed from Products.txt; the applications and marketing statuses are read first (a
    few megabytes) to be joined in. Bad lines of any file are yielded as BadRow."""
    source = _Source(Path(path))
    try:
        with source.open(STATUS_LOOKUP) as handle:
            lookup = {}
            for position, row in iter_rows(handle, name=STATUS_LOOKUP):
                if isinstance(row, BadRow):
                    yield position, row
                    continue
                description = row["MarketingStatusDescription"].lower()
                status = next((s for w, s in STATUS_WORDS.items() if w in description), None)
                lookup[row["MarketingStatusID"]] = status or STATUS_IDS.get(
                    row["MarketingStatusID"], ""
                )
        with source.open(APPLICATIONS) as handle:
            applications: dict[str, tuple[str, str]] = {}
            for position, row in iter_rows(handle, name=APPLICATIONS):
                if isinstance(row, BadRow):
                    yield position, row
                    continue
                kind = row["ApplType"].upper()
                applications[row["ApplNo"]] = (
                    kind if kind in ApplicationType.values else "",
                    clean_name(row["SponsorName"])[:200],
                )
        with source.open(STATUSES) as handle:
            statuses: dict[tuple[str, str], str] = {}
            for position, row in iter_rows(handle, name=STATUSES):
                if isinstance(row, BadRow):
                    yield position, row
                    continue
                status = lookup.get(row["MarketingStatusID"]) or STATUS_IDS.get(
                    row["MarketingStatusID"]
                )
                if status is None:
                    yield position, BadRow(f"unknown marketing status {row['MarketingStatusID']}")
                    continue
                key = (row["ApplNo"], row["ProductNo"])
                known = statuses.get(key)
                if known is None or STATUS_RANK[status] < STATUS_RANK[known]:
                    statuses[key] = status
        with source.open(PRODUCTS) as handle:
            for position, row in iter_rows(handle, name=PRODUCTS):
                if isinstance(row, BadRow):
                    yield position, row
                    continue
                if not row["DrugName"] or not row["ActiveIngredient"]:
                    yield position, BadRow("no product name or no active ingredient")
                    continue
                number = row["ApplNo"]
                kind, sponsor = applications.get(number, ("", ""))
                yield (
                    position,
                    ProductRecord(
                        application_number=number,
                        product_number=row["ProductNo"],
                        form=row["Form"],
                        strength=row["Strength"],
                        reference_drug=row["ReferenceDrug"],
                        name=row["DrugName"],
                        ingredient=row["ActiveIngredient"],
                        application_type=kind,
                        sponsor=sponsor,
                        marketing_status=statuses.get((number, row["ProductNo"]), ""),
                    ),
                )
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise ProductFileError(f"{path}: the files cannot be read ({error})") from error
    finally:
        source.close()


# Names -------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Kept in capitals when an all-capitals name is title-cased.
ACRONYMS = _words(
    "AC AG CR CD DR DS ER ES EC HBR HCL HCT HFA HP IB II III IR IV LA LLC LP LTD MR ODT PM SA SR "
    "US USA USP UK XL XR XT"
)
SMALL_WORDS = _words("and in of with for or")
# Words that can follow a generic name without making it a brand ("Ibuprofen Dye Free").
QUALIFIERS = _words(
    """and with w in of for plastic container containers dye free preservative sulfite sugar
    alcohol children childrens s infant infants junior pediatric adult strength extra regular
    maximum max extended delayed release er xr xl sr cr dr la odt hcl usp kit pack dose doses
    single unit multi multiple use tablet tablets capsule capsules injection solution oral
    topical ophthalmic otic nasal cream ointment gel lotion suspension syrup elixir vial vials
    bottle syringe prefilled premix premixed novaplus pfs mdv sdv iv im sc bulk pharmacy
    concentrate chewable disintegrating orally film coated soft softgel liquid powder
    powders drops spray inhalation"""
)
# Salts normalise_generic keeps but a Drugs@FDA ingredient may carry ("Clopidogrel bisulfate").
MORE_SALTS = _words(
    """bisulfate besilate mesilate napsylate pamoate valerate decanoate enanthate cypionate
    lactate gluconate stearate hemihydrate sesquihydrate disodium dipotassium hydrobromide
    dihydrochloride maleate malate nitrate oxalate palmitate propionate acetonide
    bromide benzoate saccharate carbonate oxide hydroxide xinafoate furoate"""
)


@lru_cache(maxsize=CACHE_SIZE)
def clean_name(raw: str) -> str:
    """Whitespace collapsed and an all-capitals name title-cased, its acronyms kept:
    "EPIPEN JR.  " → "Epipen Jr.", "TOPROL-XL" → "Toprol-XL"."""
    name = " ".join(raw.split())
    if not name.isupper():
        return name
    return re.sub(r"[A-Z][A-Z']*", _title_word, name)


def _title_word(match: re.Match) -> str:
    word = match.group()
    if word in ACRONYMS:
        return word
    if match.start() > 0 and word.lower() in SMALL_WORDS:
        return word.lower()
    return word[:1] + word[1:].lower()


def split_ingredients(raw: str) -> list[str]:
    """The active ingredients of a product: Drugs@FDA joins them with ";"."""
    return [" ".join(piece.split()) for piece in raw.split(";") if piece.strip()]


@lru_cache(maxsize=CACHE_SIZE)
def ingredient_keys(ingredient: str) -> tuple[str, ...]:
    """Lowercased names the ingredient may have as a drug, most likely first:
    "TIZANIDINE HYDROCHLORIDE" → ["tizanidine", "tizanidine hydrochloride"]."""
    display, full = normalise_generic(ingredient)
    keys = [display.lower(), full]
    words = full.split()
    while len(words) > 1 and words[-1] in MORE_SALTS:
        words.pop()
        keys.append(" ".join(words))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=CACHE_SIZE)
def is_brand_name(name: str, ingredient: str) -> bool:
    """Whether a product name is a brand, not the ingredient's generic name with or without a
    qualifier: "Valium" is one; "Ibuprofen Dye Free" and "Clopidogrel" are not."""
    words = re.findall(r"[a-z]+", name.lower())
    folded = " ".join(words)
    if not folded:
        return False
    generic_words: set[str] = set()
    for piece in split_ingredients(ingredient):
        for key in ingredient_keys(piece):
            key = " ".join(re.findall(r"[a-z]+", key))
            if folded == key or folded.startswith(key + " "):
                return False
            generic_words.update(key.split())
    return not all(word in generic_words or word in QUALIFIERS for word in words)


# Forms and routes --------------------------------------------------------------------------

ROUTES = {
    "ORAL": Route.ORAL,
    "SUBLINGUAL": Route.SUBLINGUAL,
    "BUCCAL": Route.BUCCAL,
    "INTRATHECAL": Route.INTRATHECAL,
    "INTRAVENOUS": Route.INTRAVENOUS,
    "IV (INFUSION)": Route.INTRAVENOUS,
    "INTRAMUSCULAR": Route.INTRAMUSCULAR,
    "SUBCUTANEOUS": Route.SUBCUTANEOUS,
    "INHALATION": Route.INHALED,
    "NASAL": Route.NASAL,
    "OPHTHALMIC": Route.OPHTHALMIC,
    "OTIC": Route.OTIC,
    "TRANSDERMAL": Route.TRANSDERMAL,
    "TOPICAL": Route.TOPICAL,
    "RECTAL": Route.RECTAL,
    "VAGINAL": Route.VAGINAL,
}
# Forms that are one dosage form whatever the route says.
FORMS = {
    "TABLET": DosageForm.TABLET,
    "TABLET, FILM COATED": DosageForm.TABLET,
    "TABLET, COATED PARTICLES": DosageForm.TABLET,
    "TABLET, EFFERVESCENT": DosageForm.TABLET,
    "TABLET, DISPERSIBLE": DosageForm.TABLET,
    "TABLET, FOR SUSPENSION": DosageForm.TABLET,
    "TABLET, EXTENDED RELEASE": DosageForm.EXTENDED_RELEASE_TABLET,
    "TABLET, FILM COATED, EXTENDED RELEASE": DosageForm.EXTENDED_RELEASE_TABLET,
    "TABLET, EXTENDED RELEASE, CHEWABLE": DosageForm.EXTENDED_RELEASE_TABLET,
    "TABLET, DELAYED RELEASE": DosageForm.DELAYED_RELEASE_TABLET,
    "TABLET, ORALLY DISINTEGRATING": DosageForm.ORALLY_DISINTEGRATING_TABLET,
    "TABLET, ORALLY DISINTEGRATING, DELAYED RELEASE": DosageForm.ORALLY_DISINTEGRATING_TABLET,
    "TABLET, ORALLY DISINTEGRATING, EXTENDED RELEASE": DosageForm.ORALLY_DISINTEGRATING_TABLET,
    "TABLET, CHEWABLE": DosageForm.CHEWABLE_TABLET,
    "CAPSULE": DosageForm.CAPSULE,
    "CAPSULE, PELLETS": DosageForm.CAPSULE,
    "CAPSULE, EXTENDED RELEASE": DosageForm.EXTENDED_RELEASE_CAPSULE,
    "CAPSULE, DELAYED RELEASE": DosageForm.DELAYED_RELEASE_CAPSULE,
    "CAPSULE, DELAYED REL PELLETS": DosageForm.DELAYED_RELEASE_CAPSULE,
    "CAPSULE, COATED PELLETS": DosageForm.DELAYED_RELEASE_CAPSULE,
    "GRANULE": DosageForm.GRANULES,
    "GRANULES": DosageForm.GRANULES,
    "GRANULE, DELAYED RELEASE": DosageForm.GRANULES,
    "GRANULES, EXTENDED RELEASE": DosageForm.GRANULES,
    "GRANULE, EFFERVESCENT": DosageForm.GRANULES,
    "PELLETS": DosageForm.GRANULES,
    "TROCHE/LOZENGE": DosageForm.LOZENGE,
    "PASTILLE": DosageForm.LOZENGE,
    "AEROSOL, METERED": DosageForm.INHALER,
    "POWDER, METERED": DosageForm.INHALER,
    "INHALANT": DosageForm.INHALER,
    "PATCH": DosageForm.PATCH,
    "SHAMPOO": DosageForm.SHAMPOO,
    "LOTION/SHAMPOO": DosageForm.SHAMPOO,
    "SUPPOSITORY": DosageForm.SUPPOSITORY,
    "ENEMA": DosageForm.ENEMA,
    "IMPLANT": DosageForm.IMPLANT,
    "RING": DosageForm.VAGINAL_RING,
}
INJECTABLE = {
    "INJECTABLE",
    "INJECTION",
    "INJECTABLE, LIPOSOMAL",
    "INJECTABLE, LIPID COMPLEX",
    "INJECTABLE, SUSPENSION",
    "INJECTION, EXTENDED RELEASE",
    "VIAL",
    "SYRINGE",
}
INJECTION_ROUTES = {
    Route.INTRAVENOUS,
    Route.INTRAMUSCULAR,
    Route.SUBCUTANEOUS,
    Route.INTRATHECAL,
}
INJECTED_FORMS = ("SOLUTION", "SUSPENSION", "EMULSION", "POWDER", "FOR SOLUTION", "FOR SUSPENSION")
LIQUIDS = {"SOLUTION", "SOLUTION/DROPS", "SUSPENSION", "SUSPENSION/DROPS", "EMULSION"}
ORAL_SOLUTIONS = {
    "SOLUTION",
    "SYRUP",
    "ELIXIR",
    "SOLUTION, ELIXIR",
    "CONCENTRATE",
    "LIQUID",
    "FOR SOLUTION",
    "SOLUTION, EXTENDED RELEASE",
}
ORAL_SUSPENSIONS = {
    "SUSPENSION",
    "FOR SUSPENSION",
    "SUSPENSION, EXTENDED RELEASE",
    "FOR SUSPENSION, EXTENDED RELEASE",
    "FOR SUSPENSION, DELAYED RELEASE",
}
TOPICALS = {
    "CREAM": DosageForm.CREAM,
    "CREAM, AUGMENTED": DosageForm.CREAM,
    "OINTMENT": DosageForm.OINTMENT,
    "OINTMENT, AUGMENTED": DosageForm.OINTMENT,
    "GEL": DosageForm.GEL,
    "GEL, AUGMENTED": DosageForm.GEL,
    "GEL, METERED": DosageForm.GEL,
    "LOTION": DosageForm.LOTION,
    "LOTION, AUGMENTED": DosageForm.LOTION,
    "SOLUTION": DosageForm.TOPICAL_SOLUTION,
}
PEN_WORDING = re.compile(r"PEN\b|AUTO-?INJECTOR|SOLOSTAR|FLEXTOUCH|PREFILLED PEN")


@lru_cache(maxsize=CACHE_SIZE)
def parse_form(raw: str, *, name: str = "") -> tuple[str, str]:
    """(dosage form, route) of a Drugs@FDA form such as "TABLET;ORAL", as DosageForm and
    Route values; "other" for either when it has no counterpart. `name` tells pens apart."""
    form, _, route_text = raw.upper().partition(";")
    form = " ".join(form.split())
    routes = [" ".join(r.split()) for r in route_text.split(",")]
    route = next((ROUTES[r] for r in routes if r in ROUTES), None)
    if route is None:
        route = Route.OTHER
    dosage_form = _dosage_form(form, route, routes, name=name.upper())
    if dosage_form == DosageForm.TABLET and route == Route.SUBLINGUAL:
        dosage_form = DosageForm.SUBLINGUAL_TABLET
    return dosage_form, route


def _dosage_form(form: str, route: str, routes: list[str], *, name: str) -> str:
    by_injection = route in INJECTION_ROUTES or bool({"INJECTION", "IM-IV"} & set(routes))
    if form in INJECTABLE or (by_injection and form.startswith(INJECTED_FORMS)):
        if route == Route.INTRATHECAL:
            return DosageForm.INTRATHECAL_INJECTION
        if PEN_WORDING.search(f"{form} {name}"):
            return DosageForm.PEN
        return DosageForm.INJECTION
    if form in FORMS:
        return FORMS[form]
    if form.startswith("FILM"):
        if route == Route.TRANSDERMAL:
            return DosageForm.PATCH
        return DosageForm.FILM
    if form.startswith("SYSTEM") and route == Route.TRANSDERMAL:
        return DosageForm.PATCH
    if route == Route.INHALED:
        if form.startswith(("AEROSOL", "POWDER", "SPRAY")):
            return DosageForm.INHALER
        if form in LIQUIDS or form.startswith(("SOLUTION", "SUSPENSION")):
            return DosageForm.INHALATION_SOLUTION
    if route == Route.NASAL and form.startswith(("SPRAY", "SOLUTION", "AEROSOL", "SUSPENSION")):
        return DosageForm.NASAL_SPRAY
    if route == Route.OPHTHALMIC:
        if form.startswith(("SOLUTION", "SUSPENSION", "EMULSION", "FOR SOLUTION")):
            return DosageForm.EYE_DROPS
        if form.startswith(("OINTMENT", "GEL")):
            return DosageForm.EYE_OINTMENT
    if route == Route.OTIC and form.startswith(("SOLUTION", "SUSPENSION", "OIL")):
        return DosageForm.EAR_DROPS
    if route == Route.ORAL:
        if form in ORAL_SOLUTIONS or form == "SOLUTION/DROPS":
            return DosageForm.ORAL_SOLUTION
        if form in ORAL_SUSPENSIONS or form == "SUSPENSION/DROPS":
            return DosageForm.ORAL_SUSPENSION
        if form.startswith("POWDER") or form.startswith("FOR SOLUTION"):
            return DosageForm.POWDER
        if form == "FILM":
            return DosageForm.FILM
    if route == Route.VAGINAL and form.startswith("CREAM"):
        return DosageForm.VAGINAL_CREAM
    if route == Route.RECTAL and form.startswith("GEL"):
        return DosageForm.RECTAL_GEL
    if route == Route.TRANSDERMAL and form.startswith("GEL"):
        return DosageForm.GEL
    if route == Route.TOPICAL and form in TOPICALS:
        return TOPICALS[form]
    if form in TOPICALS and form != "SOLUTION" and route in (Route.TOPICAL, Route.OTHER):
        return TOPICALS[form]
    return DosageForm.OTHER


# Strengths ---------------------------------------------------------------------------------

NOTE = re.compile(r"\s*\*\*.*$")  # "**Federal Register determination that …**"
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
NUMBER = r"(?:\d+(?:\.\d+)?|\.\d+)"
STRENGTH = re.compile(
    rf"""^(?:EQ\s*)?(?P<amount>{NUMBER})\s*
    (?P<unit>MCG|MG|GM|G|KG|ML|%|MEQ|MMOL|MCI|MBQ|USP\s*UNITS|UNITS?|IU)
    (?:\s+(?P<qualifier>[A-Z][A-Z\s-]*?))?
    (?:\s*/\s*(?P<per_amount>{NUMBER})?\s*(?P<per_unit>[A-Z]+))?$""",
    re.VERBOSE,
)
UNITS = {
    "MCG": "mcg",
    "MG": "mg",
    "GM": "g",
    "G": "g",
    "KG": "kg",
    "ML": "mL",
    "%": "%",
    "MEQ": "mEq",
    "MMOL": "mmol",
    "MCI": "mCi",
    "MBQ": "MBq",
    "UNITS": "units",
    "UNIT": "units",
    "USP UNITS": "units",
    "USPUNITS": "units",
    "IU": "units",
}
PER_UNITS = {
    "ML": "mL",
    "GM": "g",
    "G": "g",
    "L": "L",
    "HR": "hour",
    "HOUR": "hour",
    "HRS": "hours",
    "DAY": "day",
    "INH": "inhalation",
    "ACTUATION": "actuation",
    "ACTUAT": "actuation",
    "SPRAY": "spray",
    "DELIVERY": "delivery",
    "VIAL": "vial",
    "AMP": "ampoule",
    "PACKET": "packet",
    "SCOOPFUL": "scoopful",
    "BOT": "bottle",
    "DOSE": "dose",
    "SYRINGE": "syringe",
    "PEN": "pen",
    "CARTRIDGE": "cartridge",
    "TAB": "tablet",
    "CAP": "capsule",
}
MAX_AMOUNT = Decimal("99999999")


@lru_cache(maxsize=CACHE_SIZE)
def parse_strength(raw: str) -> ParsedStrength | None:
    """One amount and unit, per an amount of something, from a Drugs@FDA strength:
    "5MG/5ML" → 5 mg per 5 mL, "EQ 200MG BASE" → 200 mg, "0.1%" → 0.1 %. None when the
    strength is not one amount: "N/A", "10MG;20MG" (one per ingredient), "5MG/10MG"."""
    text = NOTE.sub("", raw.upper())
    text = re.sub(r"\s*\(.*\)\s*$", "", text)  # "10MG/2ML (5MG/ML)": the first is as sold
    text = " ".join(THOUSANDS.sub("", text).split())
    if not text or ";" in text or "," in text:
        return None
    match = STRENGTH.match(text)
    if match is None:
        return None
    per_unit = ""
    if match["per_unit"]:
        per_unit = PER_UNITS.get(match["per_unit"], "")
        if not per_unit:
            return None  # "5MG/10MG" is two amounts, "2MG/KG" not a strength of a product
    amount = _decimal(match["amount"])
    per_amount = _decimal(match["per_amount"]) if match["per_amount"] else None
    if amount is None or (match["per_amount"] and per_amount is None):
        return None
    return ParsedStrength(amount, UNITS[" ".join(match["unit"].split())], per_amount, per_unit)


def _decimal(text: str) -> Decimal | None:
    """A positive amount the strength fields can hold exactly (four decimal places)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if value <= 0 or value > MAX_AMOUNT or value != value.quantize(Decimal("0.0001")):
        return None
    return value


# Mapping -----------------------------------------------------------------------------------


def product_values(record: ProductRecord) -> dict:
    """The Product fields a record gives, all but the drugs it belongs to."""
    name = clean_name(record.name)
    ingredient = " ".join(record.ingredient.split())
    dosage_form, route = parse_form(record.form, name=record.name)
    strength = parse_strength(record.strength)
    return {
        "application_number": record.application_number,
        "product_number": record.product_number,
        "application_type": record.application_type,
        "sponsor": record.sponsor,
        "name": name[:200],
        "active_ingredient": ingredient[:1000],
        "is_combination": len(split_ingredients(ingredient)) > 1,
        "form_raw": " ".join(record.form.split())[:200],
        "dosage_form": dosage_form,
        "route": route,
        "strength_raw": " ".join(record.strength.split())[:1000],
        "strength_amount": strength.amount if strength else None,
        "strength_unit": strength.unit if strength else "",
        "strength_per_amount": strength.per_amount if strength else None,
        "strength_per_unit": strength.per_unit if strength else "",
        "marketing_status": record.marketing_status,
        "is_reference_drug": record.reference_drug.strip() == "1",
        "is_brand": is_brand_name(record.name, ingredient),
    }


def content_hash(values: dict, drug_pks: Iterable[int]) -> str:
    data = {**values, "drugs": sorted(drug_pks), "version": PARSER_VERSION}
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    result: Result
    reason: str = ""


class _Drugs:
    """The drugs products are matched to, by lowercased generic name and other names, and
    the names in use; read once (a row or two per drug), kept up to date as brands are added."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        self.generics: dict[str, int] = {}
        for pk, generic in Drug.objects.values_list("pk", "generic_name").order_by():
            self.generics[generic.lower()] = pk
            self.by_name[generic.lower()] = pk
        self.names: dict[str, tuple[int, str, int]] = {}  # name → (pk, kind, drug pk)
        names = DrugName.objects.annotate(key=Lower("name")).values_list(
            "pk", "key", "kind", "drug_id"
        )
        for pk, key, kind, drug_pk in names.order_by():
            self.names[key] = (pk, kind, drug_pk)
            if kind == NameKind.OTHER:
                self.by_name.setdefault(key, drug_pk)

    def match(self, ingredient: str) -> int | None:
        for key in ingredient_keys(ingredient):
            if key in self.by_name:
                return self.by_name[key]
        return None


@dataclass
class _Batch:
    creates: list[tuple[dict, list[int]]] = field(default_factory=list)  # values, drug pks
    updates: list[tuple[Product, list[int]]] = field(default_factory=list)
    brands: dict[str, DrugName] = field(default_factory=dict)  # new names by lowercased name
    promotions: set[int] = field(default_factory=set)  # former brands marketed again
    changed_drugs: set[int] = field(default_factory=set)


def import_products(
    path: Path | str,
    *,
    on_skip: Callable[[str, str], object] | None = None,
    batch_size: int = BATCH_SIZE,
) -> Summary:
    """Import the Drugs@FDA files in a folder or a .zip: each product created or updated by
    its application and product number, linked to the drugs its ingredients match (salt
    aside), and brand names added to their drug; running it again changes nothing. Bad lines
    are skipped and told to `on_skip(position, reason)`; one transaction per batch."""
    summary = Summary()
    drugs = _Drugs()
    changed_drugs: set[int] = set()
    batch: list[ProductRecord] = []
    try:
        for position, record in iter_product_records(path):
            if isinstance(record, BadRow):
                if position.startswith(PRODUCTS):
                    summary.counts[Result.SKIPPED] += 1
                if on_skip is not None:
                    on_skip(position, record.reason)
                continue
            batch.append(record)
            if len(batch) == batch_size:
                changed_drugs |= _import_batch(batch, drugs=drugs, summary=summary)
                batch = []
        if batch:
            changed_drugs |= _import_batch(batch, drugs=drugs, summary=summary)
    finally:
        # Once for the whole run, not per batch: search rewrites each drug whose names or
        # products changed once, and the page cache is emptied once. Batches committed
        # before an error are announced too.
        if changed_drugs:
            catalogue_changed.send(sender=Product, drug_ids=changed_drugs)
    return summary


def _import_batch(records: list[ProductRecord], *, drugs: _Drugs, summary: Summary) -> set[int]:
    """Import records in one transaction; the pks of the drugs whose products or names
    changed."""
    numbers = {r.application_number for r in records}
    with transaction.atomic():
        stored = {
            (appl, prod): (pk, digest)
            for pk, appl, prod, digest in Product.objects.filter(application_number__in=numbers)
            .values_list("pk", "application_number", "product_number", "content_hash")
            .order_by()
        }
        batch = _Batch()
        seen: set[tuple[str, str]] = set()
        for record in records:
            key = (record.application_number, record.product_number)
            if key in seen:  # a product listed twice: the first line counts
                summary.counts[Result.SKIPPED] += 1
                continue
            seen.add(key)
            _plan(record, stored=stored.get(key), drugs=drugs, batch=batch, summary=summary)
        _write(batch, drugs=drugs, numbers=numbers)
    return batch.changed_drugs


def _plan(
    record: ProductRecord,
    *,
    stored: tuple[int, str] | None,
    drugs: _Drugs,
    batch: _Batch,
    summary: Summary,
) -> None:
    values = product_values(record)
    drug_pks = []
    for piece in split_ingredients(values["active_ingredient"]):
        pk = drugs.match(piece)
        if pk is None:
            summary.unmatched_ingredients.add(piece.lower())
        elif pk not in drug_pks:
            drug_pks.append(pk)
    summary.drugs_matched.update(drug_pks)
    digest = content_hash(values, drug_pks)
    if stored is not None and stored[1] == digest:
        summary.counts[Result.UNCHANGED] += 1
        return
    values["content_hash"] = digest
    batch.changed_drugs.update(drug_pks)
    if stored is None:
        batch.creates.append((values, drug_pks))
        summary.counts[Result.CREATED] += 1
    else:
        batch.updates.append((Product(pk=stored[0], **values), drug_pks))
        summary.counts[Result.UPDATED] += 1
    if values["is_brand"] and not values["is_combination"] and len(drug_pks) == 1:
        summary.brands_added += _plan_brand(
            values["name"],
            status=values["marketing_status"],
            drug_pk=drug_pks[0],
            drugs=drugs,
            batch=batch,
        )


def _plan_brand(name: str, *, status: str, drug_pk: int, drugs: _Drugs, batch: _Batch) -> int:
    """Add a product's name as a brand of its drug, unless the name is taken (by any drug,
    or as another drug's generic name). A name known only from discontinued products is a
    former brand; a former brand of the same drug marketed again becomes a brand."""
    if status == MarketingStatus.TENTATIVE or not status:
        return 0
    key = name.lower()
    if len(name) > DrugName._meta.get_field("name").max_length or key in drugs.generics:
        return 0  # a drug's own generic name is no brand; another drug's is not free
    current = status in (MarketingStatus.PRESCRIPTION, MarketingStatus.OVER_THE_COUNTER)
    kind = NameKind.BRAND if current else NameKind.FORMER_BRAND
    if key in batch.brands:
        new = batch.brands[key]
        if new.drug_id == drug_pk and kind == NameKind.BRAND:
            new.kind = kind
        return 0
    if key in drugs.names:
        pk, known_kind, owner = drugs.names[key]
        if owner == drug_pk and known_kind == NameKind.FORMER_BRAND and kind == NameKind.BRAND:
            batch.promotions.add(pk)
            drugs.names[key] = (pk, NameKind.BRAND, owner)
        return 0
    batch.brands[key] = DrugName(drug_id=drug_pk, name=name, kind=kind)
    batch.changed_drugs.add(drug_pk)
    return 1


def _write(batch: _Batch, *, drugs: _Drugs, numbers: set[str]) -> None:
    through = Product.drugs.through
    links = [(product.pk, pk) for product, pks in batch.updates for pk in pks]
    if batch.creates:
        # New products go in with executemany: bulk_create's per-value preparation is most
        # of an import's time (tens of thousands of products, twenty-odd fields each).
        _insert(Product, [values for values, _pks in batch.creates])
        new = {
            (appl, prod): pk
            for pk, appl, prod in Product.objects.filter(application_number__in=numbers)
            .values_list("pk", "application_number", "product_number")
            .order_by()
        }
        links += [
            (new[values["application_number"], values["product_number"]], pk)
            for values, pks in batch.creates
            for pk in pks
        ]
    if batch.updates:
        fields = [
            f.name
            for f in Product._meta.concrete_fields
            if not f.primary_key and f.name not in ("application_number", "product_number")
        ]
        Product.objects.bulk_update([product for product, _pks in batch.updates], fields)
        old = through.objects.filter(product_id__in=[p.pk for p, _pks in batch.updates])
        batch.changed_drugs.update(old.values_list("drug_id", flat=True))
        old.delete()
    _insert(through, [{"product_id": product, "drug_id": drug} for product, drug in links])
    # The plain QuerySet.bulk_create: DrugName's own announces each batch's drugs to search,
    # which import_products does once for the whole run (catalogue_changed).
    created = QuerySet(DrugName).bulk_create(batch.brands.values())
    for key, name in zip(batch.brands, created, strict=True):
        drugs.names[key] = (name.pk, name.kind, name.drug_id)
    if batch.promotions:
        promoted = DrugName.objects.filter(pk__in=batch.promotions)
        batch.changed_drugs.update(promoted.values_list("drug_id", flat=True))
        promoted.update(kind=NameKind.BRAND)


def _insert(model: type[Model], rows: list[dict]) -> None:
    """INSERT rows (field attname → value, every concrete field but the pk) in one statement."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[row[f.attname] for f in fields] for row in rows])
