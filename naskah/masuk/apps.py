from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasukConfig(AppConfig):
    name = "naskah.masuk"
    label = "masuk"
    verbose_name = _("Incoming letters")
    default_auto_field = "django.db.models.BigAutoField"
