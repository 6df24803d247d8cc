"""Deploy checks Django does not make itself."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if settings.SECRET_KEY_FROM_ENVIRONMENT:
        return []
    return [
        Error(
            "SECRET_KEY is not set in the environment.",
            hint="Without it every process makes its own key, so sessions and CSRF tokens "
            "break across workers and restarts. Set SECRET_KEY to a long random value.",
            id="medguide.E001",
        )
    ]
