from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "medguide.editorial"
    label = "editorial"
    verbose_name = "Editorial"
