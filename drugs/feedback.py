"""Readers' reports of a problem with a monograph section: the flood limit and the record.

The limit counts reports per client in Django's cache (shared by every app server when the
cache is Redis), under a keyed hash of the address: no IP address is stored anywhere."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from drugs.models import Drug, SectionFeedback
from medguide.editorial.clients import client_address

logger = logging.getLogger(__name__)

REPORTS_PER_WINDOW = 5
WINDOW_SECONDS = 10 * 60
MESSAGE_MIN_LENGTH = 10
MESSAGE_MAX_LENGTH = 2000
HONEYPOT_FIELD = "website"  # a field people never see, so only robots fill it in


def client_key(request: HttpRequest) -> str:
    """The cache key for this client: a keyed hash of its address, never the address itself.

    The address is the one our proxy reports (medguide.editorial.clients), so
    readers behind the proxy are not all counted as one."""
    address = client_address(request)
    digest = salted_hmac("drugs.feedback.client", address, algorithm="sha256").hexdigest()
    return f"section-feedback:{digest}"


def is_flooding(request: HttpRequest) -> bool:
    """Count this attempt; True once the client has sent more than REPORTS_PER_WINDOW in the
    window (which starts at its first attempt)."""
    key = client_key(request)
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            attempts = cache.incr(key)
        except ValueError:  # the window ran out between add() and incr()
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            attempts = 1
    except Exception:  # the cache server is down: a reader's report matters more than a count
        logger.warning("Flood limit unavailable (cache unreachable): the report is accepted")
        return False
    return attempts > REPORTS_PER_WINDOW


def record(
    *, drug: Drug, section: str, section_title: str, message: str, email: str = ""
) -> SectionFeedback:
    """Put the report in the editors' queue ("Reader reports" in the admin)."""
    return SectionFeedback.objects.create(
        drug=drug, section=section, section_title=section_title, message=message, email=email
    )
