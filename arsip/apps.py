from django.apps import AppConfig


class ArsipConfig(AppConfig):
    name = "arsip"
