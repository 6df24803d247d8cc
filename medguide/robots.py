"""What crawlers are told about the admin without naming it: robots.txt leaves its address out
(ADMIN_URL may be a secret), so every admin response says noindex in its headers instead."""

from django.urls import reverse


def admin_noindex(get_response):
    def middleware(request):
        response = get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return middleware
