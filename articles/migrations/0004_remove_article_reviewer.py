"""A guide's medical reviewer is who approved it (Publishable.reviewed_by, recorded by the
workflow), not an Author an editor picked: keep the picked reviewer's "name, credentials" as the
recorded review where none is recorded yet, then drop the field."""

from django.db import migrations


def copy_reviewer(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    unrecorded = Article.objects.filter(reviewed_by="", reviewer__isnull=False)
    for article in unrecorded.select_related("reviewer").iterator():
        reviewer = article.reviewer
        credit = ", ".join(part for part in (reviewer.name, reviewer.credentials) if part)
        Article.objects.filter(pk=article.pk).update(reviewed_by=credit[:200])


def copy_back(apps, schema_editor):
    """Going back, the reviewer can't be told from the text: guides keep their reviewed_by."""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_drafts_versions_approval"),
    ]

    operations = [
        migrations.RunPython(copy_reviewer, copy_back),
        migrations.RemoveField(model_name="article", name="reviewer"),
    ]
