"""Root URLs: site pages, the drug pages, the guides and the admin."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path

from medguide import views
from medguide.sitemaps import SITEMAPS

admin.site.site_header = "MedGuide editorial"
admin.site.site_title = "MedGuide admin"
admin.site.index_title = "Content"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("medguide.search.urls")),
    path("about/editorial-policy/", views.editorial_policy, name="editorial-policy"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemaps_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("favicon.ico", views.favicon),
    path(settings.ADMIN_URL, admin.site.urls),
    path("articles/", include("articles.urls")),
    path("", include("drugs.urls")),
]

# Uploaded images while developing; static() adds nothing unless DEBUG is on.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
