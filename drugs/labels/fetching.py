"""openFDA's label downloads: the manifest, and each partition fetched into a cache, resumed
and retried, then checked.

openFDA lists its download files in https://api.fda.gov/download.json; its layout is
https://open.fda.gov/apis/download-api-fields/. The label partitions are under
results.drug.label, each a zip holding one JSON file in the layout `reading` streams.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

MANIFEST_URL = "https://api.fda.gov/download.json"
CHUNK_SIZE = 1024 * 1024
TIMEOUT = 60  # seconds a connection may stay silent before the attempt counts as failed
RETRIES = 5  # failed attempts in a row, none of them gaining a byte, before giving up
BACKOFF_SECONDS = 2.0  # the wait after the first failed attempt; it doubles each time after
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
USER_AGENT = "MedGuide sync_labels (urllib)"
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
# The manifest gives size_mb as a string with two decimals and does not say whether a MB is
# 10^6 or 2^20 bytes: a file is taken to match when it is within SIZE_TOLERANCE of either.
SIZE_TOLERANCE = 0.02
SIZE_SLACK_MB = 0.01


class FeedError(Exception):
    """The manifest or a partition cannot be had, or a partition fails its checks."""


@dataclass(frozen=True)
class Partition:
    """One download file of the drug/label endpoint, as the manifest lists it."""

    url: str
    name: str  # the file's name, e.g. drug-label-0001-of-0013.json.zip
    display_name: str
    size_mb: str  # as the manifest gives it
    records: int | None
    export_date: str


@dataclass(frozen=True)
class Manifest:
    export_date: str
    total_records: int | None
    partitions: list[Partition]


@dataclass(frozen=True)
class Fetched:
    path: Path
    size: int  # bytes of the checked file
    downloaded: int  # bytes transferred by this call; 0 when a checked copy was reused
    resumed_at: int  # bytes a .part file already held when this call began
    retries: int


# The manifest --------------------------------------------------------------------------------


def read_manifest(url: str = MANIFEST_URL, *, retries: int = RETRIES) -> Manifest:
    """The drug-label partitions the manifest at `url` lists."""
    _check_scheme(url)
    failures = 0
    while True:
        try:
            with _open(url, {}) as response:
                body = response.read()  # a body cut short raises IncompleteRead: retried
            break
        except urllib.error.HTTPError as error:
            if error.code not in RETRY_STATUSES:
                raise FeedError(f"{url}: HTTP {error.code} {error.reason}") from error
            problem = f"HTTP {error.code}"
        except (OSError, http.client.HTTPException) as error:
            problem = _describe(error)
        failures += 1
        if failures > retries:
            raise FeedError(f"{url}: {problem}, {failures} attempts")
        _wait(failures)
    try:
        data = json.loads(body)
    except ValueError as error:
        raise FeedError(f"{url}: the manifest is not JSON ({error})") from error
    return parse_manifest(data)


def parse_manifest(data: Any) -> Manifest:
    try:
        endpoint = data["results"]["drug"]["label"]
        listed = endpoint["partitions"]
    except (KeyError, TypeError) as error:
        raise FeedError("the manifest lists no drug label partitions") from error
    if not isinstance(listed, list):
        raise FeedError("the manifest lists no drug label partitions")
    export_date = str(endpoint.get("export_date") or "")
    partitions = []
    for entry in listed:
        url = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            raise FeedError(f"a drug label partition without a file URL: {entry!r:.200}")
        _check_scheme(url)
        name = PurePosixPath(urlsplit(url).path).name
        if not name.endswith(".zip") or name.startswith("."):
            raise FeedError(f"a drug label partition that is not a .zip file: {url}")
        records = entry.get("records")
        partitions.append(
            Partition(
                url=url,
                name=name,
                display_name=str(entry.get("display_name") or name),
                size_mb=str(entry.get("size_mb") or ""),
                records=records if isinstance(records, int) else None,
                export_date=export_date,
            )
        )
    names = [partition.name for partition in partitions]
    if len(set(names)) != len(names):
        raise FeedError("the manifest lists two drug label partitions under one file name")
    total = endpoint.get("total_records")
    return Manifest(
        export_date=export_date,
        total_records=total if isinstance(total, int) else None,
        partitions=partitions,
    )


# A partition ---------------------------------------------------------------------------------


def cached_copy(partition: Partition, *, cache_dir: Path) -> Path | None:
    """The partition's checked file in the cache, when it holds this export of it."""
    path = cache_dir / partition.name
    about = _read_about(path)
    if (
        path.exists()
        and about.get("complete")
        and about.get("url") == partition.url
        and about.get("export_date") == partition.export_date
        and about.get("size") == path.stat().st_size
    ):
        return path
    return None


