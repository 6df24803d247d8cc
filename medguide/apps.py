"""The project app: home page, health check, shared bits and deploy checks."""

from django.apps import AppConfig


class MedguideConfig(AppConfig):
    name = "medguide"
    verbose_name = "MedGuide"

    def ready(self) -> None:
        from medguide import checks  # noqa: F401  (registers the system checks)
