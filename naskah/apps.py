from django.apps import AppConfig


class NaskahConfig(AppConfig):
    name = "naskah"

    def ready(self):
        from naskah.services.pengajuan import naskah_route_outcome
        from workflows import hooks

        # The letter's status follows its approval route, whoever moves it.
        hooks.register("naskah.naskah", naskah_route_outcome)
