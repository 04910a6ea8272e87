"""Route proposal and submission through the naskah services, for each shape of the demo
organisation (Biro under Setda, Dinas, work team, signer as drafter, Plt, Plh, vacancy,
required coordination for decrees)."""

from __future__ import annotations

import pytest

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import UnitKerja
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, Naskah
from naskah.selectors.approval import naskah_paraf_complete, naskah_route_open, naskah_route_propose
from naskah.services.approval import naskah_submit
from tests.naskah.alur_helpers import KADIS_KOMINFO, chain, letter, paraf, submit, waiting
from workflows.models import Route, StepState
from workflows.proposal import ProposedStage

SEKDA = "Sekretaris Daerah Provinsi Lampung"
KEPUTUSAN_FIELDS = {
    "tentang": "Tim Transformasi Digital",
    "menimbang": blocks_from_markup("a. bahwa perlu dibentuk tim;"),
    "mengingat": blocks_from_markup("1. Undang-Undang Nomor 23 Tahun 2014;"),
    "diktum": [blocks_from_markup("Membentuk Tim Transformasi Digital.")],
}


def labels(proposal) -> list[list[str]]:
    return [[s.label for s in stage.steps] for stage in proposal.stages]


def test_biro_staff_letter_signed_a_n_by_sekda_takes_three_initials(demo):
    naskah = letter(demo, "penelaah", SEKDA, mandat="an")
    submit(demo, naskah)
    assert chain(naskah) == [
        ["Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian"],
        ["Kepala Biro Umum"],
        ["Asisten Administrasi Umum"],
        [SEKDA],
    ]
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIAJUKAN
    assert waiting(naskah)[0].assignee == demo["kabagtu"]


def test_the_number_of_initials_is_a_setting(demo, settings):
    settings.NASKAH_MAX_PARAF = 2
    proposal = naskah_route_propose(naskah=letter(demo, "penelaah", SEKDA, mandat="an"))
    # The initials nearest to the signer are kept.
    assert labels(proposal)[:-1] == [["Kepala Biro Umum"], ["Asisten Administrasi Umum"]]


def test_dinas_letter_goes_up_the_line_to_the_kepala_dinas(demo):
    naskah = letter(demo, "agendakominfo")
    submit(demo, naskah)
    assert chain(naskah) == [
        ["Sekretaris Dinas Komunikasi, Informatika dan Statistik"],
        [KADIS_KOMINFO],
    ]
    paraf(naskah)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN
    assert waiting(naskah)[0].assignee == demo["kadiskominfo"]
    assert naskah_paraf_complete(naskah)


def test_work_team_member_routes_ketua_then_pembina_then_kepala(demo):
    naskah = letter(demo, "prakompertama")
    submit(demo, naskah)
    stages = chain(naskah)
    assert stages[0][0].startswith("Team lead") or "Tim Kerja" in stages[0][0]
    assert stages[1:] == [["Kepala Bidang Aplikasi Informatika"], [KADIS_KOMINFO]]
    first = waiting(naskah)[0]
    assert first.assignee == demo["prakommuda"] and first.assignee_capacity == "ketua_tim"
    with pytest.raises(PermissionDeniedError):
        paraf(naskah, actor=demo["kabidaptika"])
    paraf(naskah)
    assert waiting(naskah)[0].assignee == demo["kabidaptika"]
    paraf(naskah)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN
    assert naskah_paraf_complete(naskah)


def test_staff_of_aptika_is_a_team_member_so_the_ketua_initials_first(demo):
    # stafaptika belongs to the demo work team: the engine routes team members through
    # their ketua tim before the Kepala Bidang (Pergub 22/2023).
    naskah = letter(demo, "stafaptika")
    submit(demo, naskah)
    assert chain(naskah)[1:] == [["Kepala Bidang Aplikasi Informatika"], [KADIS_KOMINFO]]
    assert waiting(naskah)[0].assignee == demo["prakommuda"]


def test_a_letter_drafted_by_its_signer_needs_no_paraf(demo):
    naskah = letter(demo, "kadiskominfo")
    submit(demo, naskah)
    assert chain(naskah) == [[KADIS_KOMINFO]]
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN
    assert naskah_paraf_complete(naskah)


def test_plt_kepala_dinas_gets_the_signature_step_and_the_record_says_so(demo):
    naskah = letter(demo, "stafsma", "Kepala Dinas Pendidikan dan Kebudayaan")
    submit(demo, naskah)
    assert chain(naskah) == [
        ["Kepala Bidang Pembinaan SMA"],
        ["Kepala Dinas Pendidikan dan Kebudayaan"],
    ]
    paraf(naskah)
    state = waiting(naskah)[0]
    assert state.assignee == demo["sekdisdik"] and state.assignee_capacity == "plt"


def test_plt_drafting_for_his_own_acting_position_needs_no_paraf(demo):
    naskah = letter(demo, "sekdisdik", "Kepala Dinas Pendidikan dan Kebudayaan")
    submit(demo, naskah)
    assert chain(naskah) == [["Kepala Dinas Pendidikan dan Kebudayaan"]]


def test_plh_kepala_bidang_initials_and_the_timeline_records_the_capacity(demo):
    from workflows.models import RouteEvent

    naskah = letter(demo, "statistisi")
    submit(demo, naskah)
    state = waiting(naskah)[0]
    assert state.assignee == demo["kabidaptika"] and state.assignee_capacity == "plh"
    with pytest.raises(PermissionDeniedError):  # the holder on leave does not act
        paraf(naskah, actor=demo["kabidsandi"])
    paraf(naskah)
    event = RouteEvent.objects.get(route=naskah_route_open(naskah), kind="approved")
    assert event.actor == demo["kabidaptika"] and event.actor_capacity == "plh"
    assert event.acting_for.nama == "Kepala Bidang Persandian dan Statistik"


