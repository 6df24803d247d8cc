"""Public guide URLs under /articles/."""

from django.urls import path

from articles import views
from articles.feeds import LatestGuidesFeed

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("feed/", LatestGuidesFeed(), name="feed"),
    path("category/<slug:slug>/", views.CategoryArticleListView.as_view(), name="category"),
    # taggit makes Unicode slugs ("café"), which the slug converter would not match.
    path("tag/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
