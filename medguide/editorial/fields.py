"""Model fields the content apps share."""

from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.db import models

WEB_SCHEMES = ("http", "https")


class WebURLField(models.URLField):
    """A link readers may follow: http or https only, whoever writes it. The form refuses
    anything else with a message; the model refuses it on any save or update (an import, the
    ORM, a shell), so a `javascript:` URL can never reach a page."""

    default_validators = [URLValidator(schemes=list(WEB_SCHEMES))]

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value and urlsplit(str(value).strip()).scheme.lower() not in WEB_SCHEMES:
            raise ValueError(f"{self.name}: only http and https links can be stored")
        return value
