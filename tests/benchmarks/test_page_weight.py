"""Benchmark: what every monograph weighs to a reader on the real catalogue, against the 60 KB
budget (HTML, CSS and JavaScript, compressed) that tests/browser/test_monograph.py holds the
demo's baclofen to.

Run with `pytest -m benchmark tests/benchmarks/test_page_weight.py -s`. It needs the shared data
at ../shared/data beside the project and skips without it. It imports the 875 openFDA labels,
the NDF-RT table, Drugs@FDA and MedlinePlus into the test database with the demo, asks for each
published monograph as a reader without a session does, and prints the weights: the page
compressed as GZipMiddleware sends it (level 6), plus the stylesheet and scripts every
monograph loads, compressed the same way. It prints figures; it does not fail on them.
"""

import gzip
import statistics
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from drugs.models import Drug
from tests.shared_data import LABELS, NDFRT, PRODUCTS, TOPICS

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

SHARED = (LABELS, NDFRT, PRODUCTS, TOPICS)
BUDGET = 60 * 1024
ASSETS = ["css/site.css", "js/site.js", "js/search.js"]  # what every monograph loads
HEAVIEST = 10


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@pytest.mark.skipif(
    not all(p.exists() for p in (LABELS, NDFRT, PRODUCTS, TOPICS)), reason="no data"
)
def test_what_each_monograph_weighs(capsys, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    quiet = {"stdout": StringIO(), "stderr": StringIO()}  # their reports are not the figures
    call_command("load_demo", **quiet)
    call_command("import_labels", str(LABELS), **quiet)
    call_command("import_interactions", str(NDFRT), **quiet)
    call_command("import_products", str(PRODUCTS), **quiet)
    call_command("import_health_topics", str(TOPICS), create=True, **quiet)
    assets = sum(compressed(Path(finders.find(path)).read_bytes()) for path in ASSETS)

    reader = Client()
    started = time.monotonic()
    weights = []  # (total compressed bytes, HTML bytes, slug)
    for slug in Drug.objects.published().order_by("slug").values_list("slug", flat=True):
        response = reader.get(f"/drugs/{slug}/")
        assert response.status_code == 200, slug
        weights.append((compressed(response.content) + assets, len(response.content), slug))
    seconds = time.monotonic() - started

    weights.sort(reverse=True)
    totals = [total for total, _html, _slug in weights]
    over = [w for w in weights if w[0] > BUDGET]
    with capsys.disabled():
        print(
            f"\n{len(weights)} monographs asked for in {seconds:.0f} s. Weight to a reader "
            f"(the page plus {assets / 1024:.1f} KB of CSS and JavaScript, compressed): "
            f"median {statistics.median(totals) / 1024:.1f} KB, "
            f"p95 {totals[len(totals) // 20] / 1024:.1f} KB, max {totals[0] / 1024:.1f} KB; "
            f"{len(over)} over the {BUDGET // 1024} KB budget."
        )
        for total, html, slug in weights[:HEAVIEST]:
            print(f"  {slug:<32}{total / 1024:>7.1f} KB ({html / 1024:,.0f} KB of HTML)")
