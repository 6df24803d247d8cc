"""The project app: home page, health check, robots, sitemaps, deploy checks, the page cache,
and the three editorial roles, whose permissions span every app."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MedguideConfig(AppConfig):
    name = "medguide"
    verbose_name = "MedGuide"

    def ready(self) -> None:
        from medguide import (
            checks,  # noqa: F401  (registers the system checks)
            page_cache,
        )

        page_cache.connect()
        post_migrate.connect(_roles_are_complete)


# What each role may do beyond medguide's 0002_editorial_roles and drugs' 0007_reader_reports_roles:
# editors review and correct the class mappings the label import applies, and read products.
LATER_GRANTS = {("drugs", f"{action}_classmapping") for action in ("add", "change", "view")} | {
    ("drugs", "view_product"),
    # The search log moved from the project app to medguide.search (search 0001).
    ("search", "view_searchlog"),
}


def _roles_are_complete(sender, using="default", **kwargs) -> None:
    """The three roles exist with their permissions after every migrate (and after a test
    database is flushed, which replays this). Nothing a role was given is taken away; the Site
    administrator holds every permission, including those of apps added later."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    editorial = importlib.import_module("medguide.migrations.0002_editorial_roles")
    reports = importlib.import_module("drugs.migrations.0007_reader_reports_roles")
    editor, reviewer = editorial._codenames()
    later = {("drugs", codename) for codename in reports.CODENAMES["Editor"]} | LATER_GRANTS
    permissions = Permission.objects.using(using).select_related("content_type")
    by_codename = {(p.content_type.app_label, p.codename): p for p in permissions}
    if not by_codename:
        return  # before the permissions exist (a fresh database, mid-migration)
    for name, codenames in [("Editor", editor | later), ("Medical reviewer", reviewer | later)]:
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*(by_codename[key] for key in codenames if key in by_codename))
    administrator, _created = Group.objects.using(using).get_or_create(name="Site administrator")
    administrator.permissions.set(list(by_codename.values()))
