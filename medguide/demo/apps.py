from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo content and its `load_demo` command; it holds no models of its own."""

    name = "medguide.demo"
    label = "demo"
    verbose_name = "Demo content"
