from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "mehman.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        from mehman.assistance import events  # noqa: F401  (registers event kinds)
