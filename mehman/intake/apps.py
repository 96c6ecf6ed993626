from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "mehman.intake"
    label = "intake"
    verbose_name = _("Applications and waitlist")

    def ready(self) -> None:
        from mehman.intake import events  # noqa: F401  (registers event kinds)
        from mehman.intake.panels import household_panel
        from mehman.registry import panels

        panels.register("intake", household_panel)
