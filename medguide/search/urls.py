"""/search/ and its suggestions, without a namespace: every page's search box links here."""

from django.urls import path

from medguide.search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search-suggest"),
]
