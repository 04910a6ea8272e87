"""Named readers: everyone a letter is shared with finds its archive record, and nobody
else. Readers come from the letter's own app (naskah / naskah.masuk rules) at intake and
are kept current through core.hooks.READERS_CHANGED and the sync. Runs on SQLite and, with
DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from arsip.models import ArsipPembacaAntrian, ArsipRecord
from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.services import intake
from arsip.services.intake import arsip_readers_refresh, arsip_sync_sources
from core.models import AuditEvent, Jabatan, KodeKlasifikasi, Pegawai, TimKerja, UnitKerja
from naskah.models import Distribusi
from naskah.permissions import naskah_reader_ids, naskah_visible_to
from naskah.services.distribusi import naskah_dispatch
from tests.letters import make_letter
from tests.masuk.conftest import make_pdf
from tests.naskah.tte_helpers import jabatan, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def fresh(user: Pegawai) -> Pegawai:
    return Pegawai.objects.get(pk=user.pk)  # no cached groups, scopes or permissions


def search(user, q):
    result = arsip_search(user=fresh(user), params=ArsipSearchParams(q=q))
    assert result.total == len(result.hits)  # counts match what is listed
    return result


def finds(user, q, record) -> bool:
    # A letter delivered inside the government is also registered as incoming at the
    # recipient's unit: search shows the letter once, with every copy the user may read
    # among its holders (issue 15 item 5).
    found = set()
    for hit in search(user, q).hits:
        found.add(hit.record.pk)
        found.update(holder.record_id for holder in hit.holders)
    return record.pk in found


def opens(client, user, record) -> bool:
    client.force_login(user)
    status = client.get(reverse("arsip:record_detail", args=[record.pk])).status_code
    assert status in (200, 404)
    return status == 200


def record_of(obj, source_type) -> ArsipRecord:
    return ArsipRecord.objects.get(source_type=source_type, source_id=str(obj.pk))


def readers(record) -> set[str]:
    return set(record.pembaca.values_list("username", flat=True))


def signed_letter(demo, *, klasifikasi="biasa", hal, penerima=None):
    """A letter signed by the Kepala Dinas Kominfo (tests/letters.py)."""
    fields = {"penerima": penerima} if penerima is not None else {}
    return make_letter(
        demo, "signed", klasifikasi=klasifikasi, hal=hal, signed_by=demo["kadiskominfo"], **fields
    )


def internal_recipients():
    """To the Dinas Pendidikan (its Plt head, sekdisdik), a copy to the Sekda's position."""
    return [
        {"jenis": "tujuan", "unit_id": UnitKerja.objects.get(kode="DISDIKBUD").pk},
        {"jenis": "tembusan", "jabatan_id": jabatan("Sekretaris Daerah Provinsi Lampung").pk},
    ]


def may_open_letter(user, naskah) -> bool:
    """naskah's own rule for opening a letter: visible, or delivered to the user."""
    return (
        naskah_visible_to(fresh(user)).filter(pk=naskah.pk).exists()
        or Distribusi.objects.filter(naskah=naskah, pegawai=user).exists()
    )


# --- outgoing letters --------------------------------------------------------------------


def test_recipient_in_another_unit_finds_a_restricted_letter_and_opens_it(demo, client):
    naskah = signed_letter(
        demo,
        klasifikasi="terbatas",
        hal="Koordinasi Jaringan Sekolah",
        penerima=internal_recipients(),
    )
    naskah_dispatch(naskah=naskah)
    arsip_sync_sources()
    record = record_of(naskah, "naskah.naskah")
    assert record.klasifikasi_keamanan == "terbatas"
    # Drafter, the official who initialled, the signer, and both internal recipients.
    assert {"prakommuda", "kabidaptika", "kadiskominfo", "sekdisdik", "sekda"} <= readers(record)
    # Never wider than the letter: every reader may open it in the correspondence part.
    for person in record.pembaca.all():
        assert may_open_letter(person, naskah), person.username
    # The recipient at the Dinas Pendidikan (another unit) finds it and opens it.
    assert finds(demo["sekdisdik"], "jaringan sekolah", record)
    assert opens(client, demo["sekdisdik"], record)
    # Staff of the drafting unit who are not readers: Terbatas is not theirs.
    assert search(demo["stafaptika"], "jaringan sekolah").total == 0
    assert not opens(client, demo["stafaptika"], record)
    # Someone at the recipient's Dinas who did not receive it: nothing.
    assert search(demo["stafsma"], "jaringan sekolah").total == 0
    assert not opens(client, demo["stafsma"], record)


def test_letter_delivered_after_archiving_adds_its_recipients(demo, client):
    naskah = signed_letter(demo, hal="Pemutakhiran Data Guru", penerima=internal_recipients())
    arsip_sync_sources()  # archived before the dispatch task ran
    record = record_of(naskah, "naskah.naskah")
    assert "sekdisdik" not in readers(record)
    assert search(demo["sekdisdik"], "pemutakhiran").total == 0
    naskah_dispatch(naskah=naskah)  # the hook queues a refresh in the dispatch transaction
    assert ArsipPembacaAntrian.objects.filter(source_id=str(naskah.pk)).exists()
    assert arsip_sync_sources().pembaca == 1
    assert {"sekdisdik", "sekda"} <= readers(record)
    assert finds(demo["sekdisdik"], "pemutakhiran", record)
    assert opens(client, demo["sekdisdik"], record)
    assert not ArsipPembacaAntrian.objects.exists()
    # Nothing left to do: the next run changes nothing and writes no event.
    events = AuditEvent.objects.count()
    assert arsip_sync_sources().pembaca == 0
    assert AuditEvent.objects.count() == events


