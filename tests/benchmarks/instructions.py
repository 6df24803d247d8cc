"""Instructions per request: the scale benchmark's costliest pages counted by valgrind's
callgrind, a figure that does not move with the machine's noise (two runs agree within 0.1%;
CPU time on these machines swings by a fifth between runs minutes apart).

Run `make bench-instructions` after `MEDGUIDE_BENCH_SCALE_KEEP=1 make bench-scale`: it reads
that run's kept SQLite catalogue (or MEDGUIDE_BENCH_INSTRUCTIONS_DATABASE, a database URL).
Only the application's own instructions are counted, so SQLite's work is in them and a
PostgreSQL server's is not.

Each page is asked for in a process of its own under callgrind, counting only from after its
first requests (Django and the caches of the process warmed); counting stops only when the
process has exited, so a run of 2 and one of 6 requests are both counted and their
difference divided by 4 (10 and 50 for the bare view). Instructions are not CPU time (a
page that reads more memory waits more per instruction), so the figures are for comparing
code with code, and the bare view's multiple with the CPU table's only roughly. The method
is in docs/operations.md and docs/decisions/instruction-counts.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.test_scale import DATABASE, PROJECT, environment

# The bare view, and the pages whose targets the CPU table has not met on every run.
PAGES = (
    "bare view",
    "monograph, label page",
    "drug JSON",
    "monograph, editorial (baclofen)",
    "monograph, named by",  # the medicine the most rows of others name (phenytoin)
)
# Requests counted in a page's two runs. The bare view's runs are longer: its request is so
# small (about 2.4 M instructions) that the few hundred thousand by which a process's runs
# differ moved it by a sixth (2.2 M in one run, 2.6 in another) over 2 and 6 requests.
RUNS = {"bare view": (10, 50)}
PAGE_RUNS = (2, 6)


def child(name: str, requests: int, flag: str) -> None:
    """In the process callgrind runs: warm up, say so, wait to be counted, then ask."""
    import django

    django.setup()
    from tests.benchmarks.test_scale import configure, new_client, page_paths

    configure()
    # A page by the start of its name: the table names some by a count ("named by 3,725 rows").
    path = (
        "/bench-ok/"
        if name == "bare view"
        else next(path for page, path in page_paths().items() if page.startswith(name))
    )
    client = new_client()
    for _ in range(3):
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path} did not answer 200")
    Path(flag + ".ready").touch()
    while not Path(flag + ".go").exists():
        time.sleep(0.05)
    for _ in range(requests):
        client.get(path)


def counted(name: str, requests: int, env: dict[str, str], folder: Path) -> int:
    """Instructions of a process that made `requests` requests of page `name`, counted
    from after its warm-up to its exit."""
    flag, output = str(folder / "flag"), folder / "callgrind.out"
    for stale in (Path(flag + ".ready"), Path(flag + ".go"), output):
        stale.unlink(missing_ok=True)
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={output}",
        sys.executable,
        "-m",
        "tests.benchmarks.instructions",
        "--child",
        name,
        str(requests),
        flag,
    ]
    log = folder / "child.log"
    with log.open("w") as handle:
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=handle, stderr=handle)
        while not Path(flag + ".ready").exists():
            if process.poll() is not None:
                raise SystemExit(f"{name}: the process ended early (log {log})")
            time.sleep(0.2)
        subprocess.run(
            ["callgrind_control", "--instr=on", str(process.pid)], check=True, capture_output=True
        )
        Path(flag + ".go").touch()
        if process.wait():
            raise SystemExit(f"{name}: the process failed (log {log})")
    summary = re.search(r"^(?:summary|totals): (\d+)", output.read_text(), re.M)
    return int(summary.group(1))


def main() -> None:
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    kept = Path(tempfile.gettempdir()) / f"{DATABASE}.sqlite3"
    url = os.environ.get("MEDGUIDE_BENCH_INSTRUCTIONS_DATABASE", f"sqlite:///{kept}")
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise SystemExit(f"No catalogue at {url}: run MEDGUIDE_BENCH_SCALE_KEEP=1 make bench-scale")
    with tempfile.TemporaryDirectory(prefix="medguide-instructions-") as name:
        folder = Path(name)
        env = {**environment("sqlite", folder, kept), "DATABASE_URL": url}
        print(f"Instructions per request (callgrind), {url}")
        print(f"{'page':<34}{'instructions':>14}{'x bare':>8}")
        bare = None
        for page in PAGES:
            runs = RUNS.get(page, PAGE_RUNS)
            few, many = (counted(page, n, env, folder) for n in runs)
            each = (many - few) / (runs[1] - runs[0])
            bare = bare or each
            print(f"{page:<34}{each / 1e6:>13.1f}M{each / bare:>7.1f}x", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
