"""Import a drug–drug interaction table (NDF-RT CSV); running it again changes nothing."""

import time

from django.core.management.base import BaseCommand, CommandError

from drugs.interaction_tables import (
    FORMATS,
    UNMATCHED_SHOWN,
    InteractionFileError,
    Result,
    import_interactions,
)
from medguide.editorial.planner import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Import drug–drug interactions from a table such as the VA's NDF-RT CSV: names matched "
        "to drugs by generic and brand name; editor-written interactions are never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")
        parser.add_argument(
            "--table", default="ndfrt", choices=sorted(FORMATS), help="The table's layout."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            summary = import_interactions(options["path"], table=options["table"])
        except InteractionFileError as error:
            raise CommandError(str(error)) from error
        seconds = max(time.monotonic() - started, 1e-6)
        refresh_planner_statistics()
        if options["verbosity"] > 1:
            for position, reason in summary.skipped:
                self.stderr.write(f"{position}: skipped, {reason}")
        else:
            for position, reason in summary.skipped:
                if not reason.startswith("no drug named"):
                    self.stderr.write(f"{position}: skipped, {reason}")
        if summary.unmatched:
            shown = [name for name, _ in summary.unmatched.most_common(UNMATCHED_SHOWN)]
            more = len(summary.unmatched) - len(shown)
            self.stdout.write(
                f"{len(summary.unmatched)} names matched no drug "
                f"({sum(summary.unmatched.values())} mentions), e.g. {', '.join(shown)}"
                + (f" and {more} more" if more else "")
            )
        counts = ", ".join(f"{summary.pairs[result]} {result}" for result in Result)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows} rows in {seconds:.1f} s ({summary.rows / seconds:.0f} "
                f"rows/second): {summary.matched_pairs} drug pairs ({counts}); "
                f"{summary.merged} duplicate rows merged; {len(summary.skipped)} rows skipped"
            )
        )
