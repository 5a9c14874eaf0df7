from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "API plumbing"

    def ready(self) -> None:
        # Registers the system checks and the schema extensions with drf-spectacular.
        from core import checks, schema  # noqa: F401
