"""The liquid-dose converter: mg to mL and back for a drug's oral liquids, from their strengths."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from drugs.dosing import format_amount
from drugs.models import choice_label

LIQUID_FORMS = {"oral-solution", "oral-suspension"}
MG_IN = {"mg": Decimal(1), "mcg": Decimal("0.001"), "g": Decimal(1000)}
UNITS = ("mg", "mL")
SMALLEST = Decimal("0.01")
LARGEST = Decimal(10000)  # far above any single dose: anything more is a typing slip
RESULT_PLACES = Decimal("0.01")
# The same pattern as static/js/converter.js, so both answer the same input alike.
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class LiquidProduct:
    """One strength of an oral liquid, e.g. Ozobax oral solution, 5 mg/5 mL."""

    id: int  # the Strength row's id: a formulation may come in several strengths
    name: str
    strength: str
    mg_per_ml: Decimal

    @property
    def label(self) -> str:
        return f"{self.name}, {self.strength}"


@dataclass(frozen=True)
class Conversion:
    product: LiquidProduct
    amount: Decimal
    unit: str
    result: Decimal
    result_unit: str
    is_rounded: bool

    @property
    def sentence(self) -> str:
        about = "about " if self.is_rounded else ""
        return (
            f"{format_amount(self.amount)} {self.unit} of {self.product.label} "
            f"is {about}{format_amount(self.result)} {self.result_unit}."
        )

    @property
    def mg(self) -> Decimal:
        """The amount of medicine the conversion is about, in mg."""
        return self.amount if self.unit == "mg" else self.result


@dataclass
class Converter:
    """What the converter form shows: the products, the reader's input, errors or a result."""

    products: list[LiquidProduct]
    selected: LiquidProduct | None = None
    amount: str = ""
    unit: str = "mg"
    errors: dict[str, str] = field(default_factory=dict)
    conversion: Conversion | None = None
    daily_maximum_mg: Decimal | None = None  # the largest the page's oral doses allow a day

    @property
    def over_daily_maximum(self) -> str:
        """A warning when the amount is more than any daily maximum on the page, or ""."""
        if not self.conversion or not self.daily_maximum_mg:
            return ""
        if self.conversion.mg <= self.daily_maximum_mg:
            return ""
        return over_daily_maximum(self.conversion.mg, self.daily_maximum_mg)

    @property
    def fold(self) -> str:
        """How many times stronger the strongest liquid is than the weakest: "5", or ""."""
        strengths = [product.mg_per_ml for product in self.products]
        if len(strengths) < 2 or min(strengths) == max(strengths):
            return ""
        return format_amount((max(strengths) / min(strengths)).quantize(Decimal("0.1")))


def liquid_products(formulations) -> list[LiquidProduct]:
    """The oral liquids among a drug's formulations whose strength is an amount per mL."""
    products = []
    for formulation in formulations:
        if formulation.dosage_form not in LIQUID_FORMS or formulation.route != "oral":
            continue
        name = choice_label(formulation, "dosage_form").lower()
        name = f"{formulation.brand} {name}" if formulation.brand else name[:1].upper() + name[1:]
        for strength in formulation.strengths.all():
            if strength.unit not in MG_IN or strength.per_unit != "mL":
                continue
            per_ml = strength.per_amount or Decimal(1)
            products.append(
                LiquidProduct(
                    id=strength.pk,
                    name=name,
                    strength=str(strength),
                    mg_per_ml=strength.amount * MG_IN[strength.unit] / per_ml,
                )
            )
    return products


def daily_maximum_mg(doses) -> Decimal | None:
    """The largest daily maximum among a drug's oral doses stated in mg, mcg or g: an amount
    above it is more than this page says anyone should take in a day."""
    maxima = [
        dose.max_per_day * MG_IN[dose.unit]
        for dose in doses
        if dose.route == "oral" and dose.max_per_day and dose.unit in MG_IN
    ]
    return max(maxima, default=None)


def over_daily_maximum(mg: Decimal, maximum: Decimal) -> str:
    # The same words as static/js/converter.js.
    return (
        f"{format_amount(mg)} mg is more than the largest daily maximum on this page "
        f"({format_amount(maximum)} mg a day). Check the amount you typed, and ask your doctor "
        "or pharmacist before taking this much."
    )


def parse_amount(text: str, *, unit: str) -> Decimal:
    """The reader's amount as a number, or ValueError with a message to show them."""
    text = text.strip()
    if not text:
        raise ValueError("Enter an amount to convert.")
    if len(text) > 20 or not NUMBER.fullmatch(text):
        raise ValueError("Enter the amount as a number, such as 10 or 2.5.")
    amount = Decimal(text)
    if amount <= 0:
        raise ValueError("Enter an amount more than zero.")
    if amount < SMALLEST:
        raise ValueError(f"Enter at least {format_amount(SMALLEST)} {unit}.")
    if amount > LARGEST:
        raise ValueError(
            f"That is far more than any dose: enter no more than {format_amount(LARGEST)} {unit}."
        )
    return amount


def convert(product: LiquidProduct, *, amount: Decimal, unit: str) -> Conversion:
    """mg to mL or mL to mg, rounded to two decimal places."""
    if unit == "mg":
        exact, result_unit = amount / product.mg_per_ml, "mL"
    else:
        exact, result_unit = amount * product.mg_per_ml, "mg"
    result = exact.quantize(RESULT_PLACES, rounding=ROUND_HALF_UP)
    return Conversion(
        product=product,
        amount=amount,
        unit=unit,
        result=result,
        result_unit=result_unit,
        is_rounded=result != exact,
    )


def read_converter(
    products: list[LiquidProduct], *, query, daily_maximum: Decimal | None = None
) -> Converter:
    """The converter for a request's query string (?liquid=<strength id>&amount=10&unit=mg):
    an empty form when it asks for nothing, else a result or a message for each bad field."""
    converter = Converter(
        products=products,
        selected=products[0] if products else None,
        daily_maximum_mg=daily_maximum,
    )
    if "amount" not in query and "liquid" not in query:
        return converter
    by_id = {str(product.id): product for product in products}
    chosen = query.get("liquid", "").strip()
    converter.amount = query.get("amount", "")[:40]
    converter.unit = query.get("unit", "mg")
    if chosen in by_id:
        converter.selected = by_id[chosen]
    else:
        converter.errors["liquid"] = "Choose one of the liquids listed."
    if converter.unit not in UNITS:
        converter.errors["unit"] = "Choose mg or mL."
        converter.unit = "mg"
    try:
        amount = parse_amount(converter.amount, unit=converter.unit)
    except ValueError as error:
        converter.errors["amount"] = str(error)
    if not converter.errors:
        converter.conversion = convert(converter.selected, amount=amount, unit=converter.unit)
    return converter


# The query parameters read_converter() reads: only the converter differs by these, so the
# rest of the page is kept in the cache without them (drugs.views.DrugDetailView).
CONVERTER_PARAMETERS = ("liquid", "amount", "unit")


def page_liquids(drug) -> tuple[list[LiquidProduct], Decimal | None]:
    """What the drug page's converter converts with: the drug's oral liquids, and the largest
    daily maximum its oral doses give. Reads the prefetched formulations, strengths and doses,
    so it adds no query."""
    products = liquid_products(drug.formulations.all())
    return products, daily_maximum_mg(drug.doses.all()) if products else None


def page_converter(
    products: list[LiquidProduct], maximum: Decimal | None, *, query
) -> Converter | None:
    """The drug page's converter for the reader's question, when the drug has oral liquids."""
    if not products:
        return None
    return read_converter(products, query=query, daily_maximum=maximum)
