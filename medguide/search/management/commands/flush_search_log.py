"""Move the search counts waiting in Redis into the search log now (for a timer, or before a
report read outside the admin); the site also does it by itself about once a minute."""

from django.core.management.base import BaseCommand

from medguide.search import log as search_log


class Command(BaseCommand):
    help = "Move the search counts waiting in Redis into the database's search log."

    def handle(self, *args, **options):
        moved = search_log.flush()
        self.stdout.write(self.style.SUCCESS(f"Moved {moved} searches into the search log."))
