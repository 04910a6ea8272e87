from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Organisation and master data")

    def ready(self) -> None:
        from django_q.signals import post_execute_in_worker, pre_execute

        from core import auth_events, checks, checks_lambang  # noqa: F401  (checks, receivers)
        from core.services import attempts

        # Attempts record which django-q2 delivery runs them (core.services.attempts).
        pre_execute.connect(attempts.on_pre_execute, dispatch_uid="naskah-attempt-pre")
        post_execute_in_worker.connect(attempts.on_post_execute, dispatch_uid="naskah-attempt-post")
