"""Correcting a registered incoming letter: the registering unit's agendaris only,
audited with before/after, and the correction reaches the archive record, the
disposition sheet and search."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent
from naskah.masuk.models import InstruksiDisposisi
from naskah.masuk.services import Tujuan, disposisi_create
from naskah.masuk.services.edit import suratmasuk_update

MISREAD = "551.2/123/!!!.14/2026"
RIGHT = "551.2/123/III.14/2026"


def _post(surat, **over):
    values = {
        "pengirim": surat.pengirim,
        "nomor_surat": surat.nomor_surat,
        "tanggal_surat": surat.tanggal_surat.isoformat() if surat.tanggal_surat else "",
        "tanggal_diterima": surat.tanggal_diterima.isoformat(),
        "hal": surat.hal,
        "urgensi": surat.urgensi,
        "klasifikasi_keamanan": surat.klasifikasi_keamanan,
        "kode_klasifikasi": surat.kode_klasifikasi.kode,
        "jumlah_lampiran": surat.jumlah_lampiran,
        "jabatan_tujuan": surat.jabatan_tujuan_id,
    }
    values.update(over)
    return values


def test_agendaris_corrects_a_misread_number_everywhere(client, register, org, settings):
    from arsip.models import ArsipRecord
    from arsip.services.intake import arsip_readers_refresh, arsip_sync_sources
    from naskah.masuk.lembar import lembar_disposisi_pdf

    surat = register(nomor_surat=MISREAD)
    arsip_sync_sources()
    record = ArsipRecord.objects.get(source_type="masuk.suratmasuk", source_id=str(surat.pk))
    assert record.nomor == MISREAD

    client.force_login(org["agendaris"])
    page = client.get(reverse("masuk:suratmasuk_detail", args=[surat.pk])).content.decode()
    assert reverse("masuk:suratmasuk_edit", args=[surat.pk]) in page
    form = client.get(reverse("masuk:suratmasuk_edit", args=[surat.pk]))
    assert form.status_code == 200 and MISREAD in form.content.decode()
    response = client.post(
        reverse("masuk:suratmasuk_edit", args=[surat.pk]), _post(surat, nomor_surat=RIGHT)
    )
    assert response.status_code == 302

    surat.refresh_from_db()
    assert surat.nomor_surat == RIGHT
    event = AuditEvent.objects.filter(action="masuk.suratmasuk.update").get()
    assert event.details == {"before": {"nomor_surat": MISREAD}, "after": {"nomor_surat": RIGHT}}
    # the disposition sheet is drawn from the letter
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(lembar_disposisi_pdf(surat))).pages
    )
    assert RIGHT in text and MISREAD not in text
    # the register's search
    listing = client.get(
        reverse("masuk:suratmasuk_list") + "?tab=register&q=III.14"
    ).content.decode()
    assert reverse("masuk:suratmasuk_detail", args=[surat.pk]) in listing
    # the archive record (queued in the transaction, refreshed by the sync)
    arsip_readers_refresh()
    record.refresh_from_db()
    assert record.nomor == RIGHT


def test_nothing_changed_writes_nothing(register, org):
    from naskah.masuk.forms import EditForm, edit_initial

    surat = register()
    form = EditForm(_post(surat), surat=surat, initial=edit_initial(surat))
    assert form.is_valid(), form.errors
    from naskah.masuk.views import _data_surat

    _s, changed = suratmasuk_update(
        surat=surat, actor=org["agendaris"], data=_data_surat(form.cleaned_data)
    )
    assert changed == []
    assert not AuditEvent.objects.filter(action="masuk.suratmasuk.update").exists()


def test_only_the_registers_agendaris_may_correct(client, register, org, data_surat):
    surat = register()
    client.force_login(org["karoumum"])  # the addressee reads it but keeps no register
    assert client.get(reverse("masuk:suratmasuk_edit", args=[surat.pk])).status_code == 403
    page = client.get(reverse("masuk:suratmasuk_detail", args=[surat.pk])).content.decode()
    assert reverse("masuk:suratmasuk_edit", args=[surat.pk]) not in page
    with pytest.raises(PermissionDeniedError):
        suratmasuk_update(surat=surat, actor=org["karoumum"], data=data_surat(hal="Lain"))
    surat.refresh_from_db()
    assert surat.hal != "Lain"


def test_addressee_is_fixed_once_disposed_and_duplicates_are_asked(register, org, data_surat):
    from core.models import Jabatan

    surat = register(nomor_surat="X-1/2026")
    register(nomor_surat="X-2/2026")
    with pytest.raises(ApplicationError) as duplicate:  # the number of another letter
        suratmasuk_update(
            surat=surat, actor=org["agendaris"], data=data_surat(nomor_surat="X-2/2026")
        )
    assert duplicate.value.code == "duplicate"
    disposisi_create(
        surat=surat,
        actor=org["karoumum"],
        targets=[Tujuan(pegawai=org["arsiparis"])],
        utama=0,
        instruksi=[InstruksiDisposisi.objects.get(kode="ditindaklanjuti")],
        catatan="",
    )
    surat.refresh_from_db()
    other = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    with pytest.raises(ApplicationError) as refused:
        suratmasuk_update(
            surat=surat,
            actor=org["agendaris"],
            data=data_surat(nomor_surat="X-1/2026", jabatan_tujuan=other),
        )
    assert refused.value.code == "disposed"
