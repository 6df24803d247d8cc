"""The editorial roles as Django groups: Editor, Medical reviewer, Site administrator.

Editors create and change drafts and submit them for review; medical reviewers also approve,
publish, send back and archive (the custom publish_* permissions); site administrators may do
everything, user management included. Give a person a role by adding them to its group (and
ticking "staff status" so they can reach the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The content editors work on: (app, model) pairs with add, change and view.
CONTENT = [
    ("drugs", "drug"),
    ("drugs", "drugclass"),
    ("drugs", "condition"),
    ("drugs", "substance"),
    ("drugs", "formulation"),
    ("articles", "article"),
    ("articles", "category"),
    ("articles", "author"),
    ("taggit", "tag"),
]
# Rows edited inside a monograph or guide page: editors may also delete them.
ROWS = [
    ("drugs", "drugname"),
    ("drugs", "indication"),
    ("drugs", "doseguideline"),
    ("drugs", "strength"),
    ("drugs", "sideeffect"),
    ("drugs", "interaction"),
    ("drugs", "reference"),
    ("articles", "curatedguide"),
    ("taggit", "taggeditem"),
]
READ_ONLY = [("drugs", "labelsource"), ("medguide", "searchlog")]
PUBLISH = [("drugs", "publish_drug"), ("articles", "publish_article")]


def _codenames():
    editor = set()
    for app, model in CONTENT:
        editor |= {(app, f"{action}_{model}") for action in ("add", "change", "view")}
    for app, model in ROWS:
        editor |= {(app, f"{action}_{model}") for action in ("add", "change", "delete", "view")}
    editor |= {(app, f"view_{model}") for app, model in READ_ONLY}
    return editor, editor | set(PUBLISH)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, reviewer = _codenames()

    def permissions(pairs):
        found = []
        for app, codename in sorted(pairs):
            found.append(
                Permission.objects.get(content_type__app_label=app, codename=codename)
            )
        return found

    roles = {
        "Editor": permissions(editor),
        "Medical reviewer": permissions(reviewer),
        "Site administrator": list(Permission.objects.all()),
    }
    for name, granted in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(granted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Editor", "Medical reviewer", "Site administrator"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("medguide", "0001_site_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions", "0001_initial"),
        ("drugs", "0005_editorial_workflow"),
        ("articles", "0002_editorial_workflow"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
