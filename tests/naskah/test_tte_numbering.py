"""Numbering at signing: year rollover in the office zone, concurrency on PostgreSQL,
Setda letters numbered by Biro Umum, several signers, export command."""

from __future__ import annotations

import datetime as dt
import json
import threading
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from naskah.models import Naskah
from naskah.services.signing import naskah_sign, sealed_bytes
from penomoran.models import Nomor
from signing.validation import pdf_validate
from tests.naskah.tte_helpers import PASSPHRASE, enroll, jabatan, ready_letter

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_year_rollover_restarts_at_one(demo):
    with time_machine.travel(dt.datetime(2026, 12, 31, 20, 0, tzinfo=WIB), tick=True):
        enroll(demo["kadiskominfo"])
        a = ready_letter(demo, hal="Akhir tahun")
        b = ready_letter(demo, hal="Awal tahun")
        naskah_sign(naskah=a, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    # 00:30 WIB on 1 January is still 31 December in UTC.
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=WIB), tick=True):
        naskah_sign(naskah=b, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.nomor.endswith("/1/V.25/2026")  # the official unit code (demo value)
    assert b.nomor.endswith("/1/V.25/2027") and b.tanggal == dt.date(2027, 1, 1)


@pytest.mark.django_db
def test_setda_letter_numbered_by_biro_umum(demo):
    enroll(demo["sekda"])
    naskah = ready_letter(
        demo, user="kabagtu", signer="Sekretaris Daerah Provinsi Lampung", hal="Surat Sekda"
    )
    naskah_sign(naskah=naskah, signer=demo["sekda"], passphrase=PASSPHRASE)
    nomor = Nomor.objects.get(object_id=str(naskah.pk))
    assert nomor.buku.unit.kode == "BIRO-UMUM" and "/II.07/" in nomor.teks


@pytest.mark.django_db
def test_berita_acara_several_signers_in_sequence(demo, client):
    from django.urls import reverse

    from naskah.models import JenisNaskah

    enroll(demo["kadiskominfo"])
    other = demo["sekdiskominfo"]
    enroll(other)
    naskah = ready_letter(
        demo,
        jenis=JenisNaskah.objects.get(kode="berita_acara"),
        hal="Serah Terima Perangkat",
        fields={
            "judul_acara": "SERAH TERIMA PERANGKAT",
            "penandatangan_lain": [
                {
                    "jabatan_id": jabatan(
                        "Sekretaris Dinas Komunikasi, Informatika dan Statistik"
                    ).pk,
                    "peran": "Pihak Kedua",
                }
            ],
        },
    )
    first = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN and naskah.nomor
    number = naskah.nomor
    page = client.get(reverse("verifikasi:token", args=[naskah.tte.token])).content.decode()
    assert "verifikasi-belum-lengkap" in page and "alert-success" in page
    second = naskah_sign(naskah=naskah, signer=other, passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI and naskah.nomor == number
    pdf = sealed_bytes(second)
    assert pdf.startswith(sealed_bytes(first))  # incremental update
    report = pdf_validate(pdf)
    assert len(report.signatures) == 2 and report.ok
    assert Nomor.objects.count() == 1


@pytest.mark.django_db
def test_export_command(demo, tmp_path):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    call_command("naskah_export", out=str(tmp_path / "ekspor"))
    files = sorted(p.name for p in (tmp_path / "ekspor").iterdir())
    assert len(files) == 2
    meta = json.loads((tmp_path / "ekspor" / files[0]).read_text())
    assert files[0].endswith(".json") and files[1].endswith(".pdf")
    assert meta["nomor"] == naskah.nomor and len(meta["sha256"]) == 64


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signing_consecutive_numbers(demo):
    enroll(demo["kadiskominfo"])
    letters = [ready_letter(demo, hal=f"Serentak {i}") for i in range(6)]
    errors = []

    def work(naskah):
        try:
            naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in letters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(Nomor.objects.values_list("urut", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert Naskah.objects.filter(status="ditandatangani").count() == 6
    # Real commits: every sealed file was published after its commit, none left pending.
    from django.core.files.storage import default_storage

    from core.models import BerkasTertunda
    from core.services.storage import pending_name
    from naskah.models import DokumenTersegel

    for name in DokumenTersegel.objects.values_list("berkas", flat=True):
        assert default_storage.exists(name) and not default_storage.exists(pending_name(name))
    assert not BerkasTertunda.objects.exists()
