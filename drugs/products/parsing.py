"""Parsing a Drugs@FDA product: its form into a dosage form and route, its strength into an
amount, and the whole record into the fields of a Product."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from drugs.dosing import ParsedStrength
from drugs.models import DosageForm, Route
from drugs.products.matching import CACHE_SIZE, clean_name, is_brand_name, split_ingredients
from drugs.products.reading import ProductRecord

# Part of every content hash: a change to the parsing below makes the next run rewrite
# every product once.
PARSER_VERSION = "1"


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


# A record ----------------------------------------------------------------------------------


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
