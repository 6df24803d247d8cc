"""Real servers on loopback for the tests that need them: a free port, and gunicorn with the
project's gunicorn.conf.py, stopped by its own PID."""

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, *, what: str, log: Path, tries: int = 100) -> None:
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not start: see {log}")


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, ready: str = "/healthz", **overrides: str):
    """(base URL, PID) of a gunicorn serving medguide.wsgi, once `ready` answers 200;
    terminated on the way out."""
    port = free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}", **overrides}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "medguide.wsgi"],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}{ready}", what="gunicorn", log=log)
            yield base, server.pid
        finally:
            server.terminate()
            server.wait(timeout=30)
