"""The page cache: Django's cache middleware on the `pages` cache, for readers without a session.

Public pages come from the cache (local memory, or Redis shared by every server) without
touching the database. Django's UpdateCacheMiddleware and FetchFromCacheMiddleware, with three
changes:

- The key prefix is the current *generation* (medguide.editorial.caching): saving or deleting
  anything readers see starts a new one once the transaction commits, so a publish is one
  cache write, and the next reader after it gets the new page on every server.
- The address in the key keeps only the parameters the view reads, as its query form cleans
  them (caching.QueryForm): `?utm_source=x`, or `?page=abc` where that means the first page,
  share the stored page. A view that declares no form is keyed by its whole query string, as
  Django keys every page. Accept-Encoding counts only as whether gzip is accepted.
- Stored pages say `Cache-Control: public, no-cache` instead of Django's max-age and Expires,
  so browsers and proxies revalidate with the ETag, and never show a page from before a
  publish; the cache's own lifetime is CACHE_MIDDLEWARE_SECONDS.
- One reader renders a missing page: the first takes a short lock in the cache (`add`, so
  across servers on Redis) and the readers who ask for the same page meanwhile wait for what
  it stores, up to PAGE_CACHE_RENDER_WAIT seconds, instead of each paying the cold cost
  after a publish. A lock whose holder died expires; a reader who waited in vain renders.

GZipMiddleware and ConditionalGetMiddleware sit between the two, so pages are stored compressed
and with their ETag, and a reader whose copy is current gets a 304 from ConditionalGet. Anyone
with a session (editors) never reads or fills the cache. A cache server that is down costs
speed, never pages: invalidations it missed are made when it answers again.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
import time

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware import cache as django_cache
from django.urls import Resolver404, resolve
from django.utils.cache import (
    get_cache_key,
    has_vary_header,
    learn_cache_key,
    patch_cache_control,
)

from medguide.editorial import caching

logger = logging.getLogger(__name__)

# Models whose changes can show on a public page.
CONTENT_APPS = {"drugs", "articles", "taggit"}
# Models in those apps that readers never see: a reader's report must not empty the cache,
# nor a monograph's rows or interactions kept or forgotten (drugs.kept_rows,
# drugs.kept_interactions: copies of what readers see).
UNSEEN_MODELS = {
    "drugs.sectionfeedback",
    "drugs.keptrows",
    "drugs.monographversion",
    "drugs.keptinteractions",
    "drugs.interactionsversion",
}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
WAIT_STEP_SECONDS = 0.05  # how often a reader waiting for another's render looks again


def may_use_cache(request: HttpRequest) -> bool:
    # Anyone with a session (editors) sees live pages, previews and their own messages.
    return (
        settings.CACHE_MIDDLEWARE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def will_store(request: HttpRequest) -> bool:
    """Whether this request's page is stored, should it succeed (compression asks)."""
    return getattr(request, "_cache_update_cache", False)


def keyed_request(request: HttpRequest) -> HttpRequest | None:
    """The request as the page cache keys it: its query string cut to what the view reads,
    cleaned by the view's query form, and Accept-Encoding to "gzip" or nothing. None when
    there is no such page, its pages are never stored, or it answers one reader's question."""
    # A Host not in ALLOWED_HOSTS raises here, before any cache call: Django answers it with
    # the 400 page and one quiet log line (settings.LOGGING), not as a cache failure.
    request.get_host()
    try:
        view = resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return None
    if getattr(view, "page_cache_exempt", False):
        return None
    form = getattr(view, "query_form", None) or getattr(
        getattr(view, "view_class", None), "query_form", None
    )
    if form is not None:
        form = form(request.GET)
        if form.answers_one_reader():
            return None
    query = form.cache_query() if form is not None else None
    keyed = copy.copy(request)
    keyed.META = {**request.META}
    if query is not None:
        keyed.META["QUERY_STRING"] = query
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        keyed.META["HTTP_ACCEPT_ENCODING"] = "gzip"
    else:
        keyed.META.pop("HTTP_ACCEPT_ENCODING", None)
    return keyed