def fetch_partition(
    partition: Partition,
    *,
    cache_dir: Path,
    retries: int = RETRIES,
    say: Callable[[str], object] | None = None,
) -> Fetched:
    """The partition's zip in `cache_dir`, checked (see check_partition). A checked copy of
    this export is reused; else it is downloaded into NAME.part, resumed by an HTTP Range
    request where an attempt or an earlier run left off, and retried with backoff on
    connection errors and 5xx answers. A file that fails its checks is downloaded once more,
    from the start, before FeedError says why."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / partition.name
    if (reused := cached_copy(partition, cache_dir=cache_dir)) is not None:
        return Fetched(
            path=reused, size=reused.stat().st_size, downloaded=0, resumed_at=0, retries=0
        )
    part = path.with_name(path.name + ".part")
    about = _read_about(part)
    if about.get("url") != partition.url:
        part.unlink(missing_ok=True)
        about = {}
    resumed_at = part.stat().st_size if part.exists() else 0
    downloaded = total_retries = 0
    for attempt in range(2):
        download = _Download(partition, part=part, about=about, retries=retries, say=say)
        expected = download.run()
        downloaded += download.gained
        total_retries += download.retries
        try:
            check_partition(part, partition=partition, expected_size=expected)
        except FeedError as error:
            part.unlink(missing_ok=True)
            _about_path(part).unlink(missing_ok=True)
            about = {}
            if attempt:
                raise
            if say is not None:
                say(f"{partition.name}: {error}; downloading it again")
            continue
        break
    part.replace(path)
    _about_path(part).unlink(missing_ok=True)
    size = path.stat().st_size
    # Checked against the server's validators when it was resumed: this export's file.
    _write_about(
        path,
        {**download.about, "export_date": partition.export_date, "complete": True, "size": size},
    )
    return Fetched(
        path=path, size=size, downloaded=downloaded, resumed_at=resumed_at, retries=total_retries
    )


def discard(path: Path) -> None:
    """Delete a partition's file from the cache, with what was recorded of it."""
    path.unlink(missing_ok=True)
    _about_path(path).unlink(missing_ok=True)


def check_partition(path: Path, *, partition: Partition, expected_size: int | None) -> None:
    """Raise FeedError unless `path` is the whole file: as long as the server said (its
    Content-Length or Content-Range), about as large as the manifest says, and a zip whose
    every member passes its CRC-32 check and which holds a .json file. The manifest gives no
    checksum; the CRCs are what proves the content whole."""
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise FeedError(f"{size:,} bytes where the server announced {expected_size:,}")
    if not size_matches(size, partition.size_mb):
        raise FeedError(f"{size:,} bytes where the manifest says {partition.size_mb} MB")
    try:
        with zipfile.ZipFile(path) as archive:
            if not any(name.endswith(".json") for name in archive.namelist()):
                raise FeedError("the zip holds no .json file")
            damaged = archive.testzip()
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise FeedError(f"not a whole zip file ({error})") from error
    if damaged is not None:
        raise FeedError(f"{damaged} in the zip fails its CRC-32 check")


def size_matches(size: int, size_mb: str) -> bool:
    try:
        listed = float(size_mb)
    except ValueError:
        return True  # the manifest gives no size to check against
    return any(
        abs(size / unit - listed) <= max(SIZE_SLACK_MB, listed * SIZE_TOLERANCE)
        for unit in (1_000_000, 1024 * 1024)
    )


