import csv
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from core.models import Pegawai
from penomoran.models import BukuNomor
from penomoran.services import nomor_allocate, nomor_cancel, nomor_reserve
from tests.factories import JabatanFactory, PegawaiFactory, PenugasanFactory, UnitKerjaFactory

UTC = dt.UTC


@pytest.fixture
def org(db):
    """Root (Pemprov) → Dinas (book unit) → Sekretariat; and an unrelated Dinas."""
    root = UnitKerjaFactory(kode="PEMPROV", nama="Pemerintah Provinsi")
    dinas = UnitKerjaFactory(kode="DISKOMINFOTIK", nama="Dinas Kominfotik", induk=root)
    sekre = UnitKerjaFactory(kode="DISKOMINFOTIK-SEKRE", nama="Sekretariat", induk=dinas)
    other = UnitKerjaFactory(kode="DISDIKBUD", nama="Dinas Pendidikan", induk=root)
    buku = BukuNomor.objects.create(unit=dinas, jenis="surat", nama="Surat Dinas Kominfotik")
    return {"root": root, "dinas": dinas, "sekre": sekre, "other": other, "buku": buku}


def staff(unit, username, *, perm=True):
    user = PegawaiFactory(username=username)
    PenugasanFactory(pegawai=user, jabatan=JabatanFactory(unit=unit), mulai=dt.date(2024, 1, 1))
    if perm:
        user.user_permissions.add(Permission.objects.get(codename="view_bukunomor"))
    return Pegawai.objects.get(pk=user.pk)


@pytest.fixture
def numbers(org):
    """Three numbers in 2026 (one cancelled, one reserved) and one in 2025."""
    buku = org["buku"]
    actor = PegawaiFactory(username="penomor")
    actor.user_permissions.add(Permission.objects.get(codename="reserve_nomor"))
    actor = Pegawai.objects.get(pk=actor.pk)
    with (
        time_machine.travel(dt.datetime(2025, 12, 1, 3, tzinfo=UTC), tick=False),
        transaction.atomic(),
    ):
        nomor_allocate(
            buku=buku, kode_klasifikasi="000.1", object_type="x", object_id=0, actor=actor
        )
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, tzinfo=UTC), tick=False):
        first = nomor_reserve(  # reserved, then cancelled unused
            buku=buku,
            tanggal=dt.date(2026, 5, 4),
            alasan="Surat darurat",
            actor=actor,
            kode_klasifikasi="000.1.2.3",
        )
        with transaction.atomic():
            nomor_allocate(
                buku=buku, kode_klasifikasi="800.1", object_type="x", object_id=2, actor=actor
            )
        nomor_cancel(nomor=first, alasan="=HYPERLINK(ditarik)", actor=actor)
        nomor_reserve(
            buku=buku,
            tanggal=dt.date(2026, 5, 1),
            alasan="Surat darurat",
            actor=actor,
            kode_klasifikasi="000.1",
        )
    return buku


