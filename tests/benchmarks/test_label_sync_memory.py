"""Benchmark: sync_labels imports a full openFDA partition (about 20,000 labels) with flat
memory, and a sync of a new export whose labels are unchanged is cheap.

Run with `make bench`. It writes a partition of MEDGUIDE_BENCH_SYNC_LABELS labels (default
20,000) by repeating the 875 labels of the shared openFDA sample under new set ids, as openFDA
lists many labels for one generic (here about 23 each; MEDGUIDE_BENCH_SYNC_DISTINCT=1 gives
each label a drug of its own instead), serves it and a manifest from 127.0.0.1, and runs
sync_labels in a child process twice: the first export into an empty database, then a new
export of the same labels. It prints each run's time and the child's peak memory: its VmHWM,
which a child's ru_maxrss is not (on Linux that starts from the parent's peak, since the
child is forked from it).
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.shared_data import LABELS as SAMPLE

pytestmark = pytest.mark.benchmark

PROJECT = Path(__file__).resolve().parent.parent.parent
PEAK_LIMIT_MB = 300
NAME = "drug-label-0001-of-0001.json.zip"
# manage.py, reporting at exit its peak resident memory since exec (/proc/self/status).
PEAK_REPORTING_MANAGE = """
import atexit, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        sys.stdout.write(next(line for line in status if line.startswith("VmHWM")))
atexit.register(peak)
sys.argv[0] = "manage.py"
runpy.run_path("manage.py", run_name="__main__")
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def write_partition(path: Path, *, labels: int, distinct: bool = False) -> None:
    """A partition zip of `labels` real labels, each under a set id and SPL id of its own
    (`distinct`: and a generic name), written a label at a time."""
    with zipfile.ZipFile(SAMPLE) as sample:
        records = json.loads(sample.read(sample.namelist()[0]))["results"]
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(NAME.removesuffix(".zip"), "w", force_zip64=True) as out,
    ):
        out.write(b'{"meta": {}, "results": [')
        for number in range(labels):
            label = records[number % len(records)] | {
                "id": f"bench-spl-{number:06d}",
                "set_id": f"bench-set-{number:06d}",
                "version": "1",
            }
            if distinct:
                openfda = label["openfda"] = dict(label["openfda"])
                openfda["generic_name"] = [f"{openfda['generic_name'][0]} {number:06d}"]
                openfda["brand_name"] = [f"Benchbrand {number:06d}"]
            out.write((b"," if number else b"") + json.dumps(label).encode())
        out.write(b"]}")


def write_manifest(folder: Path, *, base: str, export_date: str, labels: int) -> None:
    size = (folder / NAME).stat().st_size
    partition = {"size_mb": f"{size / 1e6:.2f}", "records": labels, "file": f"{base}/{NAME}"}
    label = {"export_date": export_date, "total_records": labels, "partitions": [partition]}
    (folder / "download.json").write_text(json.dumps({"results": {"drug": {"label": label}}}))


def run_child(arguments: list[str], *, env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of `manage.py *arguments` in a child process."""
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", PEAK_REPORTING_MANAGE, *arguments],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    peak_kb = int(re.search(r"^VmHWM:\s+(\d+) kB", run.stdout, re.MULTILINE)[1])
    output = run.stdout.replace(re.search(r"^VmHWM.*\n", run.stdout, re.MULTILINE)[0], "")
    return time.monotonic() - started, peak_kb / 1024, output


@pytest.mark.skipif(not SAMPLE.exists(), reason="no shared data")
def test_syncing_a_full_partition_keeps_memory_flat(tmp_path):
    labels = int(os.environ.get("MEDGUIDE_BENCH_SYNC_LABELS", "20000"))
    served = tmp_path / "served"
    served.mkdir()
    distinct = os.environ.get("MEDGUIDE_BENCH_SYNC_DISTINCT") == "1"
    write_partition(served / NAME, labels=labels, distinct=distinct)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}"}
    sync = ["sync_labels", f"--manifest={base}/download.json", f"--cache-dir={tmp_path / 'cache'}"]
    run_child(["migrate", "-v0"], env=env)
    try:
        write_manifest(served, base=base, export_date="20260701", labels=labels)
        first = run_child(sync, env=env)
        write_manifest(served, base=base, export_date="20260708", labels=labels)
        again = run_child(sync, env=env)
    finally:
        server.shutdown()
        server.server_close()

    megabytes = (served / NAME).stat().st_size / 2**20
    shape = "a drug for each" if distinct else f"about {labels / 871:.0f} for each drug"
    print(
        f"\nsync_labels, one partition of {labels:,} labels ({megabytes:.0f} MB zipped), {shape}:"
        f"\n  first export: {first[0]:.0f} s, peak memory {first[1]:.0f} MB"
        f"\n  {first[2].splitlines()[-1]}"
        f"\n  new export, same labels: {again[0]:.1f} s, peak memory {again[1]:.0f} MB"
        f"\n  {again[2].splitlines()[-1]}"
        f"\n(limit {PEAK_LIMIT_MB} MB)"
    )
    assert f"{labels:,} new, 0 changed" in first[2]
    assert f"0 new, 0 changed, {labels:,} unchanged" in again[2]
    # Measured at 20,000 (docs/data.md): 125 MB with a drug for each label, 421 MB with about
    # 23 for each drug, where each batch's search rewrite reads every label of its drugs.
    assert max(first[1], again[1]) < PEAK_LIMIT_MB, "see the search index rewrite (docs/data.md)"
