import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError

from core.errors import ApplicationError, ConflictError
from core.models import AuditEvent
from penomoran.models import BukuNomor, BukuNomorTahun, Nomor
from penomoran.selectors import nomor_ledger_check
from penomoran.services import bukunomor_update, nomor_allocate
from tests.factories import UnitKerjaFactory

UTC = dt.UTC
# 10:00 WIB on 4 May 2026
MAY_4 = dt.datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


def allocate(buku, actor, object_id, **kwargs):
    kwargs.setdefault("kode_klasifikasi", "000.1.2.3")
    with transaction.atomic():
        return nomor_allocate(
            buku=buku, object_type="naskah.naskah", object_id=object_id, actor=actor, **kwargs
        )


@pytest.fixture(autouse=True)
def _may_2026():
    with time_machine.travel(MAY_4, tick=False):
        yield


def test_numbers_are_consecutive_from_one_with_the_default_format(buku, actor):
    first = allocate(buku, actor, 1)
    second = allocate(buku, actor, 2, kode_klasifikasi="800.1.11.1")
    assert (first.urut, second.urut) == (1, 2)
    assert first.teks == "000.1.2.3/1/DISKOMINFOTIK/2026"
    assert second.teks == "800.1.11.1/2/DISKOMINFOTIK/2026"
    assert first.status == Nomor.Status.DIGUNAKAN
    assert (first.object_type, first.object_id, first.tahun) == ("naskah.naskah", "1", 2026)
    assert first.tanggal == dt.date(2026, 5, 4)
    assert first.dibuat_oleh == actor
    assert BukuNomorTahun.objects.get(buku=buku, tahun=2026).terakhir == 2


def test_fifteenth_number_matches_the_domain_example(buku, actor):
    for i in range(1, 15):
        allocate(buku, actor, i)
    assert allocate(buku, actor, 15).teks == "000.1.2.3/15/DISKOMINFOTIK/2026"


def test_allocation_writes_an_audit_event(buku, actor):
    nomor = allocate(buku, actor, 9)
    event = AuditEvent.objects.get(action="penomoran.nomor.allocate")
    assert event.actor == actor
    assert event.object_id == str(nomor.pk)
    assert event.details["teks"] == nomor.teks
    assert event.details["object_id"] == "9"


