"""ASGI entry point for MedGuide."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medguide.settings")

application = get_asgi_application()
