"""Import FDA labels (openFDA drug/label files); running it again changes nothing."""

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from drugs.labels import LabelFileError, Result, StreamError, import_label, iter_label_records

PROGRESS_EVERY = 25


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
        started = time.monotonic()
        progress = self.stdout.isatty()  # a live line on a terminal, plain lines otherwise
        try:
            for path in options["paths"]:
                for position, record in iter_label_records(path):
                    if isinstance(record, StreamError):
                        counts[Result.SKIPPED] += 1
                        self.stderr.write(f"{position}: skipped, {record.reason}")
                        continue
                    outcome = import_label(record, draft=options["draft"])
                    counts[outcome.result] += 1
                    if outcome.result == Result.SKIPPED:
                        self.stderr.write(f"{position}: skipped, {outcome.reason}")
                    if progress and counts.total() % PROGRESS_EVERY == 0:
                        self.progress(counts, started)
        except LabelFileError as error:
            self.report(counts, started)
            raise CommandError(str(error)) from error
        self.report(counts, started)

    def progress(self, counts: Counter, started: float) -> None:
        rate = counts.total() / max(time.monotonic() - started, 1e-6)
        self.stdout.write(f"\r{counts.total()} labels, {rate:.0f}/second", ending="")
        self.stdout.flush()

    def report(self, counts: Counter, started: float) -> None:
        if self.stdout.isatty():
            self.stdout.write("")  # end the progress line
        seconds = max(time.monotonic() - started, 1e-6)
        total = sum(counts.values())
        summary = ", ".join(f"{counts[result]} {result}" for result in Result)
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} labels in {seconds:.1f} s ({total / seconds:.0f} labels/second): "
                f"{summary}"
            )
        )
