"""Verification pages, dispatch with read receipts and e-mail, batch signing, views."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from naskah.models import BatchTTEItem, Distribusi, Naskah
from naskah.services.distribusi import naskah_dispatch
from naskah.services.signing import sealed_bytes
from naskah.services.signing_batch import naskah_batch_sign
from penomoran.models import Nomor
from tests.letters import make_letter
from tests.naskah.tte_helpers import PASSPHRASE, enroll, jabatan, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def _penerima():
    from core.models import UnitKerja

    return [
        {"jenis": "tujuan", "nama": "Dinas Kominfo Kota Metro", "email": "kominfo@metro.example"},
        {"jenis": "tujuan", "unit_id": UnitKerja.objects.get(kode="DISDIKBUD").pk},
        {"jenis": "tembusan", "jabatan_id": jabatan("Sekretaris Daerah Provinsi Lampung").pk},
        {"jenis": "tembusan", "nama": "Arsip"},
    ]


def _run_email_tasks():
    """What the mail cluster's worker does: run (and take off the queue) each queued
    e-mail task."""
    from django_q.models import OrmQ

    from naskah.tasks import distribusi_email_task

    for queued in OrmQ.objects.all():
        if queued.func() == "naskah.tasks.distribusi_email_task":
            distribusi_email_task(*queued.task["args"])
            queued.delete()


def _signed(demo, klasifikasi="biasa", hal="Permohonan Data Layanan Aplikasi"):
    return make_letter(demo, "signed", klasifikasi=klasifikasi, penerima=_penerima(), hal=hal)


def test_dispatch_inbox_read_receipt_and_email_idempotent(demo, client):
    naskah = _signed(demo)
    naskah_dispatch(naskah=naskah)
    naskah_dispatch(naskah=naskah)  # the task may run twice
    assert len(mail.outbox) == 0  # e-mail is its own task, after the dispatch commits
    _run_email_tasks()
    _run_email_tasks()
    rows = {r.kunci.split(":")[1]: r for r in Distribusi.objects.filter(naskah=naskah)}
    assert Distribusi.objects.filter(naskah=naskah).count() == 4
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kominfo@metro.example"]
    assert message.attachments[0][2] == "application/pdf"
    assert message.attachments[0][1] == sealed_bytes(naskah.tte.dokumen_terakhir())
    assert rows["email"].status == "terkirim"
    assert rows["manual"].status == "tanpa_alamat"
    # Unit → the head's acting holder (Plt Kepala Disdikbud = sekdisdik); position → holder.
    internal = Distribusi.objects.filter(naskah=naskah, saluran="internal")
    assert {r.pegawai.username for r in internal} == {"sekdisdik", "sekda"}
    assert internal.get(pegawai=demo["sekdisdik"]).kapasitas == "plt"
    client.force_login(demo["sekdisdik"])
    page = client.get(reverse("naskah:inbox"))
    assert naskah.nomor in page.content.decode()
    pdf = client.get(reverse("naskah:tte_pdf", args=[naskah.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert internal.get(pegawai=demo["sekdisdik"]).dibaca_pada is not None
    assert internal.get(pegawai=demo["sekda"]).dibaca_pada is None
    # The drafter sees the distribution status on the letter's signing page.
    client.force_login(demo["prakommuda"])
    detail = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert "kominfo@metro.example" in detail and 'id="distribusi"' in detail
    # Outsiders get a 404.
    client.force_login(demo["stafsma"])
    assert client.get(reverse("naskah:tte_pdf", args=[naskah.pk])).status_code == 404


def test_a_delivered_letter_is_visible_to_its_recipients_only_after_delivery(demo):
    """Delivery is part of the letter's visibility rule (naskah.permissions), so every
    list, detail and form that reads letters through it (e.g. the reply a disposisi report
    points to) treats a recipient as a reader; before delivery they are not."""
    from naskah.permissions import naskah_visible_to
    from naskah.selectors.approval import naskah_list_for_user

    naskah = _signed(demo)
    sekdisdik, stafsma = demo["sekdisdik"], demo["stafsma"]
    assert not naskah_visible_to(sekdisdik).filter(pk=naskah.pk).exists()
    naskah_dispatch(naskah=naskah)
    assert naskah_visible_to(sekdisdik).filter(pk=naskah.pk).exists()
    assert naskah in naskah_list_for_user(sekdisdik)
    assert not naskah_visible_to(stafsma).filter(pk=naskah.pk).exists()


def test_rahasia_email_carries_no_content(demo):
    naskah = _signed(demo, klasifikasi="rahasia", hal="Laporan Insiden Keamanan Rahasia")
    naskah_dispatch(naskah=naskah)
    _run_email_tasks()
    message = mail.outbox[0]
    assert not message.attachments
    assert "Insiden" not in message.subject + message.body
    assert naskah.nomor in message.body


def test_dispatch_refuses_unsigned(demo):
    from core.errors import ApplicationError

    naskah = ready_letter(demo)
    with pytest.raises(ApplicationError):
        naskah_dispatch(naskah=naskah)


@pytest.mark.parametrize("kelas", ["biasa", "terbatas", "rahasia", "sangat_rahasia"])
def test_verification_page_per_security_class(demo, client, kelas):
    naskah = _signed(demo, klasifikasi=kelas, hal=f"Hal Uji Verifikasi {kelas}")
    page = client.get(reverse("verifikasi:token", args=[naskah.tte.token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "alert-success" in html
    if kelas in ("rahasia", "sangat_rahasia"):
        assert "Hal Uji Verifikasi" not in html and naskah.nomor not in html
    else:
        assert "Hal Uji Verifikasi" in html and naskah.nomor in html
        assert naskah.tte.dokumen_terakhir().sha256 in html


def test_verification_page_reports_changed_stored_file(demo, client, settings):
    import pathlib

    naskah = _signed(demo)
    dokumen = naskah.tte.dokumen_terakhir()
    from core.services.storage import storage_located

    # Final or still pending (the test's transaction never commits): wherever it lies.
    path = pathlib.Path(settings.MEDIA_ROOT) / storage_located(dokumen.berkas.name)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01
    path.write_bytes(bytes(data))
    html = client.get(reverse("verifikasi:token", args=[naskah.tte.token])).content.decode()
    assert "alert-danger" in html


def test_unknown_token_404(client, db):
    assert client.get(reverse("verifikasi:token", args=["tidak-ada"])).status_code == 404


def test_upload_valid_tampered_and_non_pdf(demo, client):
    naskah = _signed(demo)
    pdf = sealed_bytes(naskah.tte.dokumen_terakhir())
    url = reverse("verifikasi:upload")
    ok = client.post(url, {"berkas": SimpleUploadedFile("a.pdf", pdf, "application/pdf")})
    html = ok.content.decode()
    assert "alert-success" in html and naskah.nomor in html
    tampered = bytearray(pdf)
    i = pdf.index(b"stream") + 40
    tampered[i] = (tampered[i] + 1) % 256
    bad = client.post(url, {"berkas": SimpleUploadedFile("b.pdf", bytes(tampered))})
    html = bad.content.decode()
    assert "alert-danger" in html and "matches no letter" in html
    junk = client.post(url, {"berkas": SimpleUploadedFile("c.pdf", b"hello world")})
    assert junk.status_code == 400 and "not a PDF" in junk.content.decode()


def test_upload_size_limit_and_rate_limit(client, db, settings):
    settings.NASKAH_VERIFIKASI_MAX_BYTES = 10
    url = reverse("verifikasi:upload")
    big = client.post(url, {"berkas": SimpleUploadedFile("a.pdf", b"%PDF-1.7" + b"0" * 100)})
    assert big.status_code == 400
    settings.NASKAH_VERIFIKASI_RATE = (2, 60)
    cache.clear()
    codes = [client.get(reverse("verifikasi:token", args=["x"])).status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_batch_with_one_failing_letter(demo):
    enroll(demo["kadiskominfo"])
    letters = [ready_letter(demo, hal=f"Surat batch {i}") for i in range(3)]
    # One letter loses its classification code after approval: it must fail alone.
    Naskah.objects.filter(pk=letters[1].pk).update(kode_klasifikasi=None)
    batch = naskah_batch_sign(
        signer=demo["kadiskominfo"],
        naskah_ids=[n.pk for n in letters],
        passphrase=PASSPHRASE,
        background=False,
    )
    items = {i.naskah_id: i for i in BatchTTEItem.objects.filter(batch=batch)}
    assert items[letters[0].pk].status == "berhasil" and items[letters[2].pk].status == "berhasil"
    assert items[letters[1].pk].status == "gagal" and "classification" in items[letters[1].pk].pesan
    numbers = sorted(Nomor.objects.values_list("urut", flat=True))
    assert numbers == [1, 2]
    batch.refresh_from_db()
    assert batch.status == "selesai"


def test_batch_wrong_passphrase_starts_nothing(demo):
    from core.errors import ApplicationError
    from naskah.models import BatchTTE

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    with pytest.raises(ApplicationError):
        naskah_batch_sign(
            signer=demo["kadiskominfo"], naskah_ids=[naskah.pk], passphrase="salah-salah-1"
        )
    assert not BatchTTE.objects.exists()


def test_sign_view_and_batch_page(demo, client):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    client.force_login(demo["kadiskominfo"])
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert 'id="btn-sign"' in page
    batch_page = client.get(reverse("naskah:tte_batch")).content.decode()
    assert naskah.hal in batch_page
    wrong = client.post(
        reverse("naskah:tte", args=[naskah.pk]), {"passphrase": "salah-salah"}, follow=True
    )
    assert wrong.status_code == 200
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN
    client.post(reverse("naskah:tte", args=[naskah.pk]), {"passphrase": PASSPHRASE})
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI


class _BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP server unreachable")


def test_email_failure_recorded_and_retried_with_backoff(demo, settings, monkeypatch):
    from django_q.models import Schedule

    naskah = _signed(demo)
    monkeypatch.setattr("django.core.mail.get_connection", lambda *a, **k: _BrokenBackend())
    naskah_dispatch(naskah=naskah)
    _run_email_tasks()
    row = Distribusi.objects.get(naskah=naskah, saluran="email")
    # Retried later, not dropped: waiting with a readable error and the next try scheduled.
    assert row.status == "menunggu" and row.percobaan == 1 and row.coba_lagi_pada
    assert "could not be reached" in row.kesalahan and "unreachable" not in row.kesalahan
    retry = Schedule.objects.get(func="naskah.tasks.distribusi_email_task")
    assert retry.next_run == row.coba_lagi_pada and retry.cluster == settings.Q_MAIL_CLUSTER
    internal = Distribusi.objects.filter(naskah=naskah, saluran="internal")
    assert all(r.status == "terkirim" for r in internal)
    naskah_dispatch(naskah=naskah)  # a second dispatch leaves the row to its scheduled try
    _run_email_tasks()
    row.refresh_from_db()
    assert row.percobaan == 1
    monkeypatch.undo()
    from naskah.tasks import distribusi_email_task

    distribusi_email_task(row.pk)  # the scheduled retry
    distribusi_email_task(row.pk)
    row.refresh_from_db()
    assert row.status == "terkirim" and row.percobaan == 2 and len(mail.outbox) == 1
    assert row.kesalahan == "" and row.coba_lagi_pada is None


def test_panel_tag(demo):
    from django.template import Context, Template

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    tpl = Template("{% load naskah_signing %}{% tte_panel naskah user %}")
    html = tpl.render(Context({"naskah": naskah, "user": demo["kadiskominfo"]}))
    assert reverse("naskah:tte", args=[naskah.pk]) in html
    # Nothing signed and nothing for this user to sign: no empty card on the letter page.
    assert "tte-panel" not in tpl.render(Context({"naskah": naskah, "user": demo["prakommuda"]}))


def test_stale_batch_shown_interrupted(demo, client):
    import datetime as dt

    from django.utils import timezone

    from naskah.models import BatchTTE, BatchTTEItem

    naskah = ready_letter(demo)
    batch = BatchTTE.objects.create(penandatangan=demo["kadiskominfo"])
    BatchTTEItem.objects.create(batch=batch, naskah=naskah)
    BatchTTE.objects.filter(pk=batch.pk).update(dibuat_pada=timezone.now() - dt.timedelta(hours=1))
    client.force_login(demo["kadiskominfo"])
    html = client.get(reverse("naskah:tte_batch_detail", args=[batch.pk])).content.decode()
    assert "hx-get" not in html and "Interrupted" in html
    client.force_login(demo["sekda"])
    assert client.get(reverse("naskah:tte_batch_detail", args=[batch.pk])).status_code == 404


def test_internal_letter_is_registered_in_the_addressed_units_register(demo):
    """The letter to Disdikbud lands in Disdikbud's incoming register once, with an agenda
    number, even when dispatch runs twice; tembusan units are not registered."""
    from naskah.masuk.models import SuratMasuk

    naskah = _signed(demo)
    naskah_dispatch(naskah=naskah)
    naskah_dispatch(naskah=naskah)
    registered = SuratMasuk.objects.filter(sumber_type="naskah.naskah", sumber_id=str(naskah.pk))
    assert registered.count() == 1
    surat = registered.get()
    assert surat.unit.kode == "DISDIKBUD"
    assert surat.nomor_surat == naskah.nomor and surat.hal == naskah.hal
    assert surat.nomor_agenda
