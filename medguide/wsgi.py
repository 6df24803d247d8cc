"""WSGI entry point for MedGuide (gunicorn medguide.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medguide.settings")

application = get_wsgi_application()
