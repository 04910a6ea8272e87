from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"

    def ready(self):
        from core import hooks
        from signing import checks  # noqa: F401  (registers system checks)
        from signing.permissions import signer_needs_second_factor

        hooks.register(hooks.SECOND_FACTOR_REQUIRED, signer_needs_second_factor)
