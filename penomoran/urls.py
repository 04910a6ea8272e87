from django.urls import path

from penomoran import views
from penomoran.views import blok

app_name = "penomoran"

urlpatterns = [
    path("", views.buku_list, name="buku_list"),
    path("<int:pk>/", views.register, name="register"),
    path("<int:pk>/register.csv", views.register_csv, name="register_csv"),
    path("<int:pk>/register.pdf", views.register_pdf, name="register_pdf"),
    path("<int:pk>/cadangkan/", views.nomor_reserve, name="nomor_reserve"),
    path("nomor/<int:pk>/batal/", views.nomor_cancel, name="nomor_cancel"),
    # Outage fallback: emergency blocks of numbers (penomoran/blok.py)
    path("<int:pk>/blok/", blok.blok_list, name="blok_list"),
    path("blok/<int:pk>/", blok.blok_detail, name="blok_detail"),
    path("blok/<int:pk>/lembar.pdf", blok.blok_sheet, name="blok_sheet"),
    path("blok/<int:pk>/daftar/", blok.blok_register, name="blok_register"),
    path("blok/<int:pk>/batal/", blok.blok_cancel, name="blok_cancel"),
    path("manual/<int:pk>/pindaian.pdf", blok.surat_manual_scan, name="surat_manual_scan"),
]
