from django.urls import path

from naskah.masuk import views

app_name = "masuk"
urlpatterns = [
    path("surat/", views.suratmasuk_list, name="suratmasuk_list"),
    path("surat/baru/", views.suratmasuk_new, name="suratmasuk_new"),
    path("surat/baru/unggah/", views.suratmasuk_upload, name="suratmasuk_upload"),
    path("surat/baru/bacaan/", views.suratmasuk_upload_status, name="suratmasuk_upload_status"),
    path("surat/baru/bacaan/ulang/", views.suratmasuk_upload_retry, name="suratmasuk_upload_retry"),
    path("surat/<int:pk>/", views.suratmasuk_detail, name="suratmasuk_detail"),
    path("surat/<int:pk>/ubah/", views.suratmasuk_edit, name="suratmasuk_edit"),
    path("surat/<int:pk>/ocr/", views.suratmasuk_ocr_status, name="suratmasuk_ocr_status"),
    path("surat/<int:pk>/ocr/ulang/", views.suratmasuk_ocr_retry, name="suratmasuk_ocr_retry"),
    path(
        "surat/<int:pk>/saran/",
        views.suratmasuk_suggestion_apply,
        name="suratmasuk_suggestion_apply",
    ),
    path("surat/<int:pk>/berkas/<int:berkas_id>/", views.suratmasuk_file, name="suratmasuk_file"),
    path(
        "surat/<int:pk>/berkas/<int:berkas_id>/asli/",
        views.suratmasuk_file_original,
        name="suratmasuk_file_original",
    ),
    path("surat/<int:pk>/pdf/", views.suratmasuk_pdf, name="suratmasuk_pdf"),
    path(
        "surat/<int:pk>/tindak-lanjut/<int:berkas_id>/",
        views.tindaklanjut_file,
        name="tindaklanjut_file",
    ),
    path("surat/<int:pk>/lembar-disposisi.pdf", views.disposisi_sheet, name="disposisi_sheet"),
    path("surat/<int:pk>/disposisi/", views.disposisi_create, name="disposisi_create"),
    path("surat/<int:pk>/tutup/", views.suratmasuk_close, name="suratmasuk_close"),
    path("surat/<int:pk>/balasan/", views.suratmasuk_reply, name="suratmasuk_reply"),
    path("cabang/<int:cabang_id>/teruskan/", views.disposisi_forward, name="disposisi_forward"),
    path("cabang/<int:cabang_id>/lapor/", views.disposisi_report, name="disposisi_report"),
    path("cabang/<int:cabang_id>/tutup/", views.disposisi_close, name="disposisi_close"),
    path("dasbor/", views.suratmasuk_dashboard, name="suratmasuk_dashboard"),
]