def url(name, buku, **query):
    base = reverse(f"penomoran:{name}", args=[buku.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- who may see a register ------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(url("register", org["buku"]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_staff_of_the_unit_sees_the_register(client, org, numbers):
    client.force_login(staff(org["dinas"], "kadis"))
    response = client.get(url("register", org["buku"]))
    assert response.status_code == 200
    assert "000.1.2.3/1/DISKOMINFOTIK/2026" in response.content.decode()


def test_staff_of_a_sub_unit_sees_the_register(client, org):
    client.force_login(staff(org["sekre"], "agendaris"))
    assert client.get(url("register", org["buku"])).status_code == 200


def test_staff_of_an_ancestor_sees_the_register(client, org):
    client.force_login(staff(org["root"], "sekda"))
    assert client.get(url("register", org["buku"])).status_code == 200


def test_staff_of_another_unit_gets_404(client, org):
    client.force_login(staff(org["other"], "guru"))
    for name in ("register", "register_csv", "register_pdf"):
        assert client.get(url(name, org["buku"])).status_code == 404


def test_without_the_permission_gets_403(client, org):
    client.force_login(staff(org["dinas"], "staf", perm=False))
    for name in ("register", "register_csv", "register_pdf"):
        assert client.get(url(name, org["buku"])).status_code == 403


def test_ended_assignment_no_longer_counts(client, org):
    user = staff(org["dinas"], "pensiun")
    user.penugasan.update(selesai=dt.date(2024, 12, 31))
    client.force_login(user)
    assert client.get(url("register", org["buku"])).status_code == 404


def test_superuser_sees_every_book(client, org):
    admin = Pegawai.objects.create_superuser("root", password="x-123456", nama="Root")
    client.force_login(admin)
    assert client.get(url("register", org["buku"])).status_code == 200


def test_unknown_book_is_404(client, org):
    client.force_login(staff(org["dinas"], "kadis"))
    response = client.get(reverse("penomoran:register", args=[99999]))
    assert response.status_code == 404


def test_book_list_shows_only_visible_books(client, org):
    BukuNomor.objects.create(unit=org["other"], jenis="surat", nama="Surat Disdikbud")
    client.force_login(staff(org["sekre"], "agendaris"))
    page = client.get(reverse("penomoran:buku_list")).content.decode()
    assert "Surat Dinas Kominfotik" in page
    assert "Surat Disdikbud" not in page


# --- filters and exports -----------------------------------------------------------------------


@pytest.fixture
def kadis_client(client, org):
    client.force_login(staff(org["dinas"], "kadis"))
    return client


def test_register_defaults_to_the_latest_year(kadis_client, numbers):
    page = kadis_client.get(url("register", numbers)).content.decode()
    assert "000.1.2.3/1/DISKOMINFOTIK/2026" in page
    assert "000.1/1/DISKOMINFOTIK/2025" not in page


def test_register_filters_by_year_and_status(kadis_client, numbers):
    page = kadis_client.get(url("register", numbers, tahun=2025)).content.decode()
    assert "000.1/1/DISKOMINFOTIK/2025" in page
    assert "2026" not in page.split("<tbody>")[1].split("</tbody>")[0]
    page = kadis_client.get(url("register", numbers, tahun=2026, status="batal")).content.decode()
    body = page.split("<tbody>")[1]
    assert "000.1.2.3/1/DISKOMINFOTIK/2026" in body
    assert "800.1/2/DISKOMINFOTIK/2026" not in body


def test_register_ignores_an_invalid_filter(kadis_client, numbers):
    response = kadis_client.get(url("register", numbers, tahun="abc", status="nope"))
    assert response.status_code == 200
    assert "000.1/1/DISKOMINFOTIK/2025" in response.content.decode()


def test_csv_export(kadis_client, numbers):
    response = kadis_client.get(url("register_csv", numbers, tahun=2026))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "register-DISKOMINFOTIK-surat-2026.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Tahun", "No. Urut", "Nomor", "Tanggal", "Status"]
    body = {row[2]: row for row in rows[1:]}
    assert set(body) == {
        "000.1.2.3/1/DISKOMINFOTIK/2026",
        "800.1/2/DISKOMINFOTIK/2026",
        "000.1/3/DISKOMINFOTIK/2026",
    }
    cancelled = body["000.1.2.3/1/DISKOMINFOTIK/2026"]
    assert cancelled[3] == "4 Mei 2026"
    assert cancelled[4] == "Batal"
    assert "=HYPERLINK" in cancelled[8]
    assert body["000.1/3/DISKOMINFOTIK/2026"][3] == "1 Mei 2026"
    assert body["000.1/3/DISKOMINFOTIK/2026"][4] == "Dicadangkan"
    assert body["000.1/3/DISKOMINFOTIK/2026"][8] == "Dicadangkan: Surat darurat"
    assert body["800.1/2/DISKOMINFOTIK/2026"][7] == "4 Mei 2026 10.00 WIB"


def test_csv_neutralises_formulas():
    from penomoran.exports import _safe_cell

    assert _safe_cell("=1+1") == "'=1+1"
    assert _safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert _safe_cell("000.1/1/X/2026") == "000.1/1/X/2026"


def test_csv_export_filtered_by_status(kadis_client, numbers):
    response = kadis_client.get(url("register_csv", numbers, tahun=2026, status="digunakan"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["800.1/2/DISKOMINFOTIK/2026"]


def _pdf_text(client, address, language):
    client.cookies["django_language"] = language
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_pdf_export(kadis_client, numbers):
    text = _pdf_text(kadis_client, url("register_pdf", numbers, tahun=2026), "id")
    assert "REGISTER NOMOR" in text
    assert "000.1.2.3/1/DISKOMINFOTIK/2026" in text
    assert "4 Mei 2026" in text
    assert "Dibatalkan" in text
    assert "Tahun 2026" in text
    assert "2025" not in text.split("Keterangan", 1)[1]


def test_pdf_export_titles_follow_the_readers_language(kadis_client, numbers):
    text = _pdf_text(kadis_client, url("register_pdf", numbers, tahun=2026), "en")
    assert "NUMBER REGISTER" in text and "REGISTER NOMOR" not in text
    assert "Year 2026" in text and "Cancelled" in text and "Notes" in text
    assert "000.1.2.3/1/DISKOMINFOTIK/2026" in text  # the register's content is unchanged


def test_pdf_export_of_an_empty_year(kadis_client, org):
    text = _pdf_text(kadis_client, url("register_pdf", org["buku"]), "id")
    assert "Belum ada nomor." in text


def test_indonesian_dates():
    from penomoran.exports import tanggal_indonesia, waktu_indonesia

    assert tanggal_indonesia(dt.date(2026, 1, 1)) == "1 Januari 2026"
    assert tanggal_indonesia(dt.date(2026, 8, 17)) == "17 Agustus 2026"
    # 17:30 UTC on 31 December is 00:30 WIB on 1 January
    assert waktu_indonesia(dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == (
        "1 Januari 2027 00.30 WIB"
    )


# --- reserve and cancel from the register ------------------------------------------------------


def grant(user, codename):
    user.user_permissions.add(Permission.objects.get(codename=codename))
    return Pegawai.objects.get(pk=user.pk)


@pytest.fixture
def _may_4():
    with time_machine.travel(dt.datetime(2026, 5, 4, 3, tzinfo=UTC), tick=False):
        yield


RESERVE = {"tanggal": "2026-05-01", "kode_klasifikasi": "000.1.2.3", "alasan": "Surat darurat"}


def test_register_shows_reserve_and_cancel_only_with_the_permissions(client, org, numbers):
    user = staff(org["sekre"], "agendaris")
    client.force_login(user)
    page = client.get(url("register", org["buku"])).content.decode()
    assert reverse("penomoran:nomor_reserve", args=[org["buku"].pk]) not in page
    assert "/batal/" not in page
    user = grant(grant(user, "reserve_nomor"), "cancel_nomor")
    client.force_login(user)
    page = client.get(url("register", org["buku"])).content.decode()
    assert reverse("penomoran:nomor_reserve", args=[org["buku"].pk]) in page
    reserved = org["buku"].nomor_set.get(status="dicadangkan")
    used = org["buku"].nomor_set.get(status="digunakan", tahun=2026)
    assert reverse("penomoran:nomor_cancel", args=[reserved.pk]) in page
    assert reverse("penomoran:nomor_cancel", args=[used.pk]) not in page  # a used number stays


@pytest.mark.usefixtures("_may_4")
def test_reserve_from_the_register(client, org):
    client.force_login(grant(staff(org["sekre"], "agendaris"), "reserve_nomor"))
    response = client.post(url("nomor_reserve", org["buku"]), RESERVE, follow=True)
    assert response.status_code == 200
    nomor = org["buku"].nomor_set.get()
    assert (nomor.status, nomor.tanggal, nomor.alasan) == (
        "dicadangkan",
        dt.date(2026, 5, 1),
        "Surat darurat",
    )
    assert "Reserved number 000.1.2.3/1/DISKOMINFOTIK/2026" in response.content.decode()


@pytest.mark.usefixtures("_may_4")
def test_reserve_without_a_reason_changes_nothing(client, org):
    client.force_login(grant(staff(org["sekre"], "agendaris"), "reserve_nomor"))
    response = client.post(
        url("nomor_reserve", org["buku"]), {**RESERVE, "alasan": ""}, follow=True
    )
    assert response.status_code == 200
    assert not org["buku"].nomor_set.exists()
    assert "Reason" in response.content.decode()


@pytest.mark.usefixtures("_may_4")
def test_reserve_rule_errors_are_shown(client, org):
    client.force_login(grant(staff(org["sekre"], "agendaris"), "reserve_nomor"))
    response = client.post(
        url("nomor_reserve", org["buku"]), {**RESERVE, "tanggal": "2026-06-01"}, follow=True
    )
    assert "today or an earlier date" in response.content.decode()
    assert not org["buku"].nomor_set.exists()


def test_reserve_needs_the_permission_and_the_unit(client, org):
    client.force_login(staff(org["sekre"], "agendaris"))
    assert client.post(url("nomor_reserve", org["buku"]), RESERVE).status_code == 403
    client.force_login(grant(staff(org["other"], "guru"), "reserve_nomor"))
    assert client.post(url("nomor_reserve", org["buku"]), RESERVE).status_code == 404
    assert not org["buku"].nomor_set.exists()


def test_reserve_refuses_get(client, org):
    client.force_login(grant(staff(org["sekre"], "agendaris"), "reserve_nomor"))
    assert client.get(url("nomor_reserve", org["buku"])).status_code == 405


def test_cancel_from_the_register(client, org, numbers):
    client.force_login(grant(staff(org["sekre"], "agendaris"), "cancel_nomor"))
    nomor = numbers.nomor_set.get(teks="000.1/3/DISKOMINFOTIK/2026")  # reserved, unused
    response = client.post(
        reverse("penomoran:nomor_cancel", args=[nomor.pk]), {"alasan": "Salah alamat"}, follow=True
    )
    assert response.status_code == 200
    nomor.refresh_from_db()
    assert (nomor.status, nomor.alasan_batal) == ("batal", "Salah alamat")


def test_cancelling_a_used_number_is_refused(client, org, numbers):
    from core.models import AuditEvent

    client.force_login(grant(staff(org["sekre"], "agendaris"), "cancel_nomor"))
    nomor = numbers.nomor_set.get(teks="800.1/2/DISKOMINFOTIK/2026")  # a signed letter's
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("penomoran:nomor_cancel", args=[nomor.pk]), {"alasan": "Salah alamat"}, follow=True
    )
    assert "cannot be cancelled" in response.content.decode()
    nomor.refresh_from_db()
    assert (nomor.status, nomor.alasan_batal) == ("digunakan", "")
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded


def test_cancel_needs_a_reason_permission_and_unit(client, org, numbers):
    nomor = numbers.nomor_set.get(teks="000.1/3/DISKOMINFOTIK/2026")
    cancel_url = reverse("penomoran:nomor_cancel", args=[nomor.pk])
    client.force_login(staff(org["sekre"], "agendaris"))
    assert client.post(cancel_url, {"alasan": "x"}).status_code == 403
    client.force_login(grant(staff(org["other"], "guru"), "cancel_nomor"))
    assert client.post(cancel_url, {"alasan": "x"}).status_code == 404
    client.force_login(grant(staff(org["dinas"], "kadis"), "cancel_nomor"))
    client.post(cancel_url, {"alasan": ""})
    nomor.refresh_from_db()
    assert nomor.status == "dicadangkan"


def test_cancel_twice_shows_the_conflict(client, org, numbers):
    client.force_login(grant(staff(org["sekre"], "agendaris"), "cancel_nomor"))
    nomor = numbers.nomor_set.get(urut=1, tahun=2026)
    response = client.post(
        reverse("penomoran:nomor_cancel", args=[nomor.pk]), {"alasan": "lagi"}, follow=True
    )
    assert "already cancelled" in response.content.decode()