def test_sharing_and_unsharing_after_archiving(demo):
    from naskah.services.approval import naskah_share, naskah_unshare

    naskah = signed_letter(demo, klasifikasi="terbatas", hal="Kajian Pusat Data")
    arsip_sync_sources()
    record = record_of(naskah, "naskah.naskah")
    assert search(demo["stafsma"], "pusat data").total == 0
    naskah_share(actor=demo["prakommuda"], naskah=naskah, to=demo["stafsma"])
    arsip_sync_sources()
    assert finds(demo["stafsma"], "pusat data", record)
    # Withdrawn in the letter, withdrawn in the archive: never wider than the letter.
    naskah_unshare(actor=demo["prakommuda"], naskah=naskah, to=demo["stafsma"])
    arsip_sync_sources()
    assert "stafsma" not in readers(record)
    assert search(demo["stafsma"], "pusat data").total == 0


def test_rahasia_letter_still_only_for_named_parties(demo, client):
    naskah = signed_letter(
        demo, klasifikasi="rahasia", hal="Insiden Keamanan Siber", penerima=internal_recipients()
    )
    naskah_dispatch(naskah=naskah)
    arsip_sync_sources()
    record = record_of(naskah, "naskah.naskah")
    for user in ("prakommuda", "kadiskominfo", "sekdisdik", "sekda"):
        assert finds(demo[user], "insiden", record), user
    # Not named: the archivist, a unit administrator of the Dinas, staff of the unit.
    for user in ("arsiparis", "sekdiskominfo", "stafaptika", "stafsma"):
        assert search(demo[user], "insiden").total == 0, user
        assert not opens(client, demo[user], record), user


def test_naskah_readers_are_exactly_who_may_open_a_confidential_letter(demo):
    naskah = signed_letter(
        demo, klasifikasi="rahasia", hal="Audit Sistem Elektronik", penerima=internal_recipients()
    )
    naskah_dispatch(naskah=naskah)
    ids = naskah_reader_ids(naskah)
    # For a Rahasia letter no unit role applies, so the named parties are everyone.
    for person in Pegawai.objects.filter(is_active=True):
        assert (person.pk in ids) == may_open_letter(person, naskah), person.username


# --- incoming letters --------------------------------------------------------------------


def _register(demo, *, unit_kode, tujuan, actor, hal, klasifikasi="terbatas"):
    from naskah.masuk.demo import grant_register_permission
    from naskah.masuk.services import DataSurat, suratmasuk_register

    grant_register_permission()
    return suratmasuk_register(
        actor=fresh(demo[actor]),
        unit=UnitKerja.objects.get(kode=unit_kode),
        data=DataSurat(
            pengirim="Badan Siber dan Sandi Negara",
            hal=hal,
            tanggal_diterima=timezone.localdate(),
            urgensi="biasa",
            klasifikasi_keamanan=klasifikasi,
            kode_klasifikasi=KodeKlasifikasi.objects.get(kode="000.1.2.3", skema__aktif=True),
            jabatan_tujuan=Jabatan.objects.get(nama=tujuan),
            nomor_surat=f"B-{hal[:12]}/BSSN/2026",
            tanggal_surat=timezone.localdate() - dt.timedelta(days=2),
        ),
        files=[("surat.pdf", make_pdf())],
    )


def _instruksi():
    from naskah.masuk.models import InstruksiDisposisi

    return [InstruksiDisposisi.objects.filter(aktif=True).first()]


def test_disposisi_recipient_added_after_archiving_finds_the_record(demo, client):
    from naskah.masuk.services import Tujuan, disposisi_create, disposisi_forward

    surat = _register(
        demo,
        unit_kode="BIRO-UMUM",
        tujuan="Kepala Biro Umum",
        actor="agendaris",
        hal="Uji Kelayakan Jaringan",
    )
    act = disposisi_create(
        surat=surat,
        actor=demo["karoumum"],
        targets=[Tujuan(jabatan=Jabatan.objects.get(nama__startswith="Kepala Bagian Tata Usaha"))],
        instruksi=_instruksi(),
    )
    arsip_sync_sources()
    record = record_of(surat, "masuk.suratmasuk")
    assert {"agendaris", "karoumum", "kabagtu"} <= readers(record)
    assert "penelaah" not in readers(record)
    assert search(demo["penelaah"], "kelayakan").total == 0
    assert not opens(client, demo["penelaah"], record)
    # Re-disposed to a staff member after the record was archived.
    disposisi_forward(
        cabang=act.penerima.get(),
        actor=demo["kabagtu"],
        targets=[Tujuan(pegawai=demo["penelaah"])],
        instruksi=_instruksi(),
    )
    assert search(demo["penelaah"], "kelayakan").total == 0  # not before the sync
    assert arsip_sync_sources().pembaca == 1
    assert finds(demo["penelaah"], "kelayakan", record)
    assert opens(client, demo["penelaah"], record)
    # Same unit as the record, not in the tree: a Terbatas record stays closed.
    assert search(demo["stafaptika"], "kelayakan").total == 0


