"""One structured log line per request (the JSON formatter in settings turns the extra fields
into keys), so a log search can ask for slow pages or page-cache misses.

Readers' privacy: no address, no user agent and no query string (a search query can say
what someone is ill with); the path alone names the page.
"""

import logging
import re
import time

from django.http import HttpRequest

logger = logging.getLogger("medguide.requests")

# The one JSON shape of every log line, Django's (settings.LOGGING) and gunicorn's
# (gunicorn.conf.py): {"time": …, "level": …, "logger": …, "message": …, extra fields…}.
JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}


# A query string after a path, in any text: "/search/?q=…" → "/search/".
QUERY_STRING = re.compile(r"(/[^\s'\"?]*)\?[^\s'\"]*")


def without_query(value):
    """A log value with no query string: a request becomes "METHOD /path"."""
    if isinstance(value, HttpRequest):
        return f"{value.method} {value.path}"
    return QUERY_STRING.sub(r"\1", value) if isinstance(value, str) else value


class PrivateRequestFilter(logging.Filter):
    """Every handler's last word on privacy, whatever logged the line (Django's 4xx warnings
    pass the request, whose text carries the query string): no query string, and a request
    is only its method and path. Form values are never logged by the project."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = without_query(record.request)
        record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: without_query(arg) for key, arg in record.args.items()}
        return True


# For settings.LOGGING and gunicorn.conf.py, on every handler.
PRIVATE_FILTER = {"()": PrivateRequestFilter}


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "page_cache": response.get("X-Page-Cache", "off"),
                },
            )
        return response
