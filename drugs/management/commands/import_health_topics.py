"""Import MedlinePlus health-topic summaries onto conditions; running it again changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from drugs.conditions import import_topics
from medguide.editorial.planner import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Give conditions MedlinePlus's plain-language summary (with its source) and synonyms, "
        "from MedQuAD's health-topics JSON lines. Editors' summaries are never replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Also add conditions for disease topics that label pages' uses name, and "
            "link those label pages to the conditions their uses name.",
        )

    def handle(self, *args, **options):
        def skipped(line: int, reason: str) -> None:
            self.stderr.write(f"line {line}: skipped, {reason}")

        try:
            report = import_topics(options["path"], create=options["create"], on_skip=skipped)
        except OSError as error:
            raise CommandError(f"{options['path']}: {error.strerror or error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.topics} topics: {report.matched} matched a condition, "
                f"{report.created} conditions created, {report.summaries} summaries set, "
                f"{report.kept} editors' summaries kept, {report.synonyms} synonym lists "
                f"extended, {report.indications} label uses linked, "
                f"{len(report.skipped)} lines skipped"
            )
        )
        refresh_planner_statistics()
