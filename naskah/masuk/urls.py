from django.urls import path

from naskah.masuk import views

app_name = "masuk"
urlpatterns = [
    path("surat/", views.daftar, name="daftar"),
    path("surat/baru/", views.daftar_baru, name="daftar_baru"),
    path("surat/baru/unggah/", views.unggah, name="unggah"),
    path("surat/baru/bacaan/", views.unggah_status, name="unggah_status"),
    path("surat/baru/bacaan/ulang/", views.unggah_ulang, name="unggah_ulang"),
    path("surat/<int:pk>/", views.detail, name="detail"),
    path("surat/<int:pk>/ubah/", views.ubah, name="ubah"),
    path("surat/<int:pk>/ocr/", views.ocr_status, name="ocr_status"),
    path("surat/<int:pk>/ocr/ulang/", views.ocr_ulang, name="ocr_ulang"),
    path("surat/<int:pk>/saran/", views.terapkan_saran, name="terapkan_saran"),
    path("surat/<int:pk>/berkas/<int:berkas_id>/", views.berkas, name="berkas"),
    path("surat/<int:pk>/berkas/<int:berkas_id>/asli/", views.berkas_asli, name="berkas_asli"),
    path("surat/<int:pk>/pdf/", views.berkas_pdf, name="berkas_pdf"),
    path(
        "surat/<int:pk>/tindak-lanjut/<int:berkas_id>/",
        views.berkas_laporan,
        name="berkas_laporan",
    ),
    path("surat/<int:pk>/lembar-disposisi.pdf", views.lembar, name="lembar"),
    path("surat/<int:pk>/disposisi/", views.disposisi, name="disposisi"),
    path("surat/<int:pk>/tutup/", views.tutup, name="tutup"),
    path("surat/<int:pk>/balasan/", views.balasan, name="balasan"),
    path("cabang/<int:cabang_id>/teruskan/", views.teruskan, name="teruskan"),
    path("cabang/<int:cabang_id>/lapor/", views.lapor, name="lapor"),
    path("cabang/<int:cabang_id>/tutup/", views.tutup_cabang, name="tutup_cabang"),
    path("dasbor/", views.dasbor, name="dasbor"),
]
