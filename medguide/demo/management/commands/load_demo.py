"""Load or refresh the demo monographs; running it again changes nothing."""

from django.core.management.base import BaseCommand

from medguide.demo.loader import load_demo


class Command(BaseCommand):
    help = "Create or update the demo drugs, classes and conditions, published (idempotent)."

    def handle(self, *args, **options):
        summary = load_demo(stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(str(summary)))
