"""One structured log line per request (the JSON formatter in settings turns the extra fields
into keys), so a log search can ask for slow pages or page-cache misses.

Readers' privacy: no address, no user agent and no query string (a search query can say
what someone is ill with); the path alone names the page.
"""

import logging
import time

logger = logging.getLogger("medguide.requests")

# The one JSON shape of every log line, Django's (settings.LOGGING) and gunicorn's
# (gunicorn.conf.py): {"time": …, "level": …, "logger": …, "message": …, extra fields…}.
JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}


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
