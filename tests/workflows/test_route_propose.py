"""Route proposals for each shape of the organisation, and the rules an edited one keeps."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import ApplicationError
from tests.factories import JabatanFactory, PegawaiFactory, PenugasanFactory
from tests.workflows.conftest import jab, unit
from workflows.proposal import (
    ProposedStage,
    ProposedStep,
    route_proposal_check,
    route_proposal_errors,
    route_propose,
)


def names(proposal):
    return [[s.label for s in stage.steps] for stage in proposal.stages]


def kinds(proposal):
    return [stage.kind for stage in proposal.stages]


def test_biro_under_setda_routes_up_through_the_asisten(demo):
    p = route_propose(
        drafter=demo["penelaah"], drafter_jabatan=jab("penelaah"), signer_jabatan=jab("sekda")
    )
    assert p.ok, p.errors
    assert names(p) == [
        ["Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian"],
        ["Kepala Biro Umum"],
        ["Asisten Administrasi Umum"],
        ["Sekretaris Daerah Provinsi Lampung"],
    ]
    assert kinds(p) == ["paraf_hierarki"] * 3 + ["tandatangan"]


def test_max_paraf_keeps_the_initials_nearest_the_signer(demo):
    p = route_propose(
        drafter=demo["penelaah"], drafter_jabatan=jab("penelaah"), signer_jabatan=jab("gub")
    )
    assert names(p)[:3] == [
        ["Kepala Biro Umum"],
        ["Asisten Administrasi Umum"],
        ["Sekretaris Daerah Provinsi Lampung"],
    ]
    p2 = route_propose(
        drafter=demo["penelaah"],
        drafter_jabatan=jab("penelaah"),
        signer_jabatan=jab("gub"),
        max_paraf=2,
    )
    assert names(p2)[:2] == [["Asisten Administrasi Umum"], ["Sekretaris Daerah Provinsi Lampung"]]


def test_dinas_step_goes_to_the_plh_when_the_holder_is_absent(demo):
    p = route_propose(
        drafter=demo["statistisi"],
        drafter_jabatan=jab("statistisi"),
        signer_jabatan=jab("kadis_kominfo"),
    )
    assert p.ok
    first = p.stages[0].steps[0]
    assert first.label == "Kepala Bidang Persandian dan Statistik"
    assert first.holder_label.startswith("Plh. ") and "Rudi Hermawan" in first.holder_label


def test_signature_goes_to_the_plt_of_a_vacant_head(demo):
    p = route_propose(
        drafter=demo["stafsma"], drafter_jabatan=jab("staf_sma"), signer_jabatan=jab("kadis_dik")
    )
    assert p.ok
    assert names(p) == [["Kepala Bidang Pembinaan SMA"], ["Kepala Dinas Pendidikan dan Kebudayaan"]]
    assert p.stages[-1].steps[0].holder_label.startswith("Plt. ")


def test_work_team_routes_ketua_then_pembina_then_signer(demo):
    p = route_propose(
        drafter=demo["stafaptika"],
        drafter_jabatan=jab("staf_aptika"),
        signer_jabatan=jab("kadis_kominfo"),
    )
    assert p.ok
    assert p.stages[0].steps[0].tim_kerja_id is not None
    assert "Andika Saputra" in p.stages[0].steps[0].holder_label
    assert names(p)[1:] == [
        ["Kepala Bidang Aplikasi Informatika"],
        ["Kepala Dinas Komunikasi, Informatika dan Statistik"],
    ]


def test_team_lead_drafting_skips_his_own_step(demo):
    p = route_propose(
        drafter=demo["prakommuda"],
        drafter_jabatan=jab("prakom_muda"),
        signer_jabatan=jab("kadis_kominfo"),
    )
    assert all(s.tim_kerja_id is None for st in p.stages for s in st.steps)
    assert names(p)[0] == ["Kepala Bidang Aplikasi Informatika"]


def test_team_member_from_another_unit_routes_through_own_hierarchy(demo):
    # Maya (Biro Umum) is in the Diskominfo team; her Biro Umum letter stays in Biro Umum.
    p = route_propose(
        drafter=demo["penelaah"], drafter_jabatan=jab("penelaah"), signer_jabatan=jab("karo_umum")
    )
    assert names(p) == [["Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian"], ["Kepala Biro Umum"]]


def test_signer_drafting_himself_needs_no_paraf(demo):
    p = route_propose(
        drafter=demo["kadiskominfo"],
        drafter_jabatan=jab("kadis_kominfo"),
        signer_jabatan=jab("kadis_kominfo"),
    )
    assert kinds(p) == ["tandatangan"]


def test_plt_drafting_as_the_signer_needs_no_paraf(demo):
    # The Plt Kepala Dinas drafts from his own (Sekretaris) position for the head's signature.
    p = route_propose(
        drafter=demo["sekdisdik"],
        drafter_jabatan=jab("sekdis_dik"),
        signer_jabatan=jab("kadis_dik"),
    )
    assert kinds(p) == ["tandatangan"]


def test_koordinasi_is_one_parallel_stage_with_required_and_optional_units(demo):
    p = route_propose(
        drafter=demo["statistisi"],
        drafter_jabatan=jab("statistisi"),
        signer_jabatan=jab("kadis_kominfo"),
        koordinasi_units=[unit("DISDIKBUD")],
        required_koordinasi_units=[unit("BIRO-HUKUM")],
    )
    assert kinds(p) == ["paraf_hierarki", "paraf_koordinasi", "tandatangan"]
    steps = p.stages[1].steps
    assert [(s.label, s.required) for s in steps] == [
        ("Kepala Biro Hukum", True),
        ("Kepala Dinas Pendidikan dan Kebudayaan", False),
    ]


def test_vacant_position_without_plt_is_reported_by_name(demo):
    kabid = jab("kabid_sma")
    vacant = JabatanFactory(nama="Kepala Seksi Kurikulum", unit=kabid.unit, atasan=kabid)
    staff = JabatanFactory(nama="Staf Seksi Kurikulum", unit=kabid.unit, atasan=vacant)
    person = PenugasanFactory(jabatan=staff).pegawai
    p = route_propose(drafter=person, drafter_jabatan=staff, signer_jabatan=jab("kadis_dik"))
    assert not p.ok
    assert any("Kepala Seksi Kurikulum" in e and "vacant" in e for e in p.errors)
    with pytest.raises(ApplicationError, match="Kepala Seksi Kurikulum"):
        route_proposal_check(proposal=p)


def test_plt_holds_a_vacancy_so_no_error(demo):
    kabid = jab("kabid_sma")
    vacant = JabatanFactory(nama="Kepala Seksi Sarana", unit=kabid.unit, atasan=kabid)
    staff = JabatanFactory(nama="Staf Seksi Sarana", unit=kabid.unit, atasan=vacant)
    person = PenugasanFactory(jabatan=staff).pegawai
    PenugasanFactory(
        pegawai=PegawaiFactory(), jabatan=vacant, jenis="plt", mulai=dt.date(2024, 1, 1)
    )
    p = route_propose(drafter=person, drafter_jabatan=staff, signer_jabatan=jab("kadis_dik"))
    assert p.ok
    assert p.stages[0].steps[0].holder_label.startswith("Plt. ")


def test_signer_outside_the_line_gives_a_warning_and_no_hierarchy(demo):
    p = route_propose(
        drafter=demo["stafsma"], drafter_jabatan=jab("staf_sma"), signer_jabatan=jab("karo_hukum")
    )
    assert p.ok and p.warnings
    assert kinds(p) == ["tandatangan"]


# --- validating an edited proposal ----------------------------------------------------------


@pytest.fixture
def koordinasi_proposal(demo):
    return route_propose(
        drafter=demo["statistisi"],
        drafter_jabatan=jab("statistisi"),
        signer_jabatan=jab("kadis_kominfo"),
        koordinasi_units=[unit("DISDIKBUD")],
        required_koordinasi_units=[unit("BIRO-HUKUM")],
    )


def test_removing_an_optional_step_is_allowed(koordinasi_proposal):
    p = koordinasi_proposal
    edited = [
        p.stages[0],
        ProposedStage(kind="paraf_koordinasi", steps=[p.stages[1].steps[0]]),
        p.stages[2],
    ]
    assert route_proposal_errors(proposal=p, stages=edited) == []


def test_removing_a_required_step_is_refused(koordinasi_proposal):
    p = koordinasi_proposal
    edited = [
        p.stages[0],
        ProposedStage(kind="paraf_koordinasi", steps=[p.stages[1].steps[1]]),
        p.stages[2],
    ]
    errors = route_proposal_errors(proposal=p, stages=edited)
    assert errors == ["The required step “Kepala Biro Hukum” cannot be removed."]
    without_hierarki = p.stages[1:]
    errors = route_proposal_errors(proposal=p, stages=without_hierarki)
    assert "The required step “Kepala Bidang Persandian dan Statistik” cannot be removed." in errors


def test_adding_an_optional_coordination_step_is_allowed(koordinasi_proposal):
    p = koordinasi_proposal
    extra = ProposedStep(kind="paraf_koordinasi", jabatan_id=jab("karo_umum").pk, required=False)
    edited = [
        p.stages[0],
        ProposedStage(kind="paraf_koordinasi", steps=[*p.stages[1].steps, extra]),
        p.stages[2],
    ]
    assert route_proposal_errors(proposal=p, stages=edited) == []


def test_signature_must_be_last_and_by_the_signer(koordinasi_proposal):
    p = koordinasi_proposal
    errors = route_proposal_errors(proposal=p, stages=[p.stages[2], p.stages[0], p.stages[1]])
    assert "The last stage must be the signature by the chosen signer." in errors
    assert "Only the last stage may be a signature." in errors


def test_quorum_must_fit_the_group(koordinasi_proposal):
    p = koordinasi_proposal
    bad = ProposedStage(kind="paraf_koordinasi", steps=p.stages[1].steps, quorum=3)
    errors = route_proposal_errors(proposal=p, stages=[p.stages[0], bad, p.stages[2]])
    assert errors == ["Stage 2: the quorum must be between 1 and 2."]


def test_too_many_or_out_of_order_hierarchy_initials_are_refused(demo):
    p = route_propose(
        drafter=demo["penelaah"], drafter_jabatan=jab("penelaah"), signer_jabatan=jab("gub")
    )
    dropped = ProposedStep(kind="paraf_hierarki", jabatan_id=jab("kabag_tu").pk)
    errors = route_proposal_errors(
        proposal=p, stages=[ProposedStage(kind="paraf_hierarki", steps=[dropped]), *p.stages]
    )
    assert "At most 3 hierarchy initials are allowed (4 given)." in errors
    swapped = [p.stages[1], p.stages[0], p.stages[2], p.stages[3]]
    assert route_proposal_errors(proposal=p, stages=swapped) == [
        "Hierarchy initials must go up the line in order."
    ]


def test_a_hierarchy_step_outside_the_line_is_refused(demo):
    p = route_propose(
        drafter=demo["stafsma"], drafter_jabatan=jab("staf_sma"), signer_jabatan=jab("kadis_dik")
    )
    stranger = ProposedStage(
        kind="paraf_hierarki",
        steps=[ProposedStep(kind="paraf_hierarki", jabatan_id=jab("karo_umum").pk)],
    )
    errors = route_proposal_errors(proposal=p, stages=[p.stages[0], stranger, p.stages[1]])
    assert errors == [
        "“Kepala Biro Umum” is not between the drafter and the signer in the hierarchy."
    ]


def test_duplicate_position_and_signer_initialling_are_refused(koordinasi_proposal):
    p = koordinasi_proposal
    signer = ProposedStep(kind="paraf_koordinasi", jabatan_id=p.signer_jabatan_id)
    dup = p.stages[1].steps[0]
    edited = [
        p.stages[0],
        ProposedStage(kind="paraf_koordinasi", steps=[*p.stages[1].steps, dup, signer]),
        p.stages[2],
    ]
    errors = route_proposal_errors(proposal=p, stages=edited)
    assert "The same position appears twice in the route." in errors
    assert "The signer does not initial their own letter." in errors


def test_empty_route_is_refused(koordinasi_proposal):
    assert route_proposal_errors(proposal=koordinasi_proposal, stages=[]) == [
        "A route needs at least the signature step."
    ]