def test_a_vacant_position_on_the_route_is_a_clear_error_and_nothing_changes(demo):
    naskah = letter(demo, "agendakominfo")
    pemotda = UnitKerja.objects.get(kode="BIRO-PEMOTDA")
    with pytest.raises(ApplicationError) as exc:
        submit(demo, naskah, koordinasi_units=[pemotda])
    assert "Kepala Biro Pemerintahan dan Otonomi Daerah" in exc.value.message
    assert "vacant" in exc.value.message
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.KONSEP
    assert not Route.objects.exists()


def test_optional_coordination_runs_in_parallel_and_can_be_removed(demo):
    naskah = letter(demo, "agendakominfo")
    units = [UnitKerja.objects.get(kode=k) for k in ("DISDIKBUD", "BIRO-UMUM")]
    proposal = naskah_route_propose(naskah=naskah, koordinasi_units=units)
    assert labels(proposal)[1] == [
        "Kepala Dinas Pendidikan dan Kebudayaan",
        "Kepala Biro Umum",
    ]
    assert not any(step.required for step in proposal.stages[1].steps)
    # The drafter drops one optional step from the proposal: allowed.
    edited = [
        proposal.stages[0],
        ProposedStage(kind="paraf_koordinasi", steps=proposal.stages[1].steps[1:]),
        proposal.stages[2],
    ]
    submit(demo, naskah, koordinasi_units=units, stages=edited)
    assert chain(naskah)[1] == ["Kepala Biro Umum"]


def _keputusan(demo):
    return letter(
        demo,
        "agendakominfo",
        jenis="keputusan_kepala_pd",
        hal="Pembentukan Tim",
        body=[],
        fields=KEPUTUSAN_FIELDS,
    )


def test_keputusan_requires_biro_hukum_coordination(demo):
    naskah = _keputusan(demo)
    proposal = naskah_route_propose(naskah=naskah)
    koordinasi = proposal.stages[1]
    assert [s.label for s in koordinasi.steps] == ["Kepala Biro Hukum"]
    assert koordinasi.steps[0].required
    # Removing the required step is refused with its name; nothing is created.
    edited = [proposal.stages[0], proposal.stages[2]]
    with pytest.raises(ApplicationError) as exc:
        submit(demo, naskah, stages=edited)
    assert "Kepala Biro Hukum" in exc.value.message and "cannot be removed" in exc.value.message
    assert not Route.objects.exists()
    submit(demo, naskah)
    paraf(naskah)  # sekdis
    state = waiting(naskah)[0]
    assert state.assignee == demo["karohukum"] and state.kind == "paraf_koordinasi"
    naskah.refresh_from_db()
    assert not naskah_paraf_complete(naskah)
    paraf(naskah)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN and naskah_paraf_complete(naskah)


def test_required_coordination_is_data_on_the_letter_type(demo):
    surat = JenisNaskah.objects.get(kode="surat_dinas")
    surat.koordinasi_wajib = ["BIRO-HUKUM"]
    surat.save()
    proposal = naskah_route_propose(naskah=letter(demo, "agendakominfo"))
    assert [s.label for s in proposal.stages[1].steps] == ["Kepala Biro Hukum"]
    surat.koordinasi_wajib = ["TIDAK-ADA"]
    surat.save()
    with pytest.raises(ApplicationError) as exc:
        submit(demo, letter(demo, "agendakominfo"))
    assert "TIDAK-ADA" in exc.value.message


def test_required_coordination_must_be_a_list_of_codes(demo):
    from django.core.exceptions import ValidationError

    jenis = JenisNaskah.objects.get(kode="surat_dinas")
    for bad in ("BIRO-HUKUM", [""], [3]):
        jenis.koordinasi_wajib = bad
        with pytest.raises(ValidationError) as exc:
            jenis.full_clean()
        assert "koordinasi_wajib" in exc.value.message_dict
    jenis.koordinasi_wajib = ["BIRO-HUKUM"]
    jenis.full_clean()


def test_only_the_drafter_submits_once_on_the_revision_they_saw(demo):
    naskah = letter(demo, "agendakominfo")
    with pytest.raises(PermissionDeniedError):
        naskah_submit(actor=demo["sekdiskominfo"], naskah=naskah, expected_revisi=1)
    with pytest.raises(ConflictError) as exc:
        naskah_submit(actor=demo["agendakominfo"], naskah=naskah, expected_revisi=0)
    assert exc.value.code == "stale_revision"
    assert not Route.objects.exists()
    submit(demo, naskah)
    with pytest.raises(ConflictError):
        submit(demo, naskah)
    assert Route.objects.count() == 1


def test_confidential_subject_never_reaches_the_engine(demo):
    from workflows.models import Notifikasi

    naskah = letter(demo, "agendakominfo", klasifikasi_keamanan="rahasia", hal="Kasus Pegawai X")
    submit(demo, naskah)
    route = naskah_route_open(naskah)
    assert route.title == "Naskah Rahasia" and route.confidential
    assert route.object_label == "Surat Dinas" and route.unit == naskah.unit
    texts = list(Notifikasi.objects.values_list("text", flat=True))
    assert texts and not any("Kasus Pegawai X" in t for t in texts)


def test_the_route_carries_the_inbox_display_values(demo):
    naskah = letter(demo, "agendakominfo", urgensi="segera")
    submit(demo, naskah)
    route = naskah_route_open(naskah)
    assert route.title == naskah.hal and route.urgency == "segera"
    assert route.link == f"/naskah/{naskah.pk}/alur/"
    assert StepState.objects.filter(route=route, status="active").count() == 1
