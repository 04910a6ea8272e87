from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PertukaranConfig(AppConfig):
    """Letters exchanged between Naskah instances and agencies (issue 17 items 5 and 6)."""

    name = "pertukaran"
    verbose_name = _("Letters between instances")
