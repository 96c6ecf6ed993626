from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "mehman.matching"
    label = "matching"
    verbose_name = _("Duplicate detection")

    def ready(self) -> None:
        from mehman.matching import events  # noqa: F401  (registers event kinds)
        from mehman.matching.hooks import connect

        connect()
