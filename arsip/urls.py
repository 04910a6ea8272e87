from django.urls import path

from arsip import views

app_name = "arsip"

urlpatterns = [
    path("", views.search, name="search"),
    path("rekaman/<int:pk>/", views.record_detail, name="record_detail"),
    path("rekaman/<int:pk>/dokumen/<str:kind>/", views.record_document, name="record_document"),
    path(
        "rekaman/<int:pk>/lampiran/<int:lampiran_pk>/",
        views.record_lampiran,
        name="record_lampiran",
    ),
    path("rekaman/<int:pk>/gambar.png", views.record_thumbnail, name="record_thumbnail"),
    path("pencarian/simpan/", views.saved_search_save, name="saved_search_save"),
    path("pencarian/<int:pk>/hapus/", views.saved_search_delete, name="saved_search_delete"),
    path("berkas/", views.berkas_list, name="berkas_list"),
    path("berkas/<int:pk>/", views.berkas_detail, name="berkas_detail"),
    path("berkas/<int:pk>/ekspor/", views.berkas_export, name="berkas_export"),
    path("penyusutan/", views.penyusutan_list, name="penyusutan_list"),
    path("penyusutan/usul/", views.penyusutan_propose, name="penyusutan_propose"),
    path("penyusutan/<int:pk>/", views.penyusutan_detail, name="penyusutan_detail"),
    path("penyusutan/<int:pk>/<str:step>/", views.penyusutan_step, name="penyusutan_step"),
    path("penyusutan/<int:pk>/berita-acara.pdf", views.berita_acara, name="berita_acara"),
    path("laporan/", views.report, name="report"),
]
