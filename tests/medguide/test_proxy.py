"""Serving that survives slow clients: deploy/nginx.conf in front of gunicorn, on loopback.
Eight clients trickle a request a byte at a time; readers behind nginx are still answered."""

import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import PROJECT, free_port, gunicorn, wait_for

pytestmark = pytest.mark.processes

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_CLIENTS = 8
PROBES = 7


@pytest.fixture
def server_env(tmp_path):
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs Debian's nginx")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # nginx speaks plain HTTP on loopback here
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_CONCURRENCY": "2",  # as few workers as eight slow clients could exhaust
        "REDIS_URL": "",
    }


def nginx_config(*, port: int, upstream: str, root: Path) -> str:
    """deploy/nginx.conf with this test's ports and folders."""
    config = (PROJECT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "pid /run/nginx-medguide.pid;": f"pid {root / 'nginx.pid'};",
        "/var/log/nginx/medguide-error.log": str(root / "error.log"),
        "/var/log/nginx/medguide-access.log": str(root / "access.log"),
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server 127.0.0.1:8000;": f"server {upstream};",
        "/srv/medguide/staticfiles/": f"{root}/static/",
        "/srv/medguide/media/": f"{root}/media/",
    }
    for old, new in replacements.items():
        assert old in config, f"deploy/nginx.conf no longer has {old!r}"
        config = config.replace(old, new)
    return config


@contextmanager
def nginx(upstream: str, root: Path):
    """The base URL of deploy/nginx.conf in front of `upstream`. nginx binds its port itself,
    so a parallel test or run can take the free port first: then it starts on another."""
    config = root / "nginx.conf"
    log = root / "error.log"
    for _attempt in range(5):
        port = free_port()
        config.write_text(nginx_config(port=port, upstream=upstream, root=root))
        server = subprocess.Popen(
            [NGINX, "-p", str(root), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        if listening(base, server) or "Address already in use" not in log.read_text():
            break
    try:
        wait_for(f"{base}/healthz", what="nginx", log=log, server=server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def listening(base: str, server: subprocess.Popen) -> bool:
    """Whether nginx answers at `base`, waiting until it does or exits."""
    deadline = time.monotonic() + 60
    while server.poll() is None and time.monotonic() < deadline:
        if healthz_answers(base):
            return True
        time.sleep(0.05)
    return False


def trickle(port: int, sending: threading.Event, stop: threading.Event) -> None:
    """A client that sends a request body one byte every half second until told to stop;
    `sending` is set once its headers and first byte are out."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /interactions/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\na"
        )
        sending.set()
        while not stop.wait(0.5):
            try:
                sock.sendall(b"a")
            except OSError:
                return  # dropped by the server: that is its right


def healthz_answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def probe_during_slow_clients(base: str) -> list[bool]:
    port = int(base.rsplit(":", 1)[1])
    stop = threading.Event()
    sending = [threading.Event() for _ in range(SLOW_CLIENTS)]
    clients = [threading.Thread(target=trickle, args=(port, each, stop)) for each in sending]
    for client in clients:
        client.start()
    try:
        assert all(each.wait(timeout=10) for each in sending), "a slow client could not connect"
        return [healthz_answers(base) for _ in range(PROBES)]
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)


def test_nginx_keeps_healthz_answering_while_slow_clients_trickle(server_env, tmp_path):
    for folder in ("static", "media"):
        (tmp_path / folder).mkdir()
    with (
        gunicorn(server_env, tmp_path / "gunicorn.log") as (upstream, _pid),
        nginx(upstream.removeprefix("http://"), tmp_path) as base,
    ):
        answered = probe_during_slow_clients(base)
    assert answered == [True] * PROBES
    access = (tmp_path / "access.log").read_text()
    assert "/healthz" in access
    assert "?" not in access, "nginx logs no query string either"


def test_nginx_drops_a_body_over_its_limit_before_gunicorn_sees_it(server_env, tmp_path):
    for folder in ("static", "media"):
        (tmp_path / folder).mkdir()
    with (
        gunicorn(server_env, tmp_path / "gunicorn.log") as (upstream, _pid),
        nginx(upstream.removeprefix("http://"), tmp_path) as base,
    ):
        request = urllib.request.Request(f"{base}/interactions/", data=b"x" * (13 * 2**20))
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413
