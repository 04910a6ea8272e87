from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Organisation and master data")

    def ready(self) -> None:
        from core import auth_events, checks, checks_lambang  # noqa: F401  (checks, receivers)
