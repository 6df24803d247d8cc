"""Gzip for pages, at the level that suits how often each one is compressed."""

import gzip

from django.conf import settings
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers

from medguide.page_cache import will_store

# nginx's default gzip_comp_level: about three times faster than zlib's 6 on a monograph, for
# a fifth more bytes.
FAST_LEVEL = 1


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's GZipMiddleware (zlib level 6, with its BREACH padding), except for pages that
    are compressed for one reader only: rendered for a reader without a session and not
    stored by the page cache (a search, a page not found). Those get level 1, as nginx
    would. They hold no secret (no session, no CSRF token), so BREACH has nothing to find and
    they need no padding. Stored pages keep level 6: compressed once, sent often."""

    def process_response(self, request, response):
        if not self._compressed_once(request, response):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
            return response
        compressed = gzip.compress(response.content, compresslevel=FAST_LEVEL, mtime=0)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # RFC 9110 8.8.1, as Django does
        response.headers["Content-Encoding"] = "gzip"
        return response

    @staticmethod
    def _compressed_once(request, response) -> bool:
        return (
            not will_store(request)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not response.cookies
            and not response.streaming
            and len(response.content) >= 200
            and not response.has_header("Content-Encoding")
        )
