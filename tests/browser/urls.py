"""The site's URLs plus uploaded media, which only DEBUG serves otherwise, for the live server."""

from django.conf import settings
from django.urls import path
from django.views.static import serve

from medguide.urls import urlpatterns as site_urlpatterns


def media(request, path):
    # MEDIA_ROOT is read per request: each test points it at its own temporary folder.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, path("media/<path:path>", media)]
