from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "mehman.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from mehman.registry import events  # noqa: F401  (registers event kinds)
        from mehman.registry.queries import register_figures

        register_figures()
