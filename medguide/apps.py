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
        post_migrate.connect(_roles_are_complete)


def _roles_are_complete(sender, using="default", **kwargs) -> None:
    """The three roles exist with their permissions after every migrate (and after a test
    database is flushed, which replays this): the Site administrator holds every permission,
    including those of apps added later, which exist only once their own migrations ran."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    roles = importlib.import_module("medguide.migrations.0002_editorial_roles")
    editor, reviewer = roles._codenames()
    permissions = Permission.objects.using(using).select_related("content_type")
    by_codename = {(p.content_type.app_label, p.codename): p for p in permissions}
    if not by_codename:
        return  # before the permissions exist (a fresh database, mid-migration)
    granted = {
        "Editor": [by_codename[key] for key in sorted(editor) if key in by_codename],
        "Medical reviewer": [by_codename[key] for key in sorted(reviewer) if key in by_codename],
        "Site administrator": list(by_codename.values()),
    }
    for name, permissions_of_role in granted.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions_of_role)


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
