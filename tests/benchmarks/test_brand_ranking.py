"""Benchmark: a common US brand name finds its generic first, on the real data.

Run with `pytest -m benchmark tests/benchmarks/test_brand_ranking.py -s`. It loads the demo,
imports the 875 FDA labels from ../shared/data (and the Drugs@FDA products, once the
import_products command exists), rebuilds the search index, then searches 50 common US brand
names whose generic is in the catalogue and prints how many put the generic first, in the
results and in the search box's suggestions. Skipped when the data folder is absent.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from drugs.models import Drug
from medguide.search import index as search_index
from medguide.search import query as site_search
from tests.search_results import titles
from tests.shared_data import DATA, LABELS, PRODUCTS

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

PROJECT = Path(__file__).resolve().parent.parent.parent
WANTED = 50
TARGET = 45

# Common US brands and their generic, most familiar first. The benchmark takes the first 50
# whose generic is in the catalogue (Lipitor, Zoloft, Coumadin and Norvasc are not, in the
# 875 labels: atorvastatin, sertraline, warfarin and amlodipine have no label there).
BRANDS = [
    ("Valium", "diazepam"),
    ("Zanaflex", "tizanidine"),
    ("Lipitor", "atorvastatin"),
    ("Tylenol", "acetaminophen"),
    ("Advil", "ibuprofen"),
    ("Motrin", "ibuprofen"),
    ("Zoloft", "sertraline"),
    ("Prozac", "fluoxetine"),
    ("Xanax", "alprazolam"),
    ("Coumadin", "warfarin"),
    ("Lasix", "furosemide"),
    ("Norvasc", "amlodipine"),
    ("Neurontin", "gabapentin"),
    ("Flexeril", "cyclobenzaprine"),
    ("Lioresal", "baclofen"),
    ("Dantrium", "dantrolene"),
    ("Ativan", "lorazepam"),
    ("Klonopin", "clonazepam"),
    ("Zocor", "simvastatin"),
    ("Prilosec", "omeprazole"),
    ("Pepcid", "famotidine"),
    ("Effexor", "venlafaxine"),
    ("Seroquel", "quetiapine"),
    ("Zyprexa", "olanzapine"),
    ("Risperdal", "risperidone"),
    ("Abilify", "aripiprazole"),
    ("Lamictal", "lamotrigine"),
    ("Tegretol", "carbamazepine"),
    ("Keppra", "levetiracetam"),
    ("Topamax", "topiramate"),
    ("Lyrica", "pregabalin"),
    ("Tenormin", "atenolol"),
    ("Coreg", "carvedilol"),
    ("Eliquis", "apixaban"),
    ("Xarelto", "rivaroxaban"),
    ("Lanoxin", "digoxin"),
    ("Aldactone", "spironolactone"),
    ("Cialis", "tadalafil"),
    ("Claritin", "loratadine"),
    ("Zithromax", "azithromycin"),
    ("Cipro", "ciprofloxacin"),
    ("Levaquin", "levofloxacin"),
    ("Keflex", "cephalexin"),
    ("Flagyl", "metronidazole"),
    ("Diflucan", "fluconazole"),
    ("Zovirax", "acyclovir"),
    ("Imitrex", "sumatriptan"),
    ("Aleve", "naproxen"),
    ("Celebrex", "celecoxib"),
    ("Mobic", "meloxicam"),
    ("Robaxin", "methocarbamol"),
    ("Soma", "carisoprodol"),
    ("Reglan", "metoclopramide"),
    ("Glucotrol", "glipizide"),
    ("Strattera", "atomoxetine"),
    ("Namenda", "memantine"),
    ("Requip", "ropinirole"),
    ("Zyloprim", "allopurinol"),
    ("Restoril", "temazepam"),
    ("Prevacid", "lansoprazole"),
    ("Chantix", "varenicline"),
    ("Haldol", "haloperidol"),
]


@pytest.fixture
def catalogue(settings, tmp_path) -> bool:
    """The demo, the labels and (when the command exists) the products, indexed; True when
    the products were imported."""
    if not LABELS.exists():
        pytest.skip(f"no data at {DATA}")
    settings.MEDIA_ROOT = tmp_path
    quiet = {"verbosity": 0, "stdout": StringIO()}
    call_command("load_demo", **quiet)
    call_command("import_labels", str(LABELS), **quiet)
    has_products = "import_products" in get_commands() and PRODUCTS.exists()
    if has_products:
        call_command("import_products", str(PRODUCTS), **quiet)
    search_index.rebuild()
    return has_products


def test_common_brands_find_their_generic_first(catalogue):
    generics = {
        name.casefold(): name for name in Drug.objects.values_list("generic_name", flat=True)
    }
    cases = [(brand, generics[generic]) for brand, generic in BRANDS if generic in generics]
    cases = cases[:WANTED]
    first_in_results, first_in_suggestions, misses = 0, 0, []
    for brand, generic in cases:
        in_results = (titles(brand) or [""])[0] == generic
        suggested = site_search.suggest(brand.lower())
        in_suggestions = bool(suggested) and generic in (suggested[0].generic, suggested[0].name)
        first_in_results += in_results
        first_in_suggestions += in_suggestions
        if not (in_results and in_suggestions):
            misses.append(f"{brand} → {generic}")
    print(
        f"\n{len(cases)} brands whose generic is in the catalogue "
        f"({'with' if catalogue else 'without'} Drugs@FDA products): generic first in "
        f"{first_in_results} results, {first_in_suggestions} suggestions"
    )
    print("not first:", ", ".join(misses) or "none")
    assert len(cases) == WANTED
    if catalogue:
        assert first_in_results >= TARGET
        assert first_in_suggestions >= TARGET
