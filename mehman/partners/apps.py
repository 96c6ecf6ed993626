from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "mehman.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from mehman.partners import events  # noqa: F401  (registers event kinds)
