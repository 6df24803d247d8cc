"""The rows other medicines store about a drug, indexed in the order readers see them.

A monograph shows the ten most severe of the rows naming a drug or its classes, by the name
of the medicine that stores them, and says how many there are of each severity. Indexed by
(interactant, drug, severity, name, id), each engine read every one of those rows from the
index and sorted them all for the first ten: phenytoin's 8,428 at 20,000 medicines, 10.8 ms
on SQLite and 10 on PostgreSQL. Indexed by (interactant, severity's rank, the name as sorted,
id), the first ten of each index are the ten (drugs.interactions.DrugInteractions._ranked);
whose rows they are and their severity follow, so that both engines still leave out the
hidden medicines' rows and count the rest by severity from the index alone. The new indexes
lead with the interactant, as the old ones did, and are built before those go.
"""

from django.db import migrations, models
from django.db.models.functions import Lower

from drugs.models import SeverityRank


def ordered(interactant: str, name: str) -> models.Index:
    return models.Index(
        models.F(interactant),
        SeverityRank(),
        Lower("drug_name"),
        models.F("id"),
        models.F("drug"),
        models.F("severity"),
        name=name,
    )


class Migration(migrations.Migration):
    dependencies = [("drugs", "0018_interaction_drug_name")]

    operations = [
        migrations.AddIndex(
            model_name="interaction",
            index=ordered("interactant_drug", "interaction_order_by_drug"),
        ),
        migrations.AddIndex(
            model_name="interaction",
            index=ordered("interactant_class", "interaction_order_by_class"),
        ),
        migrations.RemoveIndex(model_name="interaction", name="interaction_ranked_by_drug"),
        migrations.RemoveIndex(model_name="interaction", name="interaction_ranked_by_class"),
    ]
