from django.apps import AppConfig


class NaskahConfig(AppConfig):
    name = "naskah"
