"""Gunicorn settings for MedGuide: `gunicorn medguide.wsgi` reads this file from the working
directory. Every value can be changed from the environment.
https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os
import sys
from pathlib import Path

# Run from anywhere: the project's own modules are importable from here.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from medguide.logs import JSON_FORMATTER, PRIVATE_FILTER

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")

# Pages are rendered in Python, so processes, not threads, use the cores: two per core
# cover the time each spends waiting on PostgreSQL or Redis. The gthread worker keeps idle
# keep-alive connections aside without tying up its thread (the sync worker closes each);
# one thread each measured faster than two here (they would share one GIL).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = 5

# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Replace each worker after a while, staggered, so slow leaks cannot build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

# Gunicorn's control socket (gunicornc) lives at one path per user by default, so two servers
# on one machine would share it: off, unless a private path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Behind a proxy that sets X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER in the README):
# trust it only from the addresses the proxy uses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Django logs every request as JSON (medguide/logs.py); gunicorn's own lines go to standard
# output in the same shape, and its access log stays off so each request is logged once.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "filters": {"private": PRIVATE_FILTER},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["private"],
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
