"""References say what kind of source they are, so the monograph can list them in groups.
Existing references on DailyMed or the FDA's label archive are labels, those on other
government or NHS sites regulators and health services; the rest wait for an editor as
"other sources"."""

from urllib.parse import urlsplit

from django.db import migrations, models

LABEL_HOSTS = {"dailymed.nlm.nih.gov", "accessdata.fda.gov"}


def kind_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if host in LABEL_HOSTS:
        return "label"
    if host.endswith((".gov", "nhs.uk")):
        return "regulator"
    return "other"


def classify(apps, schema_editor):
    Reference = apps.get_model("drugs", "Reference")
    for reference in Reference.objects.exclude(url="").only("pk", "url"):
        kind = kind_of(reference.url)
        if kind != "other":
            Reference.objects.filter(pk=reference.pk).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("drugs", "0011_web_urls_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="reference",
            name="kind",
            field=models.CharField(
                choices=[
                    ("label", "Product labels"),
                    ("regulator", "Regulators and health services"),
                    ("clinical", "Clinical references"),
                    ("other", "Other sources"),
                ],
                default="other",
                help_text="Product labels (FDA and other regulators' labeling), regulators and "
                "health services (FDA, NHS), clinical references (Medscape, Drugs.com), or other "
                "sources.",
                max_length=20,
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
