from django.urls import path

from pertukaran import views

app_name = "pertukaran"

urlpatterns = [
    path("naskah/<int:pk>/paket/", views.naskah_paket, name="naskah_paket"),
    path(
        "naskah/<int:pk>/pengiriman/<int:pengiriman_id>/ulang/",
        views.pengiriman_retry,
        name="pengiriman_retry",
    ),
    path("impor/", views.paket_import, name="paket_import"),
]
