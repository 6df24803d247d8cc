"""What content views need from the page cache, importing no content app: the generation that
every stored page and fragment belongs to, fragments kept until content changes, the query
forms a page is read (and stored) by, and the mark for pages never stored.

The project's middleware (medguide/page_cache.py) stores whole pages under the current
generation and connects the content apps' signals to invalidate_on_change(). Content that is
scheduled goes live without a save, so a generation also ends at the next publication time
of any Publishable.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from medguide.editorial.drafts import is_rehearsing
from medguide.editorial.models import Publishable, PublishableQuerySet

logger = logging.getLogger(__name__)
T = TypeVar("T")

GENERATION_KEY = "generation"
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
    """The `pages` cache (CACHE_MIDDLEWARE_ALIAS): pages, fragments and their generation."""
    return caches[settings.CACHE_MIDDLEWARE_ALIAS]


def invalidate() -> None:
    """Start a new generation: every page and fragment stored so far is never served again.
    A cache that cannot be reached costs speed, never the save that asked: the new generation
    starts when the cache answers again (retry_unreached, at the next request)."""
    forget_request()
    try:
        cache().delete(GENERATION_KEY)
    except Exception:  # each backend raises its own errors (redis.ConnectionError, OSError…)
        if not _unreached.is_set():
            logger.warning("Page cache unreachable: a new generation starts when it answers")
        _unreached.set()
    else:
        _unreached.clear()


def mark_unreached() -> None:
    """Note that the cache did not answer: what it stored before may be stale by the time it
    does, so the generation moves then."""
    _unreached.set()


def retry_unreached() -> None:
    """Move the generation if this process could not reach the cache since it last did."""
    if _unreached.is_set():
        invalidate()


def forget_request() -> None:
    """Forget this thread's generation and fragments: the next request reads them afresh."""
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
    """The generation, read from the cache once per request (forget_request() at its start
    and end; invalidate() at once)."""
    generation = getattr(_request, "generation", None)
    if generation is not None and generation.is_current:
        return generation
    # Stored as plain values, so a stored generation never depends on where this class lives.
    stored = cache().get(GENERATION_KEY)
    generation = Generation(*stored) if stored is not None else None
    if generation is None or not generation.is_current:
        generation = Generation(token=uuid.uuid4().hex, ends_at=_next_scheduled_publication())
        # Several servers may start one at once; the last one written wins, and pages
        # stored under the others simply expire.
        cache().set(GENERATION_KEY, (generation.token, generation.ends_at), timeout=None)
    _request.generation = generation
    return generation


def _next_scheduled_publication() -> datetime | None:
    """The earliest publication time still to come, of any kind of content: one query."""
    times = [
        PublishableQuerySet(model).scheduled().order_by().values_list("published_at", flat=True)
        for model in apps.get_models()
        if issubclass(model, Publishable)
    ]
    if not times:
        return None
    first, *others = times
    return first.union(*others).order_by("published_at").first()


def lifetime(seconds: int, generation: Generation) -> int:
    """No longer than `seconds`, nor past the next scheduled publication."""
    if generation.ends_at is None:
        return seconds
    until = (generation.ends_at - timezone.now()).total_seconds()
    return max(1, min(seconds, int(until)))


# Fragments -------------------------------------------------------------------------------


def remember(name: str, parts: Iterable[object], compute: Callable[[], T]) -> T:
    """compute(), kept in the cache until content changes (or FRAGMENT_CACHE_SECONDS pass),
    for the expensive parts of pages that the page cache cannot serve: a monograph's body for
    editors and for each converter question, the results of a popular search."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
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
        seconds = lifetime(settings.FRAGMENT_CACHE_SECONDS, current_generation())
        try:
            cache().set(key, value, timeout=seconds)
        except Exception:
            logger.warning("Fragment cache unavailable; %s not stored", name, exc_info=True)
    return value


def fetch_fragments(names: Iterable[str], parts: Iterable[object]) -> None:
    """Read the fragments a page will remember() in one round trip to the cache, rather than
    one each; remember() then finds them (or computes the missing ones) for this request."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
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


# What a page is stored by ------------------------------------------------------------------


def page_cache_exempt(view):
    """Mark a view whose pages are never stored (search: every query is counted in the log)."""
    view.page_cache_exempt = True
    return view


class QueryText(forms.Field):
    """One query parameter: None when it is absent, else its text (the last one, when it is
    repeated), cut to `keep` characters. It refuses nothing; the form's clean_<name> decides
    what an unusable value falls back to."""

    widget = forms.HiddenInput

    def __init__(self, *, keep: int | None = None, **kwargs):
        self.keep = keep
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return None if value is None else str(value)[: self.keep]


class QueryList(forms.Field):
    """A repeatable query parameter (?drugs=a&drugs=b): every value, in order."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return [str(item) for item in value or []]


class QueryForm(forms.Form):
    """A page's query string, cleaned: what its view reads, and all the page cache keys its
    pages by. A field never refuses a stranger's value: clean_<name> falls back as the page
    does (a page number that is not one means the first page), or keeps the text when the
    page shows it back with a message. So addresses that differ only in parameters the page
    does not read (?utm_source=), or in values it treats alike, share one stored page.

    QueryForm itself, with no fields, is the form of a page that reads no parameter."""

    @classmethod
    def read(cls, data) -> dict:
        """The cleaned parameters, each field's name with its value."""
        form = cls(data)
        form.is_valid()
        return form.cleaned_data

    def answers_one_reader(self) -> bool:
        """Whether the page answers a reader's own question (the liquid converter's), which
        the page cache never stores: a stranger can ask as many as he likes, and each stored
        answer would take room from the pages every reader shares."""
        return False

    def cache_query(self) -> str | None:
        """The query string the page is stored under: the cleaned values in the form's order,
        absent ones (None) left out. None when a field refused its value after all."""
        if not self.is_valid():
            return None
        pairs = []
        for name, value in self.cleaned_data.items():
            if value is None:
                continue
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((name, str(item)) for item in values)
        return urlencode(pairs)


def reads_query(form_class: type[QueryForm]):
    """A function view that reads its query string through `form_class`: it is called with
    the cleaned parameters as `query`, and the page cache stores its pages by them alone."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            return view(request, *args, query=form_class.read(request.GET), **kwargs)

        wrapped.query_form = form_class
        return wrapped

    return decorator


def reads_no_query(view):
    """A function view that reads no query parameter: the page cache stores one page for it,
    whatever the query string says."""
    view.query_form = QueryForm
    return view


class QueryMixin:
    """For class-based views: `self.query` is the query string cleaned by `query_form`, and
    the page cache stores the view's pages by it alone."""

    query_form: type[QueryForm] = QueryForm

    @functools.cached_property
    def query(self) -> dict:
        return self.query_form.read(self.request.GET)
