from django.apps import AppConfig


class AreasConfig(AppConfig):
    """Areas on the map: geometry, limits, the columns they are stored in. No models of its
    own (only the abstract ``AreaFields``); an app so that its start-up check is registered."""

    name = "areas"
    verbose_name = "Areas"

    def ready(self) -> None:
        from areas import checks  # noqa: F401
