from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PertukaranConfig(AppConfig):
    """Letters exchanged between Naskah instances and agencies (issue 17 items 5 and 6)."""

    name = "pertukaran"
    verbose_name = _("Letters between instances")

    def ready(self):
        from core import hooks
        from pertukaran.services import on_letter_dispatched

        hooks.register(hooks.LETTER_DISPATCHED, on_letter_dispatched)
