from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidenceConfig(AppConfig):
    name = "mehman.residence"
    label = "residence"
    verbose_name = _("Residence terms")

    def ready(self) -> None:
        from mehman.residence import events  # noqa: F401  (registers event kinds)
        from mehman.residence.hooks import connect

        connect()