class FetchFromCacheMiddleware(django_cache.FetchFromCacheMiddleware):
    """Last in MIDDLEWARE: answers with the stored page, or notes under which key this
    request's page is to be stored."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        request._cache_update_cache = False
        if not may_use_cache(request):
            return None
        keyed = keyed_request(request)
        if keyed is None:
            return None
        try:
            generation = caching.current_generation()
            response = self._stored(keyed, generation)
        except Exception:  # a cache server that is down must not take the site with it
            logger.warning("Page cache unavailable; serving without it", exc_info=True)
            caching.mark_unreached()  # what it stored before may be stale when it comes back
            return None
        if response is None:
            response = self.render_once(request, keyed, generation)
        if response is None:
            request._cache_update_cache = True
            request._page_cache = (keyed, generation)
            return None
        request._page_cache_hit = True
        return response

    def _stored(self, keyed: HttpRequest, generation) -> HttpResponse | None:
        """The page stored for this request in this generation, if any."""
        key = get_cache_key(keyed, generation.token, "GET", cache=self.cache)
        return self.cache.get(key) if key else None

    def render_once(self, request, keyed, generation) -> HttpResponse | None:
        """None when this request is to render the page (it holds the lock, or waited for
        another's render in vain); else the page another request rendered meanwhile."""
        wait = settings.PAGE_CACHE_RENDER_WAIT
        if wait <= 0:
            return None
        lock = render_lock_key(keyed, generation.token)
        try:
            if self.cache.add(lock, 1, timeout=max(1, round(wait * 2))):
                request._page_cache_lock = lock
                return None
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                time.sleep(WAIT_STEP_SECONDS)
                # The lock first: a render stores its page before it lets the lock go, so a
                # lock seen gone means any page it stored is there to read. Read after the
                # page, a render ending between the two looked like one that stored nothing,
                # and its waiter rendered the page again.
                released = self.cache.get(lock) is None
                response = self._stored(keyed, generation)
                if response is not None:
                    return response
                if released:
                    break  # rendered but not stored (a 404, a redirect): render it here
        except Exception:
            logger.warning("Page cache unavailable; rendering without it", exc_info=True)
        return None


def render_lock_key(keyed: HttpRequest, token: str) -> str:
    """The lock for rendering this page in this generation (the page's own key is not known
    before its first render: Django learns it from the response's Vary headers)."""
    address = keyed.build_absolute_uri() + "|" + keyed.META.get("HTTP_ACCEPT_ENCODING", "")
    return f"render:{token}:{hashlib.sha256(address.encode()).hexdigest()}"


class UpdateCacheMiddleware(django_cache.UpdateCacheMiddleware):
    """Near the top of MIDDLEWARE: stores pages as the middleware below it leave them, and
    says in X-Page-Cache whether a page was stored (miss) or served from the cache (hit)."""

    def process_request(self, request: HttpRequest) -> None:
        caching.forget_request()  # the generation and fragments are read afresh each request
        caching.retry_unreached()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            if getattr(request, "_page_cache_hit", False):
                response["X-Page-Cache"] = "hit"  # on the 304 too
            elif self._should_update_cache(request, response) and self.may_store(request, response):
                self.store(request, response)
                response["X-Page-Cache"] = "miss"
            return response
        finally:
            self.release(request)
            caching.forget_request()

    def release(self, request: HttpRequest) -> None:
        """Let readers waiting for this render go: after the page is stored, or when it was
        not to be stored (an error, a redirect), so they render it themselves."""
        lock = getattr(request, "_page_cache_lock", None)
        if lock is not None:
            try:
                self.cache.delete(lock)
            except Exception:
                logger.warning("Page cache unavailable; render lock left to expire", exc_info=True)

    @staticmethod
    def may_store(request: HttpRequest, response: HttpResponse) -> bool:
        control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies  # a cookie (a CSRF token) belongs to one reader only
            and not any(word in control for word in ("private", "no-store"))
            and not has_vary_header(response, "*")
        )

    def store(self, request: HttpRequest, response: HttpResponse) -> None:
        keyed, generation = request._page_cache
        patch_cache_control(response, public=True, no_cache=True)
        timeout = caching.lifetime(settings.CACHE_MIDDLEWARE_SECONDS, generation)
        try:
            key = learn_cache_key(keyed, response, timeout, generation.token, cache=self.cache)
            self.cache.set(key, response, timeout)
        except Exception:
            logger.warning("Page cache unavailable; page not stored", exc_info=True)


# What empties it: any change to content, once committed ----------------------------------


def _is_content(model) -> bool:
    return model._meta.app_label in CONTENT_APPS and model._meta.label_lower not in UNSEEN_MODELS


def _content_changed(sender, **kwargs) -> None:
    if _is_content(sender):
        caching.invalidate_on_change()


def _links_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_") and _is_content(sender):
        caching.invalidate_on_change()


def _catalogue_changed(sender, **kwargs) -> None:
    caching.invalidate_on_change()


def connect() -> None:
    from drugs.signals import catalogue_changed

    catalogue_changed.connect(_catalogue_changed, dispatch_uid="page-cache-catalogue")
    post_save.connect(_content_changed, dispatch_uid="page-cache-save")
    post_delete.connect(_content_changed, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="page-cache-links")
