from django.urls import path

from naskah.views import drafting, skkaad

app_name = "naskah"

urlpatterns = [
    path("", drafting.naskah_list, name="list"),
    path("baru/", drafting.naskah_choose, name="choose"),
    path("baru/<slug:kode>/", drafting.naskah_new, name="new"),
    path("baru/<slug:kode>/pratinjau/", drafting.naskah_preview_new, name="preview_new"),
    path(
        "baru/<slug:kode>/simpan-otomatis/",
        drafting.naskah_autosave_new,
        name="autosave_new",
    ),
    path("pratinjau/<str:token>/", drafting.naskah_preview_file, name="preview_file"),
    path("cari-penerima/", drafting.naskah_penerima_search, name="penerima_search"),
    path("kelas-usulan/", skkaad.naskah_kelas_usulan, name="kelas_usulan"),
    path("<int:pk>/", drafting.naskah_edit, name="edit"),
    path("<int:pk>/pratinjau/", drafting.naskah_preview_edit, name="preview_edit"),
    path("<int:pk>/simpan-otomatis/", drafting.naskah_autosave_edit, name="autosave_edit"),
    path("<int:pk>/pdf/", drafting.naskah_pdf, name="pdf"),
    path("<int:pk>/revisi/", drafting.naskah_revision_history, name="revision_history"),
    path("<int:pk>/revisi/<int:nomor>/pdf/", drafting.naskah_pdf, name="revision_pdf"),
    path("<int:pk>/lampiran/", drafting.naskah_lampiran_add, name="lampiran_add"),
    path(
        "<int:pk>/lampiran/<int:lampiran_pk>/", drafting.naskah_lampiran_file, name="lampiran_file"
    ),
    path(
        "<int:pk>/lampiran/<int:lampiran_pk>/hapus/",
        drafting.naskah_lampiran_remove,
        name="lampiran_remove",
    ),
]

# Approval: the letter page, submission, actions, corrections, the letter list.
from naskah.views import approval  # noqa: E402

urlpatterns += [
    path("semua/", approval.naskah_alur_list, name="alur_list"),
    path("<int:pk>/alur/", approval.naskah_alur_detail, name="alur_detail"),
    path("<int:pk>/ajukan/", approval.naskah_alur_submit, name="alur_submit"),
    path("<int:pk>/alur/aksi/", approval.naskah_alur_act, name="alur_act"),
    path(
        "<int:pk>/alur/koreksi/<int:state_pk>/",
        approval.naskah_alur_correct,
        name="alur_correct",
    ),
    path(
        "<int:pk>/alur/koreksi/<int:state_pk>/pratinjau/",
        approval.naskah_alur_correct_preview,
        name="alur_correct_preview",
    ),
    path("<int:pk>/alur/tarik/", approval.naskah_alur_withdraw, name="alur_withdraw"),
    path("<int:pk>/alur/komentar/", approval.naskah_alur_comment, name="alur_comment"),
    path("<int:pk>/alur/alihkan/", approval.naskah_alur_reassign, name="alur_reassign"),
    path("<int:pk>/alur/bagikan/", approval.naskah_alur_share, name="alur_share"),
]

# Signing, batch signing, sealed PDF, internal inbox.
from naskah.views import inbox, signing  # noqa: E402

urlpatterns += [
    path("<int:pk>/tte/", signing.naskah_tte, name="tte"),
    path("<int:pk>/tte/pdf/", signing.naskah_tte_pdf, name="tte_pdf"),
    path("<int:pk>/distribusi/ulang/", signing.naskah_dispatch_retry, name="dispatch_retry"),
    path(
        "<int:pk>/distribusi/<int:distribusi_id>/ulang/",
        signing.distribusi_retry,
        name="distribusi_retry",
    ),
    path("<int:pk>/cabut/", signing.naskah_withdraw, name="withdraw"),
    path(
        "<int:pk>/tte/pertinggal/",
        signing.naskah_tte_pertinggal,
        name="tte_pertinggal",
    ),
    path("tte/batch/", signing.naskah_tte_batch, name="tte_batch"),
    path("tte/batch/<int:pk>/", signing.naskah_tte_batch_detail, name="tte_batch_detail"),
    path(
        "tte/batch/<int:pk>/lanjut/", signing.naskah_tte_batch_continue, name="tte_batch_continue"
    ),
    path("masuk-internal/", inbox.naskah_inbox, name="inbox"),
]
