"""Reading the Drugs@FDA data files: the products of Products.txt, streamed, each joined
with its application and marketing status; a bad line is reported and skipped.

The files and their columns are the FDA's Drugs@FDA data files:
https://www.fda.gov/drugs/drug-approvals-and-databases/drugsfda-data-files
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from drugs.models import ApplicationType, MarketingStatus
from drugs.products.matching import clean_name

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