def test_rollback_gives_the_number_back(buku, actor):
    allocate(buku, actor, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = nomor_allocate(
            buku=buku, kode_klasifikasi="000", object_type="x.y", object_id=2, actor=actor
        )
        assert lost.urut == 2
        raise RuntimeError("PDF render failed")
    assert not Nomor.objects.filter(urut=2).exists()
    assert not AuditEvent.objects.filter(object_id=str(lost.pk)).exists()
    assert allocate(buku, actor, 3).urut == 2
    check = nomor_ledger_check(buku=buku, tahun=2026)
    assert (check.count, check.gaps, check.duplicates, check.ok) == (2, 0, 0, True)


def test_books_count_separately_per_unit_and_family(buku, actor, unit):
    nota = BukuNomor.objects.create(unit=unit, jenis="nota_dinas", nama="Nota Dinas")
    other = BukuNomor.objects.create(
        unit=UnitKerjaFactory(kode="DISDIKBUD"), jenis="surat", nama="Surat Disdikbud"
    )
    assert allocate(buku, actor, 1).urut == 1
    assert allocate(nota, actor, 2).urut == 1
    assert allocate(other, actor, 3).teks == "000.1.2.3/1/DISDIKBUD/2026"
    assert allocate(buku, actor, 4).urut == 2


def test_unit_code_override_and_padding(unit, actor):
    buku = BukuNomor.objects.create(
        unit=unit,
        jenis="keputusan",
        nama="Keputusan",
        format="G/{nomor}/{unit}/HK/{tahun}",
        kode_unit="IV.01",
        lebar_nomor=3,
    )
    assert allocate(buku, actor, 1, kode_klasifikasi="").teks == "G/001/IV.01/HK/2026"


def test_security_prefix_book(unit, actor):
    buku = BukuNomor.objects.create(
        unit=unit, jenis="rahasia", nama="Rahasia", format="{sifat}-{nomor}/{kode}/{bulan_romawi}"
    )
    assert allocate(buku, actor, 1, sifat="SR").teks == "SR-1/000.1.2.3/V"
    with pytest.raises(ApplicationError, match="prints a security prefix"):
        allocate(buku, actor, 2)
    with pytest.raises(ApplicationError, match="is not a security prefix"):
        allocate(buku, actor, 2, sifat="X")
    assert Nomor.objects.count() == 1


def test_classification_code_required_and_checked(buku, actor):
    with pytest.raises(ApplicationError, match="numbers with a classification code"):
        allocate(buku, actor, 1, kode_klasifikasi="")
    with pytest.raises(ApplicationError, match="is not a classification code"):
        allocate(buku, actor, 1, kode_klasifikasi="000/1")
    assert not Nomor.objects.exists()
    assert BukuNomorTahun.objects.filter(terakhir__gt=0).count() == 0


def test_an_object_gets_one_number(buku, actor):
    allocate(buku, actor, 1)
    with pytest.raises(ConflictError, match="already has the number"):
        allocate(buku, actor, 1)
    assert Nomor.objects.count() == 1


def test_object_reference_required(buku, actor):
    with pytest.raises(ApplicationError, match="issued for an object"), transaction.atomic():
        nomor_allocate(buku=buku, kode_klasifikasi="000", object_type="", object_id="", actor=actor)


def test_closed_book_refuses(buku, actor):
    BukuNomor.objects.filter(pk=buku.pk).update(aktif=False)
    with pytest.raises(ApplicationError, match="is closed"):
        allocate(buku, actor, 1)


def test_back_dated_letter_needs_a_reservation(buku, actor):
    with pytest.raises(ApplicationError, match="needs a reserved number"):
        allocate(buku, actor, 1, tanggal=dt.date(2026, 5, 3))
    assert not Nomor.objects.exists()


def test_later_date_this_year_is_allowed_but_not_next_year(buku, actor):
    nomor = allocate(buku, actor, 1, tanggal=dt.date(2026, 11, 2))
    assert nomor.teks == "000.1.2.3/1/DISKOMINFOTIK/2026"
    with pytest.raises(ApplicationError, match="before that year starts"):
        allocate(buku, actor, 2, tanggal=dt.date(2027, 1, 2))


def test_format_change_applies_to_the_next_number_only(buku, actor):
    old = allocate(buku, actor, 1)
    bukunomor_update(buku=buku, actor=actor, format="{kode}/{nomor}/{unit}/{bulan_romawi}/{tahun}")
    new = allocate(buku, actor, 2)
    old.refresh_from_db()
    assert old.teks == "000.1.2.3/1/DISKOMINFOTIK/2026"
    assert new.teks == "000.1.2.3/2/DISKOMINFOTIK/V/2026"


def test_database_refuses_a_duplicate_running_number(buku, actor):
    nomor = allocate(buku, actor, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomor.objects.create(
            buku=buku,
            tahun=2026,
            urut=nomor.urut,
            teks="other text",
            tanggal=nomor.tanggal,
            status=Nomor.Status.DIGUNAKAN,
            object_type="x.y",
            object_id="2",
        )


def test_database_refuses_a_duplicate_text_in_a_book_year(buku, actor):
    nomor = allocate(buku, actor, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomor.objects.create(
            buku=buku,
            tahun=2026,
            urut=99,
            teks=nomor.teks,
            tanggal=nomor.tanggal,
            status=Nomor.Status.DIGUNAKAN,
            object_type="x.y",
            object_id="2",
        )


def test_same_text_in_another_book_is_allowed(buku, actor, unit):
    other = BukuNomor.objects.create(unit=unit, jenis="undangan", nama="Undangan")
    assert allocate(buku, actor, 1).teks == allocate(other, actor, 2).teks


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused(buku, actor):
    with pytest.raises(TransactionManagementError, match=r"inside the caller's transaction"):
        nomor_allocate(
            buku=buku, kode_klasifikasi="000", object_type="x.y", object_id=1, actor=actor
        )
    assert not Nomor.objects.exists()
    assert not BukuNomorTahun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rollback_in_a_real_transaction_gives_the_number_back(buku, actor):
    class Abort(Exception):
        pass

    allocate(buku, actor, 1)
    with pytest.raises(Abort), transaction.atomic():
        nomor_allocate(buku=buku, kode_klasifikasi="000", object_type="x", object_id=2, actor=actor)
        raise Abort
    assert BukuNomorTahun.objects.get(buku=buku).terakhir == 1
    assert allocate(buku, actor, 3).urut == 2


def test_issued_number_matches_its_stored_row_and_audit_event(unit, actor):
    """PostgreSQL issues a number in one statement, SQLite in three: on both, the returned
    number is the stored row, padding never cuts a longer number, literal braces stay,
    and the audit event carries the number."""
    buku = BukuNomor.objects.create(
        unit=unit, jenis="edaran", nama="Edaran", format="{{SE}}{nomor}/{unit}", lebar_nomor=2
    )
    first = allocate(buku, actor, 1, kode_klasifikasi="")
    BukuNomorTahun.objects.filter(buku=buku).update(terakhir=99)
    hundredth = allocate(buku, actor, 2, kode_klasifikasi="")
    assert (first.teks, hundredth.teks) == ("{SE}01/DISKOMINFOTIK", "{SE}100/DISKOMINFOTIK")
    for nomor in (first, hundredth):
        stored = Nomor.objects.get(pk=nomor.pk)
        assert (stored.urut, stored.teks, stored.object_id) == (
            nomor.urut,
            nomor.teks,
            nomor.object_id,
        )
        assert stored.dibuat_pada == nomor.dibuat_pada
        event = AuditEvent.objects.get(action="penomoran.nomor.allocate", object_id=str(nomor.pk))
        assert (event.object_type, event.object_repr) == ("penomoran.nomor", nomor.teks)
        assert event.details == {
            "buku": buku.pk,
            "tahun": 2026,
            "urut": nomor.urut,
            "teks": nomor.teks,
            "object_type": "naskah.naskah",
            "object_id": nomor.object_id,
        }
        assert event.actor == actor
    first.alasan_batal = "x"
    first.save(update_fields=["alasan_batal"])  # the returned instance is a saved row
    assert Nomor.objects.get(pk=first.pk).alasan_batal == "x"
