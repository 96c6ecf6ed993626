from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "mehman.solutions"
    label = "solutions"
    verbose_name = _("Durable solutions")

    def ready(self) -> None:
        from mehman.registry import panels
        from mehman.solutions import events  # noqa: F401  (registers event kinds)
        from mehman.solutions.panels import household_panel

        panels.register("solutions", household_panel)
