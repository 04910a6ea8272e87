from django.apps import AppConfig


class ArsipConfig(AppConfig):
    name = "arsip"

    def demo_seed(self) -> str:
        """Called by `manage.py seed_demo`: archive the demo letters (idempotent)."""
        from arsip.services.intake import arsip_sync_sources

        result = arsip_sync_sources()
        return f"archived {result.naskah} letters and {result.masuk} incoming letters"
