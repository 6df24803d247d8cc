"""Search documents keep when readers may find them (public_from), so queries filter on one
indexed column instead of joining back to every published item. Existing documents get it
from their items here; new ones get it when they are written."""

from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery

PUBLISHED = "published"


def fill_public_from(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    Drug = apps.get_model("drugs", "Drug")
    Indication = apps.get_model("drugs", "Indication")
    Article = apps.get_model("articles", "Article")
    for kind, model in (("drug", Drug), ("article", Article)):
        published_at = model.objects.filter(pk=OuterRef("object_id"), status=PUBLISHED)
        SearchDocument.objects.filter(kind=kind).update(
            public_from=Subquery(published_at.values("published_at")[:1])
        )
    first_treated = (
        Indication.objects.filter(condition_id=OuterRef("object_id"), drug__status=PUBLISHED)
        .values("condition_id")
        .annotate(first=Min("drug__published_at"))
        .values("first")[:1]
    )
    SearchDocument.objects.filter(kind="condition").update(public_from=Subquery(first_treated))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_condition_documents"),
        ("drugs", "0011_web_urls_only"),
        ("articles", "0004_remove_article_reviewer"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="public_from",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(fill_public_from, migrations.RunPython.noop),
    ]
