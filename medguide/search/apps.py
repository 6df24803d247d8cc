from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "medguide.search"
    label = "search"
    verbose_name = "Site search"

    def ready(self) -> None:
        from medguide.search import index, log

        index.connect()
        post_migrate.connect(_index_after_first_migration, sender=self)
        # Counts kept in Redis reach the database after a response has gone out.
        request_finished.connect(log.flush_when_due, dispatch_uid="search-log-flush")


def _index_after_first_migration(sender, plan=None, **kwargs) -> None:
    """Index existing content the moment the search index's tables are created, so an
    upgraded site finds everything without a separate step."""
    created = any(
        migration.app_label == "medguide" and migration.name == "0001_site_search" and not back
        for migration, back in plan or []
    )
    if created:
        from medguide.search import index

        index.rebuild()
