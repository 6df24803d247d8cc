"""Public reads from a PostgreSQL replica, when DATABASE_REPLICA_URL names one.

A reader's plain page view (GET or HEAD, no session, not the admin) reads from the replica.
Everything else uses the primary ("default"): every write, the admin, any request with a
session (an editor who has just published must see it), any request that is not a read, and
every read after a write in the same request, so a request reads its own changes. Outside a
request (management commands, imports, the shell) everything uses the primary.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.urls import reverse

REPLICA = "replica"

# Whether the current request may read from the replica. False outside requests.
_may_read_replica = contextvars.ContextVar("medguide_may_read_replica", default=False)


class ReplicaRouter:
    """Installed by settings only when a replica is configured."""

    def db_for_read(self, model, **hints):
        return REPLICA if _may_read_replica.get() else "default"

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


def replica_reads(get_response):
    """Middleware: decides, per request, whether its reads may go to the replica."""

    def middleware(request):
        token = _may_read_replica.set(reads_from_replica(request))
        try:
            return get_response(request)
        finally:
            _may_read_replica.reset(token)

    return middleware
