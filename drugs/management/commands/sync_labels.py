"""Keep the FDA labels current from openFDA's bulk downloads: only what changed is imported."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from drugs.labels.fetching import MANIFEST_URL, RETRIES, FeedError, Partition
from drugs.labels.syncing import Listener, sync_labels
from drugs.management.commands.import_labels import Progress
from medguide.editorial.planner import refresh_planner_statistics


class Printer(Listener):
    """Messages on stdout, skipped records on stderr, and import_labels' progress line for
    the partition being read."""

    def __init__(self, command: BaseCommand) -> None:
        self.command = command
        self.progress: Progress | None = None

    def message(self, text: str) -> None:
        self.clear()
        self.command.stdout.write(text)

    def skipped(self, position: str, reason: str) -> None:
        self.clear()
        self.command.stderr.write(f"{position}: skipped, {reason}")

    def reading(self, partition: Partition, *, size: int) -> None:
        self.clear()
        self.progress = Progress(self.command.stdout, total_bytes=size)

    def read(self, size: int) -> None:
        if self.progress is not None:
            self.progress.read(size)

    def label(self) -> None:
        if self.progress is not None:
            self.progress.label()

    def clear(self) -> None:
        if self.progress is not None:
            self.progress.clear()


class Command(BaseCommand):
    help = (
        "Bring the FDA labels up to date from openFDA's drug/label downloads: fetch the "
        "partitions of a new export (resumed, retried, checked) and import only the labels "
        "that are new or changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what a sync would import, changing nothing. Partitions of a new export "
            "are still downloaded (into the cache, for the next sync) to be compared.",
        )
        parser.add_argument(
            "--cache-dir",
            type=Path,
            default=settings.BASE_DIR / "var" / "openfda-labels",
            help="Where partitions are downloaded and the sync state is kept "
            "(default: var/openfda-labels in the project).",
        )
        parser.add_argument("--manifest", default=MANIFEST_URL, help="openFDA's download.json.")
        parser.add_argument(
            "--recheck",
            action="store_true",
            help="Read every partition, and compare each label's content, not only its "
            "version: catches openFDA's rewrites of a label's openfda block.",
        )
        parser.add_argument(
            "--keep-files",
            action="store_true",
            help="Keep each partition in the cache once imported (else it is deleted).",
        )
        parser.add_argument(
            "--retries",
            type=int,
            default=RETRIES,
            help="Failed attempts in a row (connection errors, 5xx answers) before a "
            "partition is given up; the waits between them double from 2 s.",
        )
        parser.add_argument(
            "--draft", action="store_true", help="Create new label pages as drafts, hidden."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        printer = Printer(self)
        try:
            report = sync_labels(
                cache_dir=options["cache_dir"],
                manifest_url=options["manifest"],
                dry_run=options["dry_run"],
                recheck=options["recheck"],
                draft=options["draft"],
                keep_files=options["keep_files"],
                retries=options["retries"],
                listener=printer,
            )
        except FeedError as error:
            raise CommandError(str(error)) from error
        printer.clear()
        if not report.dry_run:
            refresh_planner_statistics()
        if report.interactions:
            self.stdout.write(report.interactions)
        if report.dry_run:
            self.stdout.write("Dry run: nothing was imported.")
        summary = f"{report} ({time.monotonic() - started:.1f} s)"
        if report.failed:
            self.stdout.write(summary)
            raise CommandError("Not imported, left for the next sync: " + ", ".join(report.failed))
        self.stdout.write(self.style.SUCCESS(summary))
