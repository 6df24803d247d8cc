"""Keeping the catalogue current from openFDA's label downloads: only the partitions of a new
export are fetched, and only their labels that are new or changed (by set id and version) go
to the importer.
"""

from __future__ import annotations

import enum
import fcntl
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from drugs.label_interactions import refresh_label_interactions
from drugs.labels.fetching import (
    MANIFEST_URL,
    RETRIES,
    FeedError,
    Fetched,
    Partition,
    discard,
    fetch_partition,
    read_manifest,
)
from drugs.labels.importing import Result, import_records
from drugs.labels.parsing import BadRecord, parse_label, record_key
from drugs.labels.reading import (
    LabelFileError,
    StreamError,
    in_batches,
    iter_label_records,
    label_input_size,
)
from drugs.models import Drug, DrugClass, DrugName, LabelSource
from drugs.signals import catalogue_imported

STATE_FILE = "sync-state.json"
LOCK_FILE = "sync.lock"
COMPARE_BATCH = 200  # records compared with the stored labels in one query
# Interactions are refreshed for the labels a sync changed, unless it changed so many that
# refreshing every label costs about the same (and keeps the query's IN list short).
SCOPED_REFRESH_LIMIT = 5000


class Change(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    BROKEN = "broken"


class Listener:
    """What a sync tells as it goes. This one keeps quiet; the command prints."""

    def message(self, text: str) -> None:
        pass

    def skipped(self, position: str, reason: str) -> None:
        pass

    def reading(self, partition: Partition, *, size: int) -> None:
        """A partition's labels are about to be read: `size` bytes of JSON."""

    def read(self, size: int) -> None:
        pass

    def label(self) -> None:
        pass


@dataclass
class SyncReport:
    dry_run: bool = False
    read: int = 0  # partitions fetched (or found in the cache) and read
    unchanged: int = 0  # partitions of the export the last sync imported: not fetched
    failed: list[str] = field(default_factory=list)
    downloaded: int = 0  # bytes
    labels: Counter[Change] = field(default_factory=lambda: Counter(dict.fromkeys(Change, 0)))
    interactions: str = ""

    def __str__(self) -> str:
        labels = ", ".join(f"{self.labels[change]:,} {change}" for change in Change)
        return (
            f"Partitions: {self.read} read, {self.unchanged} unchanged since the last sync, "
            f"{len(self.failed)} failed; {self.downloaded / 2**20:.1f} MB downloaded. "
            f"Labels: {labels}."
        )


def sync_labels(
    *,
    cache_dir: Path,
    manifest_url: str = MANIFEST_URL,
    dry_run: bool = False,
    recheck: bool = False,
    draft: bool = False,
    keep_files: bool = False,
    retries: int = RETRIES,
    listener: Listener | None = None,
) -> SyncReport:
    """Import the labels of openFDA's current export that are new or changed since the
    labels stored. A partition of the export the last sync imported whole is not fetched; a
    label whose set id is stored with the same SPL id and version is not imported again
    (`recheck`: unless its content hash differs, as when openFDA rewrites its openfda block).

    `dry_run` downloads and reads the partitions a sync would (into the cache, where the
    next sync finds them) and counts what it would import; the database and the sync state
    stay as they are. A partition that cannot be fetched or fails its checks is reported in
    `failed` and left for the next sync. FeedError: the manifest cannot be had."""
    listener = listener or Listener()
    report = SyncReport(dry_run=dry_run)
    # A dry run imports nothing, so it remembers the labels it would import: a record listed
    # twice (the shared sample has four) is new only once, as an import would find it.
    would_import: set[tuple[str, str, str]] = set()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _locked(cache_dir):
        manifest = read_manifest(manifest_url, retries=retries)
        state = SyncState.load(cache_dir)
        for partition in manifest.partitions:
            if not recheck and state.has(partition):
                report.unchanged += 1
                listener.message(f"{partition.name}: unchanged since the last sync")
                continue
            _sync_partition(
                partition,
                state=state,
                report=report,
                cache_dir=cache_dir,
                dry_run=dry_run,
                recheck=recheck,
                draft=draft,
                keep_files=keep_files,
                retries=retries,
                listener=listener,
                would_import=would_import,
            )
        if dry_run:
            return report
        state.forget_all_but(manifest.partitions)
        if state.interactions is not None:
            report.interactions = _refresh_interactions(state)
        state.save()
        # What a run killed before this one left undone (a batch committed, its search
        # documents not yet written) is caught up now.
        catalogue_imported.send(sender=LabelSource)
    return report


def _sync_partition(
    partition: Partition,
    *,
    state: SyncState,
    report: SyncReport,
    cache_dir: Path,
    dry_run: bool,
    recheck: bool,
    draft: bool,
    keep_files: bool,
    retries: int,
    listener: Listener,
    would_import: set[tuple[str, str, str]],
) -> None:
    try:
        fetched = fetch_partition(
            partition, cache_dir=cache_dir, retries=retries, say=listener.message
        )
    except FeedError as error:
        report.failed.append(partition.name)
        listener.message(f"{partition.name}: not read, {error}")
        return
    report.downloaded += fetched.downloaded
    listener.message(_fetched_line(partition, fetched))
    if not dry_run and state.interactions is None:
        # Marked before the first label is written, so that a run killed after it leaves
        # the next run to refresh interactions.
        state.interactions = {"since": timezone.now().isoformat(), "names": _name_count()}
        state.save()
    counts: Counter[Change] = Counter(dict.fromkeys(Change, 0))
    listener.reading(partition, size=label_input_size(fetched.path))
    records = iter_label_records(fetched.path, on_read=listener.read)
    try:
        compared = _compared(records, by_content=recheck)
        if dry_run:
            _count(compared, counts=counts, listener=listener, would_import=would_import)
        else:
            _import(compared, counts=counts, draft=draft, listener=listener)
    except LabelFileError as error:  # checked as a zip, but not a label file
        report.failed.append(partition.name)
        listener.message(f"{partition.name}: not read whole, {error}")
        return
    finally:
        report.labels.update(counts)
    read = counts.total()
    listener.message(
        f"{partition.name}: {read:,} labels: "
        + ", ".join(f"{counts[change]:,} {change}" for change in Change)
    )
    if partition.records is not None and read != partition.records:
        listener.message(
            f"{partition.name}: {read:,} records where the manifest says {partition.records:,}"
        )
    report.read += 1
    if not dry_run:
        state.record(partition)
        state.save()
        if not keep_files:
            discard(fetched.path)


def _fetched_line(partition: Partition, fetched: Fetched) -> str:
    megabytes = fetched.size / 2**20
    if not fetched.downloaded:
        return f"{partition.name}: {megabytes:.1f} MB, found in the cache"
    line = f"{partition.name}: {megabytes:.1f} MB downloaded"
    if fetched.resumed_at:
        line += f", resumed at {fetched.resumed_at / 2**20:.1f} MB"
    if fetched.retries:
        line += f", {fetched.retries} {'retry' if fetched.retries == 1 else 'retries'}"
    return line + ", checked"


# Which labels are new or changed -------------------------------------------------------------


def _compared(
    records: Iterable[tuple[str, dict | StreamError]], *, by_content: bool
) -> Iterator[tuple[str, Any, Change]]:
    """(position, record, change) for each record, compared with the stored labels
    COMPARE_BATCH at a time. NEW and CHANGED are what the importer needs to see; BROKEN is a
    record the reader could not read, or whose ids are unusable."""
    for batch in in_batches(records, COMPARE_BATCH):
        yield from _compare_batch(batch, by_content=by_content)


def _compare_batch(
    batch: list[tuple[str, dict | StreamError]], *, by_content: bool
) -> Iterator[tuple[str, Any, Change]]:
    identities = [_identity(record) for _position, record in batch]
    stored: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    set_ids = {identity[0] for identity in identities if identity is not None}
    if set_ids:
        for set_id, *rest in (
            LabelSource.objects.filter(set_id__in=set_ids)
            .order_by()
            .values_list("set_id", "spl_id", "version", "content_hash")
        ):
            stored[set_id].append(tuple(rest))
    for (position, record), identity in zip(batch, identities, strict=True):
        if identity is None:
            yield position, record, Change.BROKEN
            continue
        set_id, spl_id, version = identity
        versions = stored.get(set_id)
        if not versions:
            change = Change.NEW
        elif by_content:
            key = record_key(record)
            same = key is not None and any(key[2] == content for _, _, content in versions)
            change = Change.UNCHANGED if same else Change.CHANGED
        elif any(s == spl_id and v == version for s, v, _ in versions):
            change = Change.UNCHANGED
        elif _number(version) < max(_number(v) for _, v, _ in versions):
            change = Change.UNCHANGED  # an older version: the importer keeps the newest
        else:
            change = Change.CHANGED
        yield position, record, change


def _identity(record: Any) -> tuple[str, str, str] | None:
    """(set id, SPL id, version) as the importer stores them; None when they are unusable
    (the importer says why)."""
    if not isinstance(record, dict):
        return None
    set_id, spl_id, version = record.get("set_id"), record.get("id"), record.get("version", "")
    if isinstance(version, list):  # openFDA wraps most values in a list
        version = version[0] if version else ""
    if not all(isinstance(value, str) for value in (set_id, spl_id, version)):
        return None
    if not set_id.strip() or not spl_id.strip():
        return None
    return set_id.strip(), spl_id.strip(), version.strip()[:20]


def _number(version: str) -> int:
    return int(version) if version.isdigit() else -1


def _import(
    compared: Iterator[tuple[str, Any, Change]],
    *,
    counts: Counter[Change],
    draft: bool,
    listener: Listener,
) -> None:
    def to_import() -> Iterator[tuple[str, Any]]:
        for position, record, change in compared:
            if change == Change.UNCHANGED:
                counts[change] += 1
                listener.label()
            else:
                yield position, record

    for position, outcome in import_records(to_import(), draft=draft):
        change = {
            Result.CREATED: Change.NEW,
            Result.UPDATED: Change.CHANGED,
            Result.UNCHANGED: Change.UNCHANGED,
            Result.SKIPPED: Change.BROKEN,
        }[outcome.result]
        if change == Change.BROKEN:
            listener.skipped(position, outcome.reason)
        counts[change] += 1
        listener.label()


def _count(
    compared: Iterator[tuple[str, Any, Change]],
    *,
    counts: Counter[Change],
    listener: Listener,
    would_import: set[tuple[str, str, str]],
) -> None:
    """What importing would do, without importing: a record to import that cannot be
    parsed is counted broken, as the importer would skip it."""
    for position, record, change in compared:
        if isinstance(record, StreamError):
            listener.skipped(position, record.reason)
            change = Change.BROKEN
        elif change != Change.UNCHANGED:
            try:
                parse_label(record)
            except BadRecord as error:
                listener.skipped(position, str(error))
                change = Change.BROKEN
            else:
                identity = _identity(record)
                if identity in would_import:
                    change = Change.UNCHANGED
                would_import.add(identity)
        counts[change] += 1
        listener.label()


# Interactions --------------------------------------------------------------------------------


def _name_count() -> int:
    """How many names and classes a label can mention: imports only ever add to them."""
    return (
        Drug.objects.count()
        + DrugName.objects.count()
        + DrugClass.objects.count()
        + Drug.classes.through.objects.count()
    )


def _refresh_interactions(state: SyncState) -> str:
    """Interactions from the labels imported since the mark, or from every label when a
    name or class was added that labels imported before could mention."""
    since = datetime.fromisoformat(state.interactions["since"])
    changed = LabelSource.objects.filter(imported_at__gte=since).only("pk")
    if _name_count() != state.interactions["names"] or changed.count() > SCOPED_REFRESH_LIMIT:
        summary = refresh_label_interactions()
    elif changed.exists():
        summary = refresh_label_interactions(sources=changed)
    else:
        summary = None
    state.interactions = None
    return str(summary or "")


# The sync state ------------------------------------------------------------------------------


class SyncState:
    """What earlier syncs did, kept beside the downloads: the export of each partition they
    imported whole, and whether interactions still wait for a refresh. Losing it costs one
    download of every partition; the labels stored decide what is imported."""

    def __init__(self, path: Path, data: dict) -> None:
        self.path = path
        partitions = data.get("partitions")
        self.partitions: dict[str, dict] = partitions if isinstance(partitions, dict) else {}
        interactions = data.get("interactions")
        self.interactions: dict | None = interactions if isinstance(interactions, dict) else None

    @classmethod
    def load(cls, cache_dir: Path) -> SyncState:
        path = cache_dir / STATE_FILE
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        return cls(path, data if isinstance(data, dict) else {})

    def has(self, partition: Partition) -> bool:
        entry = self.partitions.get(partition.name, {})
        return {key: entry.get(key) for key in _entry(partition)} == _entry(partition)

    def record(self, partition: Partition) -> None:
        self.partitions[partition.name] = {
            **_entry(partition),
            "synced_at": timezone.now().isoformat(),
        }

    def forget_all_but(self, partitions: list[Partition]) -> None:
        names = {partition.name for partition in partitions}
        self.partitions = {k: v for k, v in self.partitions.items() if k in names}

    def save(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({"partitions": self.partitions, "interactions": self.interactions}, indent=1)
        )
        temporary.replace(self.path)


def _entry(partition: Partition) -> dict:
    return {
        "url": partition.url,
        "export_date": partition.export_date,
        "size_mb": partition.size_mb,
        "records": partition.records,
    }


@contextmanager
def _locked(cache_dir: Path) -> Iterator[None]:
    """One sync at a time per cache: two would write the same .part files."""
    with (cache_dir / LOCK_FILE).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise FeedError(f"another sync is running with the cache {cache_dir}") from error
        yield
