"""Load the curated class tree (drugs/taxonomy.yaml) and file the label pages in it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drugs.taxonomy import TAXONOMY_FILE, TaxonomyError, apply_class_mappings, load_taxonomy
from medguide.editorial.planner import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Write the curated drug classes and their FDA-class and ingredient mappings, then put "
        "every FDA-label page in the classes they give it. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", type=Path, default=TAXONOMY_FILE, help="a taxonomy YAML file"
        )

    def handle(self, *args, path: Path, **options):
        try:
            loaded = load_taxonomy(path)
        except TaxonomyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Taxonomy: {loaded}")
        self.stdout.write(f"Classes: {apply_class_mappings()}")
        refresh_planner_statistics()
