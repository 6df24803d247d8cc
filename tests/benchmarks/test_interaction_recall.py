"""Benchmark: how many well-known major interactions the checker finds in the FDA labels.

Run with `pytest -m benchmark tests/benchmarks/test_interaction_recall.py -s`. It needs the
shared data (the 875 openFDA labels and the NDF-RT table) at ../shared/data beside the project
and skips without it. It imports them into the test database with the demo content and the
class taxonomy, then checks each pair below with the interaction checker, and prints the
recall: over every source, and from the labels' own sentences alone.

Every pair is a textbook interaction between two medicines that both have a label in the set;
the mechanism is noted beside it.
"""

import time

import pytest
from django.core.management import call_command

from drugs.checker import check_interactions
from drugs.label_interactions import SOURCE
from drugs.models import Drug
from tests.shared_data import LABELS, NDFRT

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

MIN_RECALL = 0.9

PAIRS = [
    ("Baclofen", "Oxycodone"),  # additive CNS depression
    ("Diazepam", "Oxycodone"),  # benzodiazepine + opioid: boxed warning
    ("Methadone", "Diazepam"),  # benzodiazepine + opioid: boxed warning
    ("Zolpidem", "Oxycodone"),  # hypnotic + opioid
    ("Gabapentin", "Oxycodone"),  # gabapentinoid + opioid: respiratory depression
    ("Pregabalin", "Oxycodone"),  # gabapentinoid + opioid: respiratory depression
    ("Fentanyl", "Ketoconazole"),  # CYP3A4 inhibition: boxed warning
    ("Warfarin", "Ibuprofen"),  # bleeding
    ("Warfarin", "Fluconazole"),  # CYP2C9 inhibition
    ("Warfarin", "Amiodarone"),  # CYP2C9 inhibition
    ("Enoxaparin", "Warfarin"),  # bleeding
    ("Ketorolac", "Ibuprofen"),  # NSAIDs together: contraindicated
    ("Methotrexate", "Ibuprofen"),  # NSAIDs raise methotrexate levels
    ("Sertraline", "Tramadol"),  # serotonin syndrome
    ("Fluoxetine", "Tramadol"),  # serotonin syndrome, CYP2D6
    ("Linezolid", "Sertraline"),  # MAO inhibition: serotonin syndrome
    ("Phenelzine", "Fluoxetine"),  # MAOI + SSRI: contraindicated
    ("Tranylcypromine", "Sertraline"),  # MAOI + SSRI: contraindicated
    ("Selegiline", "Meperidine"),  # MAOI + meperidine: contraindicated
    ("Sumatriptan", "Phenelzine"),  # MAO-A inhibitor: contraindicated
    ("Bupropion", "Phenelzine"),  # MAOI: contraindicated
    ("Cyclobenzaprine", "Phenelzine"),  # MAOI: contraindicated
    ("Simvastatin", "Clarithromycin"),  # CYP3A4: myopathy, contraindicated
    ("Simvastatin", "Itraconazole"),  # CYP3A4: myopathy, contraindicated
    ("Simvastatin", "Gemfibrozil"),  # myopathy: contraindicated
    ("Simvastatin", "Amiodarone"),  # myopathy: dose limit
    ("Sildenafil", "Nitroglycerin"),  # hypotension: contraindicated
    ("Tadalafil", "Nitroglycerin"),  # hypotension: contraindicated
    ("Vardenafil", "Nitroglycerin"),  # hypotension: contraindicated
    ("Tizanidine", "Fluvoxamine"),  # CYP1A2: contraindicated
    ("Tizanidine", "Ciprofloxacin"),  # CYP1A2: contraindicated
    ("Clozapine", "Fluvoxamine"),  # CYP1A2
    ("Theophylline", "Ciprofloxacin"),  # CYP1A2
    ("Clopidogrel bisulfate", "Omeprazole"),  # CYP2C19: less antiplatelet effect
    ("Digoxin", "Amiodarone"),  # P-gp: digoxin toxicity
    ("Colchicine", "Clarithromycin"),  # CYP3A4 and P-gp: colchicine toxicity
    ("Alprazolam", "Ketoconazole"),  # CYP3A4: contraindicated
    ("Triazolam", "Ketoconazole"),  # CYP3A4: contraindicated
    ("Quetiapine", "Ketoconazole"),  # CYP3A4
    ("Rivaroxaban", "Ketoconazole"),  # CYP3A4 and P-gp: bleeding
    ("Apixaban", "Ketoconazole"),  # CYP3A4 and P-gp: bleeding
    ("Pimozide", "Clarithromycin"),  # QT: contraindicated
    ("Citalopram", "Pimozide"),  # QT: contraindicated
    ("Dihydroergotamine", "Clarithromycin"),  # ergotism: contraindicated
    ("Dofetilide", "Verapamil"),  # contraindicated
    ("Dofetilide", "Cimetidine"),  # renal secretion: contraindicated
    ("Carbamazepine", "Clarithromycin"),  # CYP3A4: carbamazepine toxicity
    ("Azathioprine", "Allopurinol"),  # xanthine oxidase: myelosuppression
    ("Mercaptopurine", "Allopurinol"),  # xanthine oxidase: myelosuppression
    ("Spironolactone", "Enalapril"),  # hyperkalemia
]


@pytest.mark.skipif(not LABELS.exists() or not NDFRT.exists(), reason="no shared data")
def test_well_known_interactions_are_found_in_the_labels(capsys):
    call_command("load_demo")
    call_command("load_taxonomy")
    started = time.monotonic()
    call_command("import_labels", str(LABELS))
    imported = time.monotonic() - started
    call_command("import_interactions", str(NDFRT))

    catalogue = set(Drug.objects.values_list("generic_name", flat=True))
    missing = [pair for pair in PAIRS if not set(pair) <= catalogue]
    assert not missing, f"pairs not in the catalogue: {missing}"

    found, from_labels, misses = 0, 0, []
    for pair in PAIRS:
        findings = check_interactions(names=list(pair)).findings
        found += bool(findings)
        labelled = [f for f in findings if f.interaction.source == SOURCE]
        from_labels += bool(labelled)
        if not labelled:
            sources = ", ".join(f.interaction.source for f in findings) or "nothing"
            misses.append(f"{' + '.join(pair)} ({sources})")

    with capsys.disabled():
        print(
            f"\nLabels imported with their interactions in {imported:.1f} s. "
            f"Recall over {len(PAIRS)} well-known pairs: {found / len(PAIRS):.0%} from every "
            f"source, {from_labels / len(PAIRS):.0%} from the labels' sentences alone."
        )
        for miss in misses:
            print(f"  not from a label: {miss}")
    assert from_labels / len(PAIRS) >= MIN_RECALL
