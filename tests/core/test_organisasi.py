import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.models import Jabatan, Penugasan, UnitKerja
from core.selectors.organisasi import (
    jabatan_holder_on,
    jabatan_superior_chain,
    organisasi_tree,
    pegawai_assignments_on,
    pegawai_jabatan_acting_on,
    unit_ancestors,
    unit_descendants,
    unit_head,
    unit_head_holder_on,
)
from tests.factories import JabatanFactory, PegawaiFactory, PenugasanFactory, UnitKerjaFactory

pytestmark = pytest.mark.django_db


def test_unit_tree_queries(demo):
    pemprov = UnitKerja.objects.get(kode="PEMPROV")
    setda = UnitKerja.objects.get(kode="SETDA")
    biro_umum = UnitKerja.objects.get(kode="BIRO-UMUM")
    bagian = UnitKerja.objects.get(kode="BIRO-UMUM-TU")
    assert [u.kode for u in unit_ancestors(bagian)] == [
        "PEMPROV",
        "SETDA",
        "ASISTEN-III",
        "BIRO-UMUM",
    ]
    setda_subtree = {u.kode for u in unit_descendants(setda)}
    assert {"BIRO-UMUM", "BIRO-UMUM-TU", "BIRO-HUKUM", "ASISTEN-I"} <= setda_subtree
    assert "DISKOMINFOTIK" not in setda_subtree
    assert biro_umum.kedalaman == 3 and pemprov.kedalaman == 0
    assert unit_head(biro_umum).nama == "Kepala Biro Umum"


def test_moving_a_unit_moves_its_subtree(demo):
    biro_umum = UnitKerja.objects.get(kode="BIRO-UMUM")
    bagian = UnitKerja.objects.get(kode="BIRO-UMUM-TU")
    biro_umum.induk = UnitKerja.objects.get(kode="ASISTEN-I")
    biro_umum.save()
    bagian.refresh_from_db()
    assert [u.kode for u in unit_ancestors(bagian)] == [
        "PEMPROV",
        "SETDA",
        "ASISTEN-I",
        "BIRO-UMUM",
    ]
    assert bagian.kedalaman == 4


def test_unit_cannot_be_its_own_ancestor(demo):
    setda = UnitKerja.objects.get(kode="SETDA")
    setda.induk = UnitKerja.objects.get(kode="BIRO-UMUM")
    with pytest.raises(ValidationError):
        setda.full_clean()


def test_superior_chain_of_a_bagian_head(demo):
    kabag = Jabatan.objects.get(nama__startswith="Kepala Bagian Tata Usaha")
    chain = [j.nama for j in jabatan_superior_chain(kabag)]
    assert chain == [
        "Kepala Biro Umum",
        "Asisten Administrasi Umum",
        "Sekretaris Daerah Provinsi Lampung",
        "Gubernur Lampung",
    ]


def test_superior_chain_is_loop_safe():
    a = JabatanFactory()
    b = JabatanFactory(atasan=a)
    Jabatan.objects.filter(pk=a.pk).update(atasan=b)  # corrupt data must not hang
    a.refresh_from_db()
    assert [j.pk for j in jabatan_superior_chain(a)] == [b.pk]
    a.atasan = b
    with pytest.raises(ValidationError):
        a.clean()


class TestActingHolders:
    """Plt/Plh resolution on given dates, including the first and last day."""

    @pytest.fixture
    def position(self):
        jabatan = JabatanFactory(kepala_unit=True)
        holder = PenugasanFactory(jabatan=jabatan, mulai=dt.date(2024, 1, 1)).pegawai
        return jabatan, holder

    def test_definitive_holder(self, position):
        jabatan, holder = position
        pemangku = jabatan_holder_on(jabatan, dt.date(2026, 5, 4))
        assert pemangku.pegawai == holder and not pemangku.is_acting and pemangku.prefix == ""

    def test_plh_only_within_its_dates(self, position):
        jabatan, holder = position
        plh = PenugasanFactory(
            jabatan=jabatan,
            jenis=Penugasan.Jenis.PLH,
            mulai=dt.date(2026, 3, 10),
            selesai=dt.date(2026, 3, 20),
        ).pegawai
        assert jabatan_holder_on(jabatan, dt.date(2026, 3, 9)).pegawai == holder
        first = jabatan_holder_on(jabatan, dt.date(2026, 3, 10))
        assert first.pegawai == plh and first.prefix == "Plh. " and first.is_acting
        assert jabatan_holder_on(jabatan, dt.date(2026, 3, 20)).pegawai == plh
        assert jabatan_holder_on(jabatan, dt.date(2026, 3, 21)).pegawai == holder

    def test_plt_fills_a_vacancy(self):
        jabatan = JabatanFactory(kepala_unit=True)
        PenugasanFactory(jabatan=jabatan, mulai=dt.date(2024, 1, 1), selesai=dt.date(2026, 1, 31))
        plt = PenugasanFactory(
            jabatan=jabatan,
            jenis=Penugasan.Jenis.PLT,
            mulai=dt.date(2026, 2, 1),
            selesai=dt.date(2026, 4, 30),
        ).pegawai
        assert jabatan_holder_on(jabatan, dt.date(2026, 1, 31)).jenis == "definitif"
        assert jabatan_holder_on(jabatan, dt.date(2026, 2, 1)).pegawai == plt
        assert jabatan_holder_on(jabatan, dt.date(2026, 4, 30)).prefix == "Plt. "
        assert jabatan_holder_on(jabatan, dt.date(2026, 5, 1)) is None  # vacant again

    def test_plh_takes_precedence_over_plt(self):
        jabatan = JabatanFactory()
        PenugasanFactory(
            jabatan=jabatan, jenis="plt", mulai=dt.date(2026, 2, 1), selesai=dt.date(2026, 4, 30)
        )
        plh = PenugasanFactory(
            jabatan=jabatan, jenis="plh", mulai=dt.date(2026, 3, 1), selesai=dt.date(2026, 3, 5)
        ).pegawai
        assert jabatan_holder_on(jabatan, dt.date(2026, 3, 3)).pegawai == plh

    def test_inactive_person_does_not_hold(self, position):
        jabatan, holder = position
        holder.is_active = False
        holder.save()
        assert jabatan_holder_on(jabatan, dt.date(2026, 5, 4)) is None

    def test_acting_person_sees_both_positions(self, position):
        jabatan, _ = position
        other = JabatanFactory()
        person = PenugasanFactory(jabatan=other).pegawai
        PenugasanFactory(
            pegawai=person,
            jabatan=jabatan,
            jenis="plh",
            mulai=dt.date(2026, 3, 1),
            selesai=dt.date(2026, 3, 5),
        )
        acting = pegawai_jabatan_acting_on(person, dt.date(2026, 3, 2))
        assert {(p.jabatan.pk, p.jenis) for p in acting} == {
            (other.pk, "definitif"),
            (jabatan.pk, "plh"),
        }
        assert len(pegawai_assignments_on(person, dt.date(2026, 3, 6))) == 1


