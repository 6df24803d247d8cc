"""Public reads from a PostgreSQL replica, when DATABASE_REPLICA_URL names one.

A reader's plain page view (GET or HEAD, no session, not the admin) reads from the replica.
Everything else uses the primary ("default"): every write, the admin, any request with a
session (an editor who has just published must see it), any request that is not a read, and
every read after a write in the same request, so a request reads its own changes. Outside a
request (management commands, imports, the shell) everything uses the primary.

A replica that does not answer costs readers nothing but its freshness: their page views read
from the primary, and the replica is tried again RETRY_SECONDS later (a connection refused or
timed out on every request would add its wait to every page). /healthz still names it.
"""

from __future__ import annotations

import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.urls import reverse

logger = logging.getLogger(__name__)

REPLICA = "replica"
RETRY_SECONDS = 30  # how long readers stay on the primary after the replica did not answer

# Whether the current request may read from the replica. False outside requests.
_may_read_replica = contextvars.ContextVar("medguide_may_read_replica", default=False)
# Until when (time.monotonic()) this process leaves the replica alone.
_replica_resting_until = 0.0


class ReplicaRouter:
    """Installed by settings only when a replica is configured."""

    def db_for_read(self, model, **hints):
        if not _may_read_replica.get():
            return "default"
        if replica_is_resting():  # asked here, not per request: a cached page reads nothing
            _may_read_replica.set(False)
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        _may_read_replica.set(False)  # from here on, this request reads its own writes
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary; nothing migrates it


def reads_from_replica(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(reverse("admin:index"))
    )


def replica_is_resting() -> bool:
    """Whether readers stay on the primary because the replica did not answer: just now (its
    connection would not open, or an open one no longer answers: the health check Django
    makes before a request's first query anyway, made first, and once), or less than
    RETRY_SECONDS ago. False without a replica."""
    global _replica_resting_until
    if REPLICA not in settings.DATABASES:
        return False
    if time.monotonic() < _replica_resting_until:
        return True
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as error:
        _replica_resting_until = time.monotonic() + RETRY_SECONDS
        logger.warning(
            "replica did not answer; readers read from the primary for %s s",
            RETRY_SECONDS,
            extra={"error": error.__class__.__name__},
        )
        return True
    return False


def replica_reads(get_response):
    """Middleware: decides, per request, whether its reads may go to the replica."""

    def middleware(request):
        token = _may_read_replica.set(reads_from_replica(request))
        try:
            return get_response(request)
        finally:
            _may_read_replica.reset(token)

    return middleware
