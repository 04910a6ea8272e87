from django.urls import path

from pertukaran import views

app_name = "pertukaran"

urlpatterns = [
    path("naskah/<int:pk>/paket/", views.naskah_paket, name="paket"),
    path(
        "naskah/<int:pk>/pengiriman/<int:pengiriman_id>/ulang/",
        views.pengiriman_ulang,
        name="pengiriman_ulang",
    ),
    path("impor/", views.impor, name="impor"),
]
