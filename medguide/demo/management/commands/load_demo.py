"""Load or refresh the demo monographs; running it again changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from medguide.demo.loader import load_demo
from medguide.demo.specs import DemoContentError
from medguide.editorial.planner import refresh_planner_statistics


class Command(BaseCommand):
    help = "Create or update the demo drugs, classes and conditions, published (idempotent)."

    def handle(self, *args, **options):
        try:
            summary = load_demo(stdout=self.stdout if options["verbosity"] > 1 else None)
        except DemoContentError as error:
            raise CommandError(f"Demo content not loaded: {error}") from error
        refresh_planner_statistics()
        self.stdout.write(self.style.SUCCESS(str(summary)))
