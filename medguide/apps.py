"""The project app: home page, health check, shared bits and deploy checks."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MedguideConfig(AppConfig):
    name = "medguide"
    verbose_name = "MedGuide"

    def ready(self) -> None:
        from medguide import (
            checks,  # noqa: F401  (registers the system checks)
            page_cache,
            search_index,
        )

        search_index.connect()
        page_cache.connect()
        post_migrate.connect(_index_after_first_migration, sender=self)
        post_migrate.connect(_site_administrators_may_do_everything)


def _site_administrators_may_do_everything(sender, using="default", **kwargs) -> None:
    """The Site administrator role (created by a migration) holds every permission, including
    those of apps added later, which exist only once their own migrations have run."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.using(using).filter(name="Site administrator").first()
    if group is not None:
        group.permissions.set(Permission.objects.using(using).all())


def _index_after_first_migration(sender, plan=None, **kwargs) -> None:
    """Index existing content the moment the search index's tables are created, so an
    upgraded site finds everything without a separate step."""
    created = any(
        migration.app_label == "medguide" and migration.name == "0001_site_search" and not back
        for migration, back in plan or []
    )
    if created:
        from medguide import search_index

        search_index.rebuild()
