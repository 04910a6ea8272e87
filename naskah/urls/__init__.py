from django.urls import path

from naskah import views, views_skkaad

app_name = "naskah"

urlpatterns = [
    path("", views.naskah_list, name="list"),
    path("baru/", views.naskah_choose, name="choose"),
    path("baru/<slug:kode>/", views.naskah_new, name="new"),
    path("baru/<slug:kode>/pratinjau/", views.naskah_preview_new, name="preview_new"),
    path(
        "baru/<slug:kode>/simpan-otomatis/",
        views.naskah_autosave_new_view,
        name="autosave_new",
    ),
    path("pratinjau/<str:token>/", views.naskah_preview_file, name="preview_file"),
    path("cari-penerima/", views.naskah_penerima_search, name="penerima_search"),
    path("kelas-usulan/", views_skkaad.naskah_kelas_usulan, name="kelas_usulan"),
    path("<int:pk>/", views.naskah_edit, name="edit"),
    path("<int:pk>/pratinjau/", views.naskah_preview_edit, name="preview_edit"),
    path("<int:pk>/simpan-otomatis/", views.naskah_autosave_edit_view, name="autosave_edit"),
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

# Approval (issue 4): the letter page, submission, actions, corrections, the letter list.
from naskah import views_alur  # noqa: E402

urlpatterns += [
    path("semua/", views_alur.naskah_alur_list, name="alur_list"),
    path("<int:pk>/alur/", views_alur.naskah_alur_detail, name="alur_detail"),
    path("<int:pk>/ajukan/", views_alur.naskah_alur_submit, name="alur_submit"),
    path("<int:pk>/alur/aksi/", views_alur.naskah_alur_act, name="alur_act"),
    path(
        "<int:pk>/alur/koreksi/<int:state_pk>/",
        views_alur.naskah_alur_correct,
        name="alur_correct",
    ),
    path(
        "<int:pk>/alur/koreksi/<int:state_pk>/pratinjau/",
        views_alur.naskah_alur_correct_preview,
        name="alur_correct_preview",
    ),
    path("<int:pk>/alur/tarik/", views_alur.naskah_alur_withdraw, name="alur_withdraw"),
    path("<int:pk>/alur/komentar/", views_alur.naskah_alur_comment, name="alur_comment"),
    path("<int:pk>/alur/alihkan/", views_alur.naskah_alur_reassign, name="alur_reassign"),
    path("<int:pk>/alur/bagikan/", views_alur.naskah_alur_share, name="alur_share"),
]

# Signing, batch signing, sealed PDF, internal inbox (issue 5).
from naskah import views_tte  # noqa: E402

urlpatterns += [
    path("<int:pk>/tte/", views_tte.naskah_tte, name="tte"),
    path("<int:pk>/tte/pdf/", views_tte.naskah_tte_pdf, name="tte_pdf"),
    path("<int:pk>/distribusi/ulang/", views_tte.dispatch_ulang, name="dispatch_ulang"),
    path(
        "<int:pk>/distribusi/<int:distribusi_id>/ulang/",
        views_tte.distribusi_ulang,
        name="distribusi_ulang",
    ),
    path("<int:pk>/cabut/", views_tte.naskah_withdraw_view, name="withdraw"),
    path(
        "<int:pk>/tte/pertinggal/",
        views_tte.naskah_tte_pertinggal_pdf,
        name="tte_pertinggal",
    ),
    path("tte/batch/", views_tte.tte_batch, name="tte_batch"),
    path("tte/batch/<int:pk>/", views_tte.tte_batch_detail, name="tte_batch_detail"),
    path("tte/batch/<int:pk>/lanjut/", views_tte.tte_batch_continue, name="tte_batch_continue"),
    path("masuk-internal/", views_tte.naskah_masuk_internal, name="masuk_internal"),
]