class TestAssignmentRules:
    def _penugasan(self, **kw):
        defaults = {"pegawai": PegawaiFactory(), "jabatan": JabatanFactory()}
        return Penugasan(**{**defaults, **kw})

    def test_plt_needs_an_end_date(self):
        with pytest.raises(ValidationError, match="end date"):
            self._penugasan(jenis="plt", mulai=dt.date(2026, 1, 1)).full_clean()

    def test_plt_at_most_three_months(self):
        self._penugasan(
            jenis="plt", mulai=dt.date(2026, 1, 1), selesai=dt.date(2026, 3, 31)
        ).full_clean()
        with pytest.raises(ValidationError, match="at most 3 months"):
            self._penugasan(
                jenis="plt", mulai=dt.date(2026, 1, 1), selesai=dt.date(2026, 4, 1)
            ).full_clean()

    def test_plt_extended_once_only(self):
        jabatan = JabatanFactory()
        first = PenugasanFactory(
            jabatan=jabatan, jenis="plt", mulai=dt.date(2026, 1, 1), selesai=dt.date(2026, 3, 31)
        )
        second = Penugasan(
            pegawai=first.pegawai,
            jabatan=jabatan,
            jenis="plt",
            mulai=dt.date(2026, 4, 1),
            selesai=dt.date(2026, 6, 30),
            perpanjangan_dari=first,
        )
        second.full_clean()
        second.save()
        third = Penugasan(
            pegawai=first.pegawai,
            jabatan=jabatan,
            jenis="plt",
            mulai=dt.date(2026, 7, 1),
            selesai=dt.date(2026, 9, 30),
            perpanjangan_dari=second,
        )
        with pytest.raises(ValidationError, match="extended at most 1"):
            third.full_clean()

    def test_plh_limited_in_days(self, settings):
        settings.NASKAH_PLH_MAX_DAYS = 10
        with pytest.raises(ValidationError, match="at most 10 days"):
            self._penugasan(
                jenis="plh", mulai=dt.date(2026, 1, 1), selesai=dt.date(2026, 1, 11)
            ).full_clean()

    def test_overlapping_definitive_holders_refused(self):
        jabatan = JabatanFactory()
        PenugasanFactory(jabatan=jabatan, mulai=dt.date(2024, 1, 1))
        with pytest.raises(ValidationError, match="overlaps"):
            self._penugasan(
                jabatan=jabatan, jenis="definitif", mulai=dt.date(2026, 1, 1)
            ).full_clean()

    def test_end_before_start_refused(self):
        with pytest.raises(ValidationError):
            self._penugasan(
                jenis="definitif", mulai=dt.date(2026, 2, 1), selesai=dt.date(2026, 1, 1)
            ).full_clean()


def test_demo_plt_and_plh_are_active_today(demo):
    dik = UnitKerja.objects.get(kode="DISDIKBUD")
    holder = unit_head_holder_on(dik)
    assert holder.jenis == "plt" and holder.pegawai.username == "sekdisdik"
    sandi = Jabatan.objects.get(nama="Kepala Bidang Persandian dan Statistik")
    holder = jabatan_holder_on(sandi)
    assert holder.jenis == "plh" and holder.pegawai.username == "kabidaptika"


def test_organisation_tree_constant_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        nodes = organisasi_tree()
    assert len(nodes) == UnitKerja.objects.count()
    dik = next(n for n in nodes if n.unit.kode == "DISDIKBUD")
    assert dik.pemangku.jenis == "plt"


def test_only_one_active_head_per_unit():
    unit = UnitKerjaFactory()
    JabatanFactory(unit=unit, kepala_unit=True)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        JabatanFactory(unit=unit, kepala_unit=True)
