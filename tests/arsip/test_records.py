import datetime as dt

import pytest
from django.test import override_settings
from django_q.models import OrmQ

from arsip.models import ArsipIndeks, ArsipIndeksTeks, ArsipRecord, Berkas
from arsip.search.index import arsip_index_records
from arsip.services.records import arsip_record_set_flags, arsip_record_upsert, parse_nomor
from arsip.tasks import arsip_index_task
from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent, KodeKlasifikasi
from tests.arsip.conftest import make_record, unit


def _upsert(**overrides):
    values = {
        "source_type": "naskah.naskah",
        "source_id": 41,
        "nomor": "800.1.11.1/15/DISKOMINFOTIK/2024",
        "hal": "Permohonan cuti tahunan",
        "isi_teks": "Dengan hormat, kami mengajukan cuti.",
        "unit": unit("DISKOMINFOTIK"),
        "kode_klasifikasi": KodeKlasifikasi.objects.get(skema__aktif=True, kode="800.1.11.1"),
        "tanggal": dt.date(2024, 5, 6),
    }
    values.update(overrides)
    return arsip_record_upsert(**values)


def test_upsert_is_idempotent_and_files_into_berkas(demo):
    first = _upsert()
    events = AuditEvent.objects.filter(action__startswith="arsip.record").count()
    again = _upsert()
    assert again.pk == first.pk
    assert ArsipRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="arsip.record").count() == events
    assert first.berkas.nomor == "800.1.11.1/2024"
    assert first.berkas.status == Berkas.Status.TERBUKA
    assert (first.nomor_kode, first.nomor_urut, first.nomor_unit, first.nomor_tahun) == (
        "800.1.11.1",
        15,
        "DISKOMINFOTIK",
        2024,
    )


def test_upsert_update_is_audited_and_reindexed(demo):
    record = _upsert()
    _upsert(hal="Permohonan cuti besar")
    record.refresh_from_db()
    assert record.hal == "Permohonan cuti besar"
    event = AuditEvent.objects.filter(action="arsip.record.update").get()
    assert event.details["changed"] == ["hal"]
    if ArsipIndeksTeks.objects.exists():  # SQLite keeps the indexed text
        assert ArsipIndeksTeks.objects.get(record=record).hal == "permohonan cuti besar"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("source_type", "lain.lain", "Unknown source type"),
        ("hal", "  ", "needs a subject"),
        ("urgensi", "kilat", "Unknown urgency"),
        ("klasifikasi_keamanan", "x", "Unknown security class"),
    ],
)
def test_upsert_rejects_bad_input_and_changes_nothing(demo, field, value, message):
    with pytest.raises(ApplicationError, match=message):
        _upsert(**{field: value})
    assert ArsipRecord.objects.count() == 0


def test_parse_nomor_other_shapes_leave_parts_empty():
    assert parse_nomor("G/155/IV.01/HK/2022")["nomor_urut"] is None
    assert parse_nomor("000.1.2.3/7/BIRO-UMUM/2026")["nomor_unit"] == "BIRO-UMUM"


def test_index_update_runs_as_background_task(demo, settings, django_capture_on_commit_callbacks):
    settings.ARSIP_INDEX_SYNC = False
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": False}):
        with django_capture_on_commit_callbacks(execute=True):
            record = _upsert()
        assert OrmQ.objects.count() == 1
        assert not ArsipIndeks.objects.filter(record=record).exists()
        assert arsip_index_task([record.pk]) == 1
        assert arsip_index_task([record.pk]) == 0  # idempotent: unchanged text is skipped
    assert ArsipIndeks.objects.filter(record=record).exists()


def test_flags_need_archivist_and_reason(people):
    record = make_record(hal="Data kepegawaian")
    with pytest.raises(PermissionDeniedError):
        arsip_record_set_flags(actor=people["stafaptika"], record=record, vital=True)
    with pytest.raises(ApplicationError, match="reason"):
        arsip_record_set_flags(actor=people["arsiparis"], record=record, legal_hold=True)
    arsip_record_set_flags(
        actor=people["arsiparis"], record=record, legal_hold=True, alasan="Perkara 12/2026"
    )
    record.refresh_from_db()
    assert record.legal_hold and record.legal_hold_alasan == "Perkara 12/2026"
    assert AuditEvent.objects.filter(action="arsip.record.flags").count() == 1


def test_reindex_force_rebuilds(demo):
    record = make_record(hal="Rapat koordinasi")
    assert arsip_index_records(record_ids=[record.pk]) == 0
    assert arsip_index_records(record_ids=[record.pk], force=True) == 1
