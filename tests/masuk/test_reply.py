"""A reply starts from the letter it answers: "Buat konsep surat balasan" opens a new
draft with the sender as recipient, the reference and the subject prefilled, linked both
ways; the draft stays visible only to its drafter until submitted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import PermissionDeniedError
from core.indonesian import tanggal_panjang
from naskah.masuk.models import SuratBalasan, SuratMasuk
from naskah.masuk.services import suratmasuk_reply_draft
from naskah.models import Naskah
from naskah.permissions import naskah_visible_to
from naskah.selectors.drafting import signer_choices, signer_default

pytestmark = pytest.mark.django_db


def _first_paragraph(naskah: Naskah) -> str:
    revisi = naskah.revisi.order_by("-nomor").first()
    return "".join(run["text"] for run in revisi.body[0]["runs"])


def test_reply_from_the_incoming_page_is_prefilled_and_linked(register, org, client):
    surat = register()
    karo = org["karoumum"]
    client.force_login(karo)
    response = client.post(reverse("masuk:suratmasuk_reply", args=[surat.pk]))
    assert response.status_code == 302
    link = SuratBalasan.objects.get(surat=surat)
    naskah = link.naskah
    assert response["Location"] == reverse("naskah:edit", args=[naskah.pk])
    assert naskah.konseptor == karo and naskah.status == Naskah.Status.KONSEP
    assert naskah.hal == surat.hal
    # the addressed position signs if it may sign a surat dinas, else the usual signer
    choices = signer_choices(naskah.jenis, karo)
    expected = next((j for j in choices if j.pk == surat.jabatan_tujuan_id), None)
    assert naskah.penandatangan == (expected or signer_default(naskah.jenis, karo, choices))
    assert naskah.kode_klasifikasi == surat.kode_klasifikasi
    (penerima,) = naskah.penerima.all()
    assert penerima.jenis == "tujuan" and penerima.nama == surat.pengirim
    text = _first_paragraph(naskah)
    assert text.startswith("Menunjuk surat Saudara Nomor B-1234/BSSN/D3/PP.01.01/11/2026")
    assert f"tanggal {tanggal_panjang(surat.tanggal_surat)}" in text
    assert f"hal {surat.hal}" in text
    # both ways: the incoming page lists the reply, the draft names the incoming letter
    detail = client.get(reverse("masuk:suratmasuk_detail", args=[surat.pk])).content.decode()
    assert reverse("naskah:alur_detail", args=[naskah.pk]) in detail
    edit = client.get(reverse("naskah:edit", args=[naskah.pk])).content.decode()
    assert 'id="membalas"' in edit and surat.nomor_agenda in edit
    assert reverse("masuk:suratmasuk_detail", args=[surat.pk]) in edit


def test_the_reply_draft_is_the_drafters_only(register, org, client):
    surat = register()
    naskah = suratmasuk_reply_draft(actor=org["karoumum"], surat=surat)
    agendaris = org["agendaris"]
    assert not naskah_visible_to(agendaris).filter(pk=naskah.pk).exists()
    client.force_login(agendaris)
    detail = client.get(reverse("masuk:suratmasuk_detail", args=[surat.pk])).content.decode()
    assert reverse("naskah:alur_detail", args=[naskah.pk]) not in detail
    assert naskah.hal not in detail.split('id="balasan"')[1].split("</section>")[0]
    assert client.get(reverse("naskah:edit", args=[naskah.pk])).status_code in {403, 404}


def test_someone_who_cannot_see_the_letter_cannot_reply(register, org, client):
    surat = register()
    outsider = org["stafsma"]
    with pytest.raises(PermissionDeniedError):
        suratmasuk_reply_draft(actor=outsider, surat=surat)
    client.force_login(outsider)
    assert client.post(reverse("masuk:suratmasuk_reply", args=[surat.pk])).status_code == 404
    assert not SuratBalasan.objects.exists()


def test_reply_from_a_disposition_records_the_branch(register, org, client, karo_umum_jabatan):
    from naskah.masuk.models import DisposisiPenerima, InstruksiDisposisi
    from naskah.masuk.services import Tujuan, disposisi_create

    surat = register()
    kabag = org["kabagtu"]
    bagian = kabag.penugasan.first().jabatan
    disposisi_create(
        actor=org["karoumum"],
        surat=surat,
        targets=[Tujuan(jabatan=bagian)],
        instruksi=[InstruksiDisposisi.objects.get(kode="ditindaklanjuti")],
        catatan="Siapkan jawaban",
    )
    cabang = DisposisiPenerima.objects.get(surat=surat, ke_jabatan=bagian)
    client.force_login(kabag)
    page = client.get(reverse("masuk:suratmasuk_detail", args=[surat.pk])).content.decode()
    assert f'form="balas-{cabang.pk}"' in page
    response = client.post(
        reverse("masuk:suratmasuk_reply", args=[surat.pk]), {"cabang": cabang.pk}
    )
    assert response.status_code == 302
    link = SuratBalasan.objects.get(surat=surat)
    assert link.cabang == cabang and link.naskah.konseptor == kabag


def test_reply_to_an_internal_letter_goes_to_the_signing_position(demo, settings, tmp_path):
    from core.selectors.organisasi import jabatan_holder_on
    from naskah.services.distribusi import naskah_dispatch
    from tests.naskah.test_tte_flow import _signed

    settings.MEDIA_ROOT = str(tmp_path / "media")
    source = _signed(demo)
    naskah_dispatch(naskah=source)
    surat = SuratMasuk.objects.filter(sumber_type="naskah.naskah", sumber_id=str(source.pk)).first()
    assert surat is not None
    holder = jabatan_holder_on(surat.jabatan_tujuan)
    reply = suratmasuk_reply_draft(actor=holder.pegawai, surat=surat)
    (penerima,) = reply.penerima.all()
    assert penerima.jabatan_id == source.penandatangan_id
    assert source.nomor in _first_paragraph(reply)