class _Download:
    """Bring NAME.part up to the whole file: each attempt asks for what it lacks."""

    def __init__(
        self,
        partition: Partition,
        *,
        part: Path,
        about: dict,
        retries: int,
        say: Callable[[str], object] | None,
    ) -> None:
        self.partition = partition
        self.part = part
        self.about = about  # what the server said of the file: validators, length
        self.retries_allowed = retries
        self.say = say
        self.gained = 0  # bytes written, over every attempt
        self.retries = 0

    def run(self) -> int | None:
        """Download until the file is whole; its length as the server gave it, if it did."""
        failures = 0
        while True:
            gained_before = self.gained
            try:
                return self._attempt()
            except urllib.error.HTTPError as error:
                if error.code == 416:  # nothing after the .part's end
                    total = error.headers.get("Content-Range", "").removeprefix("bytes */")
                    if total.isdigit() and int(total) == self.part.stat().st_size:
                        return int(total)  # whole already: a run killed before checking it
                    self._start_over()
                elif error.code not in RETRY_STATUSES:
                    raise FeedError(
                        f"{self.partition.url}: HTTP {error.code} {error.reason}"
                    ) from error
                problem = f"HTTP {error.code}"
            except (OSError, http.client.HTTPException, _ShortRead) as error:
                problem = _describe(error)
            # A failed attempt that gained bytes was progress: only failures in a row count.
            failures = 0 if self.gained > gained_before else failures + 1
            if failures > self.retries_allowed:
                raise FeedError(f"{self.partition.url}: {problem}, given up after {failures} tries")
            self.retries += 1
            if self.say is not None:
                have = self.part.stat().st_size if self.part.exists() else 0
                self.say(f"{self.partition.name}: {problem}; trying again from byte {have:,}")
            _wait(failures)

    def _attempt(self) -> int | None:
        have = self.part.stat().st_size if self.part.exists() else 0
        validator = self.about.get("etag") or self.about.get("last_modified")
        headers = {}
        if have and validator:
            # If-Range: the rest of *this* file, or the whole file if it has changed since.
            headers = {"Range": f"bytes={have}-", "If-Range": validator}
        elif have:
            self._start_over()  # nothing to tell the same file by: the part cannot be trusted
            have = 0
        with _open(self.partition.url, headers) as response:
            if response.status == 206:
                start, total = _content_range(response.headers.get("Content-Range", ""))
                if start != have:
                    self._start_over()
                    raise _ShortRead("the server resumed at another place")
                mode = "ab"
            else:  # the whole file: first attempt, the range ignored, or the file replaced
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                self.about = {
                    "url": self.partition.url,
                    "export_date": self.partition.export_date,
                    "etag": response.headers.get("ETag", ""),
                    "last_modified": response.headers.get("Last-Modified", ""),
                    "length": total,
                }
                _write_about(self.part, self.about)
                mode = "wb"
            with self.part.open(mode) as out:
                while chunk := response.read(CHUNK_SIZE):
                    out.write(chunk)
                    self.gained += len(chunk)
        size = self.part.stat().st_size
        if total is not None and size < total:
            # http.client ends the body quietly when the connection closes early.
            raise _ShortRead(f"the connection closed at {size:,} of {total:,} bytes")
        return total

    def _start_over(self) -> None:
        self.part.unlink(missing_ok=True)


class _ShortRead(Exception):
    """An attempt ended before the whole file was in."""


def _open(url: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **headers}
    )
    return urllib.request.urlopen(request, timeout=TIMEOUT)


def _content_range(value: str) -> tuple[int, int | None]:
    match = CONTENT_RANGE.fullmatch(value.strip())
    if match is None:
        raise _ShortRead(f"a partial answer with no usable Content-Range ({value!r})")
    total = match[3]
    return int(match[1]), None if total == "*" else int(total)


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(f"{url}: not an http(s) URL")


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        return f"cannot connect ({error.reason})"
    return str(error) or type(error).__name__


def _wait(failures: int) -> None:
    if failures:
        time.sleep(BACKOFF_SECONDS * 2 ** (failures - 1))


def _about_path(path: Path) -> Path:
    return path.with_name(path.name + ".about.json")


def _read_about(path: Path) -> dict:
    """What was recorded of a file in the cache when it was downloaded."""
    try:
        about = json.loads(_about_path(path).read_text())
    except (OSError, ValueError):
        return {}
    return about if isinstance(about, dict) else {}


def _write_about(path: Path, about: dict) -> None:
    temporary = _about_path(path).with_suffix(".tmp")
    temporary.write_text(json.dumps(about))
    temporary.replace(_about_path(path))
