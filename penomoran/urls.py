from django.urls import path

from penomoran import views

app_name = "penomoran"

urlpatterns = [
    path("", views.buku_list, name="buku_list"),
    path("<int:pk>/", views.register, name="register"),
    path("<int:pk>/register.csv", views.register_csv, name="register_csv"),
    path("<int:pk>/register.pdf", views.register_pdf, name="register_pdf"),
    path("<int:pk>/cadangkan/", views.nomor_reserve_view, name="reserve"),
    path("nomor/<int:pk>/batal/", views.nomor_cancel_view, name="cancel"),
]
