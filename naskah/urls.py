from django.urls import path

from naskah import views

app_name = "naskah"

urlpatterns = [
    path("", views.naskah_list, name="list"),
    path("baru/", views.naskah_choose, name="choose"),
    path("baru/<slug:kode>/", views.naskah_new, name="new"),
    path("baru/<slug:kode>/pratinjau/", views.naskah_preview_new, name="preview_new"),
    path("pratinjau/<str:token>/", views.naskah_preview_file, name="preview_file"),
    path("cari-penerima/", views.naskah_penerima_search, name="penerima_search"),
    path("<int:pk>/", views.naskah_edit, name="edit"),
    path("<int:pk>/pratinjau/", views.naskah_preview_edit, name="preview_edit"),
    path("<int:pk>/pdf/", views.naskah_pdf, name="pdf"),
    path("<int:pk>/revisi/", views.naskah_revision_history, name="revisions"),
    path("<int:pk>/revisi/<int:nomor>/pdf/", views.naskah_pdf, name="revision_pdf"),
    path("<int:pk>/lampiran/", views.naskah_lampiran_add, name="lampiran_add"),
    path("<int:pk>/lampiran/<int:lampiran_pk>/", views.naskah_lampiran_file, name="lampiran_file"),
    path(
        "<int:pk>/lampiran/<int:lampiran_pk>/hapus/",
        views.naskah_lampiran_remove,
        name="lampiran_remove",
    ),
]
