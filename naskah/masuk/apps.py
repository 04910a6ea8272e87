from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasukConfig(AppConfig):
    name = "naskah.masuk"
    label = "masuk"
    verbose_name = _("Incoming letters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import hooks
        from naskah.masuk.home import home_sections

        # The home page's letters to dispose, dispositions and register queue.
        hooks.register(hooks.HOME_SECTIONS, home_sections)

    def demo_seed(self) -> str:
        """Called by `manage.py seed_demo` after the organisation exists."""
        from naskah.masuk.demo import demo_seed_masuk

        result = demo_seed_masuk(run_ocr=True)
        return f"incoming letters: {result}"
