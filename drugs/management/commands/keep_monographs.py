"""Keep every published monograph's rows and first interactions current, ahead of readers."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from drugs.keeping import counted, keep_stale, stale

PROGRESS_EVERY = 1000  # a line for every this many medicines kept


class Command(BaseCommand):
    help = (
        "Read and keep the rows and first interactions of every published monograph whose "
        "kept ones are missing or stale, so that no reader pays for reading them: run it after "
        "an import or sync, and after a deploy that changes what is kept. Stopped part way, "
        "it keeps what it did."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many are stale, keeping nothing."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        using = options["database"]
        if not counted(using):
            raise CommandError(
                "Nothing is kept on this database: a trigger that counts writes to kept rows "
                "or interactions is missing. Run `manage.py migrate`."
            )
        if options["dry_run"]:
            count = stale(using).count()
            self.stdout.write(f"{count:,} published monographs would be kept (dry run).")
            return

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == total:
                self.stdout.write(f"  {done:,} of {total:,}")

        kept = keep_stale(using=using, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Kept the rows and interactions of {kept.medicines:,} monographs "
                f"({kept.seconds:.1f} s)."
            )
        )
