"""Who the client is, as far as the site can tell: the address a trusted proxy reports.

Behind nginx or a load balancer every request comes from the proxy, which names the client in
X-Forwarded-For. Only the entries the site's own proxies added are believed (TRUSTED_PROXIES
of them, from the right); with no proxy configured the header is ignored, since any client
can send one. The admin lockout (django-axes) and the reader-report flood limit both use it.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
