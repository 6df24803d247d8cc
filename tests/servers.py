"""Real servers on loopback for the tests that need them: gunicorn with the project's
gunicorn.conf.py on a socket the test holds (so no parallel test or run can take its port),
started and stopped by its own PID."""

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
    """A port free now. Another process may take it before it is used: servers that can be
    handed a socket are (see gunicorn), and the others retry on another port (see nginx in
    tests/medguide/test_proxy.py)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    url: str, *, what: str, log: Path, server: subprocess.Popen | None = None, timeout: float = 60
) -> None:
    """Poll `url` until it answers 200; fail once `timeout` seconds pass or `server` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if server is not None and server.poll() is not None:
                pytest.fail(f"{what} exited with {server.returncode}: see {log}")
            time.sleep(0.05)
    pytest.fail(f"{what} did not start within {timeout:.0f} s: see {log}")


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, ready: str = "/healthz", **overrides: str):
    """(base URL, PID) of a gunicorn serving medguide.wsgi, once `ready` answers 200;
    terminated on the way out. It serves a listening socket bound here and handed over
    (gunicorn's fd:// address), so the port is never free for anyone else in between."""
    with socket.create_server(("127.0.0.1", 0)) as listener, log.open("w") as output:
        port = listener.getsockname()[1]
        env = {**env, "BIND": f"fd://{listener.fileno()}", **overrides}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "medguide.wsgi"],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}{ready}", what="gunicorn", log=log, server=server)
            yield base, server.pid
        finally:
            server.terminate()
            server.wait(timeout=30)
