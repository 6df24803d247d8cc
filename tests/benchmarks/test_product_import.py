"""Benchmark: import_products on the real Drugs@FDA files (43,877 products).

Run with `make bench`. Needs the shared data: MEDGUIDE_DRUGSATFDA, else ../shared/data/drugsatfda
beside the project. Imports into a fresh SQLite database in a child process, first run and
second run (nothing changes), and prints each run's time and the child's peak memory. The
issue's target: all products in 30 s or less, memory flat.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.shared_data import PRODUCTS

pytestmark = pytest.mark.benchmark

PROJECT = Path(__file__).resolve().parent.parent.parent
DATA = Path(os.environ.get("MEDGUIDE_DRUGSATFDA", PRODUCTS))
SECONDS_LIMIT = 30


@pytest.mark.skipif(not (DATA / "Products.txt").exists(), reason=f"no Drugs@FDA files at {DATA}")
def test_product_import_takes_all_products_in_half_a_minute(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}"}
    manage = [sys.executable, str(PROJECT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=PROJECT)
    runs = []
    for _ in range(2):
        started = time.monotonic()
        run = subprocess.run(
            [*manage, "import_products", str(DATA)],
            env=env,
            check=True,
            cwd=PROJECT,
            capture_output=True,
            text=True,
        )
        runs.append((time.monotonic() - started, run.stdout.splitlines()[0]))
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    for (seconds, summary), label in zip(runs, ["first run", "second run"], strict=True):
        print(f"\nimport_products, {label}: {seconds:.1f} s\n{summary}")
    print(f"peak memory of the imports {peak_mb:.0f} MB")
    assert "43,876 created" in runs[0][1]
    assert "43,876 unchanged" in runs[1][1]
    assert runs[0][0] < SECONDS_LIMIT
