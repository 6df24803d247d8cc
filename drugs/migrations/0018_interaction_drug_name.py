"""Each interaction keeps its drug's name, and the indexes that rank the rows other medicines
store about a drug hold it, with the row's id.

A monograph ranks those rows by severity and by that name. Looking the name up for each row
was most of the cost for the medicines the most rows name: phenytoin's 8,428 at 20,000
medicines, on both engines. With the name and id in the indexes, each engine ranks them from
the indexes alone (drugs.interactions.DrugInteractions). The new indexes lead as the old ones
did, so they serve every lookup those served; the old ones go once they exist.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_names(apps, schema_editor):
    Drug = apps.get_model("drugs", "Drug")
    Interaction = apps.get_model("drugs", "Interaction")
    name = Drug.objects.filter(pk=OuterRef("drug_id")).values("generic_name")[:1]
    Interaction.objects.using(schema_editor.connection.alias).update(drug_name=Subquery(name))


class Migration(migrations.Migration):
    dependencies = [("drugs", "0017_interaction_ranking_indexes")]

    operations = [
        migrations.AddField(
            model_name="interaction",
            name="drug_name",
            field=models.CharField(default="", editable=False, max_length=120),
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                fields=["interactant_drug", "drug", "severity", "drug_name", "id"],
                name="interaction_ranked_by_drug",
            ),
        ),
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(
                fields=["interactant_class", "drug", "severity", "drug_name", "id"],
                name="interaction_ranked_by_class",
            ),
        ),
        migrations.RemoveIndex(model_name="interaction", name="interaction_by_drug"),
        migrations.RemoveIndex(model_name="interaction", name="interaction_by_class"),
    ]
