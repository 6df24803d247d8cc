"""Root URLs: site pages, the drug pages and the admin."""

from django.contrib import admin
from django.urls import include, path

from medguide import views

admin.site.site_header = "MedGuide editorial"
admin.site.site_title = "MedGuide admin"
admin.site.index_title = "Content"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("", include("drugs.urls")),
]
