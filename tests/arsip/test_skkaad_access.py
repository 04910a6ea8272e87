"""SKKAAD in the archive's access rule: a reader whose position level is not among the
code's access levels neither finds nor opens its records. Runs on SQLite (FTS5) and, with
DATABASE_URL, on PostgreSQL (tsvector): the same expectations hold on both."""

import pytest
from django.http import Http404

from arsip.models import ArsipRecord
from arsip.permissions import arsip_visibility_q
from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.selectors import arsip_record_get_for_user
from core.models import KodeKlasifikasi
from core.services.skkaad import skkaad_import
from tests.arsip.conftest import make_record

HEADER = "kode,kelas_keamanan,tingkat_akses\n"


def opens(user, record: ArsipRecord) -> bool:
    """Whether the record's pages open for the user (the fetch-and-authorize they call)."""
    try:
        arsip_record_get_for_user(user=user, pk=record.pk)
    except Http404:
        return False
    return True


def kode(value: str) -> KodeKlasifikasi:
    return KodeKlasifikasi.objects.get(skema__aktif=True, kode=value)


def fresh(user):
    """A new user object: the visibility rule caches per request on the user object."""
    return type(user).objects.get(pk=user.pk)


def hals(user, q):
    result = arsip_search(user=fresh(user), params=ArsipSearchParams(q=q))
    return sorted(hit.record.hal for hit in result.hits), result.total


@pytest.fixture
def records(people):
    staff = make_record(
        hal="Laporan kepegawaian aptika",
        unit_kode="DISKOMINFOTIK-APTIKA",
        kode=kode("800.1.11.1"),
    )
    open_one = make_record(
        hal="Laporan rapat aptika", unit_kode="DISKOMINFOTIK-APTIKA", kode=kode("000.1.5")
    )
    return {"kepegawaian": staff, "rapat": open_one}


def test_without_skkaad_nothing_changes(records, people):
    assert hals(people["stafaptika"], "laporan") == (
        ["Laporan kepegawaian aptika", "Laporan rapat aptika"],
        2,
    )


def test_reader_whose_level_is_not_allowed_is_refused(records, people):
    # Series 800 (kepegawaian): heads of region, echelon II and the archivists only.
    skkaad_import(text=HEADER + "800,biasa,kepala_daerah;eselon_ii;arsiparis\n")
    staff = people["stafaptika"]  # pelaksana in Aptika
    assert hals(staff, "laporan") == (["Laporan rapat aptika"], 1)
    assert not opens(fresh(staff), records["kepegawaian"])
    assert opens(fresh(staff), records["rapat"])
    # The head of the Dinas (echelon II) keeps both; so does the archivist.
    head = people["kadiskominfo"]
    assert hals(head, "laporan")[1] == 2
    assert opens(fresh(head), records["kepegawaian"])
    assert hals(people["arsiparis"], "laporan")[1] == 2
    # Someone outside the unit gains nothing: SKKAAD only narrows.
    assert hals(people["stafsma"], "laporan") == ([], 0)


def test_archivist_level_is_data_too(records, people):
    skkaad_import(text=HEADER + "800,,kepala_daerah\n")
    assert hals(people["arsiparis"], "laporan") == (["Laporan rapat aptika"], 1)
    assert not ArsipRecord.objects.filter(
        arsip_visibility_q(fresh(people["kadiskominfo"])), pk=records["kepegawaian"].pk
    ).exists()


def test_named_reader_keeps_what_was_sent_to_them(people):
    skkaad_import(text=HEADER + "800,,kepala_daerah\n")
    record = make_record(
        hal="Surat kepegawaian untuk staf",
        unit_kode="DISKOMINFOTIK-APTIKA",
        kode=kode("800.1.11.1"),
        pembaca=[people["stafaptika"]],
    )
    assert opens(fresh(people["stafaptika"]), record)
    assert not opens(fresh(people["stafsma"]), record)
