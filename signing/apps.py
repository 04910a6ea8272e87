from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"

    def ready(self):
        from signing import checks  # noqa: F401  (registers system checks)