def test_disposisi_to_a_team_names_its_members(demo):
    from naskah.masuk.services import Tujuan, disposisi_create

    surat = _register(
        demo,
        unit_kode="DISKOMINFOTIK",
        tujuan="Kepala Dinas Komunikasi, Informatika dan Statistik",
        actor="agendakominfo",
        hal="Transformasi Layanan Digital",
    )
    arsip_sync_sources()
    record = record_of(surat, "masuk.suratmasuk")
    assert search(demo["penelaah"], "transformasi").total == 0
    disposisi_create(
        surat=surat,
        actor=demo["kadiskominfo"],
        targets=[Tujuan(tim=TimKerja.objects.get(nama__startswith="Tim Kerja Transformasi"))],
        instruksi=_instruksi(),
    )
    arsip_sync_sources()
    # Lead and members, including a member from another unit (penelaah, Biro Umum).
    assert {"prakommuda", "prakompertama", "stafaptika", "penelaah"} <= readers(record)
    assert finds(demo["penelaah"], "transformasi", record)


def test_incoming_readers_are_exactly_the_named_parties_of_a_rahasia_letter(demo):
    from naskah.masuk.models import SuratMasuk
    from naskah.masuk.permissions import suratmasuk_reader_ids, visible_q
    from naskah.masuk.services import Tujuan, disposisi_create

    surat = _register(
        demo,
        unit_kode="BIRO-UMUM",
        tujuan="Kepala Biro Umum",
        actor="agendaris",
        hal="Pengamanan Dokumen Negara",
        klasifikasi="rahasia",
    )
    disposisi_create(
        surat=surat,
        actor=demo["karoumum"],
        targets=[
            Tujuan(jabatan=Jabatan.objects.get(nama__startswith="Kepala Bagian Tata Usaha")),
            Tujuan(pegawai=demo["arsiparis"]),
        ],
        instruksi=_instruksi(),
    )
    ids = suratmasuk_reader_ids(surat)
    for person in Pegawai.objects.filter(is_active=True):
        sees = SuratMasuk.objects.filter(visible_q(fresh(person)), pk=surat.pk).exists()
        assert (person.pk in ids) == sees, person.username
    arsip_sync_sources()
    record = record_of(surat, "masuk.suratmasuk")
    assert readers(record) == {"agendaris", "karoumum", "kabagtu", "arsiparis"}
    assert finds(demo["arsiparis"], "pengamanan", record)  # named, not by the archive role
    for user in ("sekda", "asisten3", "penelaah"):  # heads above, staff beside: not named
        assert search(demo[user], "pengamanan").total == 0, user


# --- the refresh queue -------------------------------------------------------------------


def test_refresh_that_fails_is_done_again(demo, monkeypatch):
    naskah = signed_letter(demo, hal="Penyediaan Jaringan Kantor", penerima=internal_recipients())
    arsip_sync_sources()
    naskah_dispatch(naskah=naskah)

    def crash(**kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(intake, "arsip_record_readers_set", crash)
    with pytest.raises(RuntimeError):
        arsip_readers_refresh()
    assert ArsipPembacaAntrian.objects.filter(source_id=str(naskah.pk)).exists()
    monkeypatch.undo()
    assert arsip_readers_refresh() == 1
    assert "sekdisdik" in readers(record_of(naskah, "naskah.naskah"))
    assert not ArsipPembacaAntrian.objects.exists()


def test_requests_for_letters_never_archived_do_not_pile_up(demo):
    from naskah.services.approval import naskah_share

    naskah = ready_letter(demo, hal="Belum ditandatangani")  # shared, never signed
    naskah_share(actor=demo["prakommuda"], naskah=naskah, to=demo["stafsma"])
    assert arsip_readers_refresh() == 0
    assert ArsipPembacaAntrian.objects.count() == 1  # kept while an intake may be running
    ArsipPembacaAntrian.objects.update(dibuat_pada=timezone.now() - dt.timedelta(days=2))
    arsip_readers_refresh()
    assert not ArsipPembacaAntrian.objects.exists()


def test_backfill_migration_queues_letter_records_only(demo):
    import importlib

    from django.apps import apps

    from tests.arsip.conftest import make_record

    naskah = signed_letter(demo, hal="Arsip Lama")
    arsip_sync_sources()
    make_record(hal="Dokumen pindaian")  # arsip.dokumen: no source letter, left alone
    ArsipPembacaAntrian.objects.all().delete()
    module = importlib.import_module("arsip.migrations.0004_pembaca_backfill")
    module.enqueue(apps, None)
    assert list(ArsipPembacaAntrian.objects.values_list("source_type", "source_id")) == [
        ("naskah.naskah", str(naskah.pk))
    ]
