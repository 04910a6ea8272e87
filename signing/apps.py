from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"

    def ready(self):
        from core import hooks
        from signing import checks  # noqa: F401  (registers system checks)
        from signing.permissions import signer_needs_second_factor

        hooks.register(hooks.SECOND_FACTOR_REQUIRED, signer_needs_second_factor)

        # Cryptographic paraf: a password sign-in unlocks the paraf key for the session.
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from signing import paraf

        user_logged_in.connect(paraf.on_logged_in, dispatch_uid="naskah_paraf_unlock")
        user_logged_out.connect(paraf.on_logged_out, dispatch_uid="naskah_paraf_forget")

    def demo_seed(self) -> str:
        """Called by `manage.py seed_demo`: the demo registration officer."""
        from signing.demo import demo_officer
        from signing.permissions import registration_officer_group

        officer = demo_officer()
        if officer is None:
            return ""
        return f"registration officer ({registration_officer_group()}): {officer.username}"
