from django.apps import AppConfig


class NaskahConfig(AppConfig):
    name = "naskah"

    def ready(self):
        from django.urls import reverse

        from naskah.services.pengajuan import naskah_route_outcome
        from workflows import hooks

        # The letter's status follows its approval route, whoever moves it.
        hooks.register("naskah.naskah", naskah_route_outcome)
        # Letters are acted on through naskah's pages (revision checks, lock order, audit).
        hooks.register_owner(
            "naskah.naskah",
            lambda route: reverse("naskah:alur_detail", args=[route.object_id]),
        )
