"""Editors and medical reviewers work the reader reports queue and keep the public change
log: view and change reader reports; add, change and view change log entries. Site
administrators, who may do everything, get every permission on both. Only the roles that exist
(medguide's 0002_editorial_roles creates them) are given them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = {
    "Editor": [
        "view_sectionfeedback",
        "change_sectionfeedback",
        "add_changelogentry",
        "change_changelogentry",
        "view_changelogentry",
    ],
    "Site administrator": [
        f"{action}_{model}"
        for model in ("sectionfeedback", "changelogentry")
        for action in ("add", "change", "delete", "view")
    ],
}
CODENAMES["Medical reviewer"] = CODENAMES["Editor"]


def _roles(apps):
    """(group, its permissions) for each role that exists."""
    # Permissions are normally created after all migrations; these roles need them now.
    app_config = apps.get_app_config("drugs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=CODENAMES):
        codenames = CODENAMES[group.name]
        yield (
            group,
            Permission.objects.filter(content_type__app_label="drugs", codename__in=codenames),
        )


def grant(apps, schema_editor):
    for group, permissions in _roles(apps):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    for group, permissions in _roles(apps):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("drugs", "0006_change_log_and_feedback"),
        ("medguide", "0002_editorial_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
