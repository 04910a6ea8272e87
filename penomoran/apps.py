from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenomoranConfig(AppConfig):
    name = "penomoran"
    verbose_name = _("Numbering")
