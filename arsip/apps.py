from django.apps import AppConfig


class ArsipConfig(AppConfig):
    name = "arsip"

    def ready(self) -> None:
        from arsip.services.intake import arsip_readers_changed
        from core import hooks

        # Letters delivered, shared or disposed after archiving add their readers.
        hooks.register(hooks.READERS_CHANGED, arsip_readers_changed)
        # Metadata corrected after archiving: the same queue refreshes the whole record.
        hooks.register(hooks.RECORD_CHANGED, arsip_readers_changed)

        from arsip.home import home_sections

        # The home page's files to close and disposal actions (core.worklist).
        hooks.register(hooks.HOME_SECTIONS, home_sections)

    def demo_seed(self) -> str:
        """Called by `manage.py seed_demo`: archive the demo letters (idempotent)."""
        from arsip.models import ArsipRecord
        from arsip.services.intake import arsip_sync_sources
        from arsip.tasks import arsip_index_task

        result = arsip_sync_sources()
        # The demo is searchable at once, without waiting for the worker.
        arsip_index_task(list(ArsipRecord.objects.values_list("pk", flat=True)))
        return f"archived {result.naskah} letters and {result.masuk} incoming letters"
