from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Approval workflows")

    def ready(self) -> None:
        from core import hooks
        from workflows.services import PENUGASAN_NOTICE_HANDLERS

        # Assignments made, approved, changed or ended are told to the unit's head.
        for event, handler in PENUGASAN_NOTICE_HANDLERS.items():
            hooks.register(event, handler)
        from workflows.notices.signing import signing_renewal_notify

        # A signer certificate nearing expiry is told to its holder (signing/renewal.py).
        hooks.register(hooks.SIGNING_RENEWAL_DUE, signing_renewal_notify)

        from workflows.home import home_sections

        # The home page's "letters to sign / to initial" (core.worklist).
        hooks.register(hooks.HOME_SECTIONS, home_sections)
