import pytest

from core.errors import ApplicationError
from core.models import AuditEvent
from penomoran.models import BukuNomor
from penomoran.selectors import bukunomor_find
from penomoran.services import bukunomor_create, bukunomor_update


def test_create_book_with_default_format(unit, actor):
    buku = bukunomor_create(unit=unit, jenis="surat", nama="Surat Dinas", actor=actor)
    assert buku.format == "{kode}/{nomor}/{unit}/{tahun}"
    assert bukunomor_find(unit=unit, jenis="surat") == buku
    assert bukunomor_find(unit=unit, jenis="agenda_masuk") is None
    event = AuditEvent.objects.get(action="penomoran.buku.create")
    assert event.details["format"] == buku.format


def test_create_rejects_a_bad_format_and_changes_nothing(unit, actor):
    with pytest.raises(ApplicationError, match=r"Unknown part \{bulan\}"):
        bukunomor_create(
            unit=unit, jenis="surat", nama="Surat", actor=actor, format="{nomor}/{bulan}"
        )
    assert not BukuNomor.objects.exists()
    assert not AuditEvent.objects.exists()


def test_one_book_per_unit_and_family(unit, actor):
    bukunomor_create(unit=unit, jenis="surat", nama="Surat", actor=actor)
    with pytest.raises(ApplicationError):
        bukunomor_create(unit=unit, jenis="surat", nama="Surat lagi", actor=actor)
    assert BukuNomor.objects.count() == 1


def test_padding_is_limited(unit, actor):
    with pytest.raises(ApplicationError):
        bukunomor_create(unit=unit, jenis="surat", nama="Surat", actor=actor, lebar_nomor=11)


def test_update_format_is_validated_and_audited(buku, actor):
    with pytest.raises(ApplicationError, match="must contain the running number"):
        bukunomor_update(buku=buku, actor=actor, format="{kode}/{tahun}")
    buku.refresh_from_db()
    assert buku.format == "{kode}/{nomor}/{unit}/{tahun}"
    bukunomor_update(buku=buku, actor=actor, format="{kode}/{nomor}/{unit}/{bulan_romawi}/{tahun}")
    buku.refresh_from_db()
    assert buku.format.endswith("{bulan_romawi}/{tahun}")
    event = AuditEvent.objects.get(action="penomoran.buku.update")
    assert event.details["before"]["format"] == "{kode}/{nomor}/{unit}/{tahun}"


def test_update_refuses_scope_fields(buku, actor, unit):
    with pytest.raises(ApplicationError, match="cannot be changed: jenis"):
        bukunomor_update(buku=buku, actor=actor, jenis="nota")
