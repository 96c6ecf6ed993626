from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "mehman.housing"
    label = "housing"
    verbose_name = _("Housing and services")

    def ready(self) -> None:
        from mehman.housing import events  # noqa: F401  (registers event kinds)
        from mehman.housing.panels import household_panel, offer_page
        from mehman.housing.queries import register_figures
        from mehman.intake import handover
        from mehman.registry import panels

        panels.register("housing", household_panel)
        handover.register("housing", offer_page)
        register_figures()
