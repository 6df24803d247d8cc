"""Import FDA labels (openFDA drug/label files); running it again changes nothing."""

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from drugs.label_interactions import refresh_label_interactions
from drugs.labels.importing import Result, import_records
from drugs.labels.reading import LabelFileError, iter_label_records, label_input_size
from drugs.signals import catalogue_imported
from medguide.editorial.planner import refresh_planner_statistics

PROGRESS_EVERY = 1000  # labels between plain progress lines, when not on a terminal
REDRAW_EVERY = 0.2  # seconds between redraws of the live line on a terminal
BAR_WIDTH = 24


class Progress:
    """How far the import is: labels done and their rate, and bytes read of all the input,
    which gives the percentage and the ETA."""

    def __init__(self, out: OutputWrapper, *, total_bytes: int) -> None:
        self.out = out
        self.live = out.isatty()
        self.total_bytes = total_bytes
        self.read_bytes = 0
        self.labels = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def read(self, size: int) -> None:
        self.read_bytes += size

    def label(self) -> None:
        self.labels += 1
        if self.live:
            if time.monotonic() - self.drawn_at >= REDRAW_EVERY:
                self.draw()
        elif self.labels % PROGRESS_EVERY == 0:
            self.out.write(f"{self.labels:,} labels, {self.rate:.0f}/second, {self.percent}% read")

    @property
    def seconds(self) -> float:
        return max(time.monotonic() - self.started, 1e-6)

    @property
    def rate(self) -> float:
        return self.labels / self.seconds

    @property
    def done(self) -> float:
        return min(self.read_bytes / self.total_bytes, 1.0) if self.total_bytes else 0.0

    @property
    def percent(self) -> int:
        return int(self.done * 100)

    def draw(self) -> None:
        self.drawn_at = time.monotonic()
        filled = round(self.done * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        if self.done > 0:
            left = round(self.seconds * (1 - self.done) / self.done)
            eta = f"ETA {left // 60}:{left % 60:02d}"
        else:
            eta = "ETA --:--"
        line = f"[{bar}] {self.percent:3d}%  {self.labels:,} labels  {self.rate:.0f}/s  {eta}"
        self.out.write(f"\r{line}\x1b[K", ending="")
        self.out.flush()

    def clear(self) -> None:
        """Take the live line away, so a message or the summary prints on a clean line."""
        if self.live:
            self.out.write("\r\x1b[K", ending="")
            self.out.flush()
            self.drawn_at = 0.0


class Command(BaseCommand):
    help = (
        "Import openFDA drug labels from .json, .json.zip or folders of them: label sources "
        "for every drug, and label pages for drugs editors have not written yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--draft", action="store_true", help="Create new label pages as drafts, hidden."
        )

    def handle(self, *args, **options):
        counts = Counter(dict.fromkeys(Result, 0))
        progress = Progress(self.stdout, total_bytes=0)
        try:
            progress.total_bytes = sum(label_input_size(path) for path in options["paths"])
            for path in options["paths"]:
                records = iter_label_records(path, on_read=progress.read)
                for position, outcome in import_records(records, draft=options["draft"]):
                    counts[outcome.result] += 1
                    if outcome.result == Result.SKIPPED:
                        progress.clear()
                        self.stderr.write(f"{position}: skipped, {outcome.reason}")
                    progress.label()
        except LabelFileError as error:
            self.report(counts, progress)
            raise CommandError(str(error)) from error
        self.report(counts, progress)
        # Every label, not only this run's: a drug imported now can be named by a label
        # imported before it.
        started = time.monotonic()
        interactions = refresh_label_interactions()
        self.stdout.write(f"{interactions} in {time.monotonic() - started:.1f} s")
        # What a run killed before this one left undone (a batch committed, its search
        # documents not yet written) is caught up now.
        catalogue_imported.send(sender=self.__class__)
        refresh_planner_statistics()

    def report(self, counts: Counter, progress: Progress) -> None:
        progress.clear()
        total = counts.total()
        summary = ", ".join(f"{counts[result]} {result}" for result in Result)
        megabytes = progress.read_bytes / 1024 / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} labels ({megabytes:.1f} MB) in {progress.seconds:.1f} s "
                f"({total / progress.seconds:.0f} labels/second): {summary}"
            )
        )
