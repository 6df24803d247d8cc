"""Drug monographs: drugs, classes, conditions, dosing, formulations, side effects, interactions."""

from django.apps import AppConfig


class DrugsConfig(AppConfig):
    name = "drugs"
