from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mehman.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from mehman.accounts import events  # noqa: F401  (registers event kinds)
        from mehman.accounts.queries import register_figures

        register_figures()
