"""Curated guides linked to drugs (built out in the articles issue)."""

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
