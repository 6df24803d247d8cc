"""Import US products from the FDA's Drugs@FDA data files; running it again changes nothing."""

import time

from django.core.management.base import BaseCommand, CommandError

from drugs.label_interactions import refresh_label_interactions
from drugs.models import NameKind
from drugs.products.importing import import_products
from drugs.products.reading import ProductFileError
from medguide.editorial.planner import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Import US products (forms, strengths, brands, marketing status) from the Drugs@FDA "
        "data files: a folder holding Products.txt, Applications.txt, MarketingStatus.txt and "
        "MarketingStatus_Lookup.txt, or the .zip the FDA distributes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            summary = import_products(options["path"], on_skip=self.skipped)
        except ProductFileError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{summary} ({seconds:.1f} s)"))
        if summary.brands_for_editors:
            self.stdout.write(
                "Brand names for editor-written monographs, for their editors to add and a "
                "medical reviewer to publish:"
            )
            for (generic, brand), kind in sorted(summary.brands_for_editors.items()):
                label = NameKind(kind).label.lower()
                self.stdout.write(f"  {generic}: {brand} ({label})")
        if summary.brands_added:
            # New brand names let the labels' interaction sentences match more names.
            self.stdout.write(str(refresh_label_interactions()))
        refresh_planner_statistics()

    def skipped(self, position: str, reason: str) -> None:
        self.stderr.write(f"{position}: skipped, {reason}")
