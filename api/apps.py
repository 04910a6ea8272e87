from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self):
        from api.services import webhooks  # noqa: F401 (registers the audit hook)
