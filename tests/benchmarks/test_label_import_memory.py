"""Benchmark: import_labels streams, so its memory stays flat however large the file is.

Run with `make bench`. It writes an openFDA-layout file of MEDGUIDE_BENCH_LABELS_MB megabytes
(default 1024) from a real fixture label, imports it in a child process and prints the
child's peak memory and its rate. The issue's target: under 300 MB for a 1 GB input.
"""

import copy
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

FIXTURE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "labels" / "tolvaptan-new-format.json"
)
PROJECT = Path(__file__).resolve().parent.parent.parent
PEAK_LIMIT_MB = 300


def write_large_label_file(path: Path, *, megabytes: int) -> int:
    """An openFDA download file of about `megabytes`, each label a distinct drug."""
    template = json.loads(FIXTURE.read_text())["results"][0]
    target, written, count = megabytes * 1024 * 1024, 0, 0
    with path.open("w") as out:
        out.write('{"meta": {"results": {"skip": 0}}, "results": [')
        while written < target:
            label = copy.deepcopy(template)
            label["id"] = f"bench-{count:07d}"
            label["set_id"] = f"bench-set-{count:07d}"
            label["openfda"]["generic_name"] = [f"BENCHMARKINE {count:07d}"]
            label["openfda"]["brand_name"] = [f"Benchbrand {count:07d}"]
            chunk = ("," if count else "") + json.dumps(label)
            out.write(chunk)
            written += len(chunk)
            count += 1
        out.write("]}")
    return count


def test_label_import_memory_stays_flat_on_a_large_file(tmp_path):
    megabytes = int(os.environ.get("MEDGUIDE_BENCH_LABELS_MB", "1024"))
    source = tmp_path / "labels.json"
    labels = write_large_label_file(source, megabytes=megabytes)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}"}
    manage = [sys.executable, str(PROJECT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=PROJECT)

    started = time.monotonic()
    run = subprocess.run(
        [*manage, "import_labels", str(source)],
        env=env,
        check=True,
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux

    print(
        f"\nimport_labels: {megabytes} MB, {labels} labels in {seconds:.1f} s "
        f"({labels / seconds:.0f} labels/s); peak memory of the import {peak_mb:.0f} MB "
        f"(limit {PEAK_LIMIT_MB} MB)\n{run.stdout.splitlines()[-1]}"
    )
    assert peak_mb < PEAK_LIMIT_MB
    assert f"{labels} created" in run.stdout, "every generated label is a new drug"
