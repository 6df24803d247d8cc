"""The site's addresses and a bare view at /bench-ok/, the baseline of the serving and scale
benchmarks (serving_settings.py, test_scale.py)."""

from django.http import HttpResponse
from django.urls import path

import medguide.urls
from medguide.editorial.caching import page_cache_exempt


@page_cache_exempt  # the baseline is a view's cost, not a stored page's
def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-ok/", ok), *medguide.urls.urlpatterns]
