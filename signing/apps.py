from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"

    def ready(self):
        from signing import checks  # noqa: F401  (registers system checks)

    def demo_seed(self) -> str:
        """Called by `manage.py seed_demo`: the demo registration officer."""
        from signing.demo import demo_officer
        from signing.permissions import registration_officer_group

        officer = demo_officer()
        if officer is None:
            return ""
        return f"registration officer ({registration_officer_group()}): {officer.username}"
