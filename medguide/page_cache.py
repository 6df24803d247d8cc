"""Whole-page cache for anonymous readers, emptied whenever content changes.

Readers without a session get public pages from the cache (local memory by default, Redis
when REDIS_URL is set) without touching the database. Every stored page carries the current
*generation*: saving or deleting anything in the content apps starts a new generation once
the transaction commits, so the next reader after a publish gets the new page, on every
server sharing the cache. Scheduled content needs no save to go live, so a generation also
ends at the next scheduled publication time.

Pages are stored after GZipMiddleware and ConditionalGetMiddleware have run (they sit below
this middleware), compressed and with their ETag, so a hit costs two cache reads and no
compression; a reader whose copy is current gets a 304.

Django's own cache middleware would key pages by URL alone and could not be emptied on
publish without deleting every key, which Redis and local memory cannot list cheaply.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from medguide.editorial.drafts import is_rehearsing

logger = logging.getLogger(__name__)
T = TypeVar("T")

GENERATION_KEY = "page-cache:generation"
# Models whose changes can show on a public page.
CONTENT_APPS = {"drugs", "articles", "taggit"}
# Models in those apps that readers never see: a reader's report must not empty the cache.
UNSEEN_MODELS = {"drugs.sectionfeedback"}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# This thread's request: the generation and the fragments it has read.
_request = threading.local()
# Set in this process when the cache could not be reached: pages stored before the outage may
# be stale, so the generation moves as soon as the cache answers again.
_unreached = threading.Event()


@dataclass(frozen=True)
class Generation:
    token: str
    ends_at: datetime | None  # the next scheduled publication, when one is due

    @property
    def is_current(self) -> bool:
        return self.ends_at is None or timezone.now() < self.ends_at


def cache():
    return caches[settings.PAGE_CACHE["ALIAS"]]


def invalidate() -> None:
    """Start a new generation: every page stored so far is never served again. A cache that
    cannot be reached costs speed, never the save that asked: the new generation starts when
    the cache answers again (retry_unreached, at the next request)."""
    _forget_request()
    try:
        cache().delete(GENERATION_KEY)
    except Exception:  # each backend raises its own errors (redis.ConnectionError, OSError…)
        if not _unreached.is_set():
            logger.warning("Page cache unreachable: a new generation starts when it answers")
        _unreached.set()
    else:
        _unreached.clear()


def retry_unreached() -> None:
    """Move the generation if this process could not reach the cache since it last did."""
    if _unreached.is_set():
        invalidate()


def _forget_request() -> None:
    _request.generation = None
    _request.fragments = {}


def invalidate_on_change() -> None:
    """Invalidate now, and again once the current transaction commits: until the commit,
    readers still see the old data and may store the old page under the new generation."""
    if is_rehearsing():  # a draft applied and rolled back: readers never see it
        return
    invalidate()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(invalidate, robust=True)


def current_generation() -> Generation:
    """The generation, read from the cache once per request (PageCacheMiddleware forgets it
    when the request ends; invalidate() at once)."""
    generation = getattr(_request, "generation", None)
    if generation is not None and generation.is_current:
        return generation
    generation = cache().get(GENERATION_KEY)
    if generation is None or not generation.is_current:
        generation = Generation(token=uuid.uuid4().hex, ends_at=_next_scheduled_publication())
        # Several servers may start one at once; the last one written wins, and pages
        # stored under the others simply expire.
        cache().set(GENERATION_KEY, generation, timeout=None)
    _request.generation = generation
    return generation


def _next_scheduled_publication() -> datetime | None:
    from articles.models import Article
    from drugs.models import Drug

    drugs, articles = (
        model.objects.scheduled().order_by().values_list("published_at", flat=True)
        for model in (Drug, Article)
    )
    return drugs.union(articles).order_by("published_at").first()  # one query


def remember(name: str, parts: Iterable[object], compute: Callable[[], T]) -> T:
    """compute(), kept in the cache until content changes (or FRAGMENT_SECONDS pass), for
    the expensive parts of pages that the page cache cannot serve: a monograph's body for
    editors and for addresses with extra parameters, the results of a popular search."""
    if settings.PAGE_CACHE["FRAGMENT_SECONDS"] <= 0:
        return compute()
    try:
        key = _fragment_key(name, parts)
        fetched = getattr(_request, "fragments", {})
        value = fetched[key] if key in fetched else cache().get(key)
    except Exception:
        logger.warning("Fragment cache unavailable; computing %s", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        seconds = _timeout(settings.PAGE_CACHE["FRAGMENT_SECONDS"], current_generation())
        try:
            cache().set(key, value, timeout=seconds)
        except Exception:
            logger.warning("Fragment cache unavailable; %s not stored", name, exc_info=True)
    return value


def fetch_fragments(names: Iterable[str], parts: Iterable[object]) -> None:
    """Read the fragments a page will remember() in one round trip to the cache, rather than
    one each; remember() then finds them (or computes the missing ones) for this request."""
    if settings.PAGE_CACHE["FRAGMENT_SECONDS"] <= 0:
        return
    parts = list(parts)
    try:
        keys = [_fragment_key(name, parts) for name in names]
        found = cache().get_many(keys)
    except Exception:
        logger.warning("Fragment cache unavailable", exc_info=True)
        return
    _request.fragments = {key: found.get(key) for key in keys}


def _fragment_key(name: str, parts: Iterable[object]) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return f"fragment:{current_generation().token}:{name}:{digest}"


def _timeout(seconds: int, generation: Generation) -> int:
    """No longer than `seconds`, nor past the next scheduled publication."""
    if generation.ends_at is None:
        return seconds
    until = (generation.ends_at - timezone.now()).total_seconds()
    return max(1, min(seconds, int(until)))


def page_cache_exempt(view):
    """Mark a view's responses as never stored (search: every query is logged)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cache_exempt = True
        return response

    return wrapped


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _forget_request()  # the generation and fragments are read afresh for each request
        retry_unreached()
        try:
            return self._serve(request)
        finally:
            _forget_request()

    def _serve(self, request: HttpRequest) -> HttpResponse:
        if not self.may_use_cache(request):
            return self.get_response(request)
        # A Host not in ALLOWED_HOSTS raises here, outside the try: Django answers it with
        # the 400 page and one quiet log line (settings.LOGGING), not as a cache failure.
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        try:
            generation = current_generation()
            key = self._key(request, address, generation)
            stored = cache().get(key)
        except Exception:  # a cache server that is down must not take the site with it
            logger.warning("Page cache unavailable; serving without it", exc_info=True)
            _unreached.set()  # what it stored before may be stale when it comes back
            return self.get_response(request)
        if stored is not None:
            return self._replay(request, stored)

        response = self.get_response(request)
        if self._may_store(request, response):
            patch_cache_control(response, public=True, no_cache=True)
            timeout = _timeout(settings.PAGE_CACHE["SECONDS"], generation)
            try:
                cache().set(key, self._freeze(response), timeout=timeout)
            except Exception:
                logger.warning("Page cache unavailable; page not stored", exc_info=True)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def may_use_cache(request: HttpRequest) -> bool:
        # Anyone with a session (editors) sees live pages, previews and their own messages.
        return (
            settings.PAGE_CACHE["SECONDS"] > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
        control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies  # a cookie (a CSRF token) belongs to one reader only
            and not getattr(response, "page_cache_exempt", False)
            and not any(word in control for word in ("private", "no-store"))
        )

    @staticmethod
    def _key(request: HttpRequest, address: str, generation: Generation) -> str:
        encoding = "gzip" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else ""
        digest = hashlib.sha256(f"{address} {encoding}".encode()).hexdigest()
        return f"page-cache:{generation.token}:{digest}"

    @staticmethod
    def _freeze(response: HttpResponse) -> tuple[int, list[tuple[str, str]], bytes]:
        return response.status_code, list(response.items()), response.content

    @staticmethod
    def _replay(request: HttpRequest, stored) -> HttpResponse:
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response = get_conditional_response(
            request, etag=response.get("ETag"), last_modified=None, response=response
        )  # a 304 when the reader's copy is current
        response["X-Page-Cache"] = "hit"
        return response


def _is_content(model) -> bool:
    return model._meta.app_label in CONTENT_APPS and model._meta.label_lower not in UNSEEN_MODELS


def _content_changed(sender, **kwargs) -> None:
    if _is_content(sender):
        invalidate_on_change()


def _links_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_") and _is_content(sender):
        invalidate_on_change()


def _catalogue_changed(sender, **kwargs) -> None:
    invalidate_on_change()


def connect() -> None:
    from drugs.signals import catalogue_changed

    catalogue_changed.connect(_catalogue_changed, dispatch_uid="page-cache-catalogue")
    post_save.connect(_content_changed, dispatch_uid="page-cache-save")
    post_delete.connect(_content_changed, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="page-cache-links")
