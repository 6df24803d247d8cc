"""Rewrite the whole search index; the index keeps itself current, so this is for repairs."""

import time

from django.core.management.base import BaseCommand

from medguide.editorial.planner import refresh_planner_statistics
from medguide.search import index as search_index


class Command(BaseCommand):
    help = "Rewrite the site search index from the drugs and guides in the database."

    def handle(self, *args, **options):
        started = time.monotonic()
        written = search_index.rebuild()
        refresh_planner_statistics()
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {written} items in {seconds:.1f} s."))
