"""Every action on a submitted letter through the naskah services, and every forbidden
one (wrong person, wrong state, stale revision): a clear error and nothing changed."""

from __future__ import annotations

import pytest

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent
from naskah.markup import blocks_from_markup
from naskah.models import Naskah, NaskahRevisi
from naskah.selectors.approval import naskah_paraf_complete, naskah_route_latest, naskah_route_open
from naskah.services import naskah_update
from naskah.services.approval import (
    naskah_comment,
    naskah_correct,
    naskah_paraf,
    naskah_reassign,
    naskah_reject,
    naskah_return,
    naskah_share,
    naskah_withdraw,
)
from tests.naskah.alur_helpers import KABID_APTIKA, letter, paraf, submit, waiting
from workflows.models import Route, RouteEvent, StepState


@pytest.fixture
def team_letter(demo):
    """prakompertama → ketua tim prakommuda → kabidaptika → kadiskominfo signs."""
    naskah = letter(demo, "prakompertama")
    submit(demo, naskah)
    naskah.refresh_from_db()
    return naskah


def snapshot(naskah: Naskah) -> tuple:
    route = naskah_route_latest(naskah)
    naskah.refresh_from_db()
    return (
        naskah.status,
        naskah.revisi_terakhir,
        route.status if route else None,
        route.version if route else None,
        StepState.objects.filter(route=route).count() if route else 0,
    )


def values_from(naskah: Naskah, **changes) -> dict:
    """Correction values as the correction form produces them (signer unchanged)."""
    revisi = naskah.revisi.get(nomor=naskah.revisi_terakhir)
    values = {
        "penandatangan": naskah.penandatangan,
        "mandat": revisi.header["mandat"],
        "hal": revisi.header["hal"],
        "urgensi": revisi.header["urgensi"],
        "klasifikasi_keamanan": revisi.header["klasifikasi_keamanan"],
        "kode_klasifikasi": naskah.kode_klasifikasi,
        "tempat": revisi.header["tempat"],
        "fields": revisi.fields,
        "body": revisi.body,
    }
    values.update(changes)
    return values


def test_paraf_chain_reaches_the_signature_step_with_audit(demo, team_letter):
    paraf(team_letter, note="Sudah sesuai.")
    paraf(team_letter)
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.SIAP_TANDATANGAN
    assert naskah_paraf_complete(team_letter)
    actions = list(
        AuditEvent.objects.filter(action__startswith="naskah.").values_list("action", flat=True)
    )
    assert actions.count("naskah.paraf") == 2 and "naskah.submit" in actions


def test_wrong_person_wrong_state_and_stale_revision_change_nothing(demo, team_letter):
    state = waiting(team_letter)[0]
    before = snapshot(team_letter)
    with pytest.raises(PermissionDeniedError):
        naskah_paraf(
            actor=demo["stafaptika"], naskah=team_letter, step_state=state, expected_revisi=1
        )
    with pytest.raises(ConflictError) as exc:
        naskah_paraf(
            actor=demo["prakommuda"], naskah=team_letter, step_state=state, expected_revisi=0
        )
    assert exc.value.code == "stale_revision"
    with pytest.raises(ConflictError):  # a stale route version (another tab acted)
        naskah_paraf(
            actor=demo["prakommuda"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=1,
            expected_version=0,
        )
    assert snapshot(team_letter) == before
    paraf(team_letter)
    with pytest.raises(ConflictError) as exc:  # the same step again
        naskah_paraf(
            actor=demo["prakommuda"], naskah=team_letter, step_state=state, expected_revisi=1
        )
    assert "already handled" in exc.value.message


def test_actions_on_a_draft_are_refused(demo):
    draft = letter(demo, "agendakominfo")
    with pytest.raises(ConflictError) as exc:
        naskah_paraf(actor=demo["sekdiskominfo"], naskah=draft, step_state=1, expected_revisi=1)
    assert exc.value.code == "not_in_approval"
    with pytest.raises(ConflictError):
        naskah_withdraw(actor=demo["agendakominfo"], naskah=draft)
    with pytest.raises(ApplicationError):
        naskah_comment(actor=demo["agendakominfo"], naskah=draft, note="x")


def test_return_to_drafter_needs_a_note_then_edit_and_resubmit_restarts(demo, team_letter):
    paraf(team_letter)  # ketua tim
    state = waiting(team_letter)[0]
    with pytest.raises(ApplicationError) as exc:
        naskah_return(
            actor=demo["kabidaptika"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=1,
            note="",
        )
    assert exc.value.code == "note_required"
    naskah_return(
        actor=demo["kabidaptika"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        note="Lengkapi data pendukung.",
    )
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.DIKEMBALIKAN
    assert naskah_route_open(team_letter).status == Route.Status.RETURNED
    # The drafter may edit a returned letter; reviewers may not act on it.
    with pytest.raises(ConflictError):
        naskah_paraf(
            actor=demo["kabidaptika"], naskah=team_letter, step_state=state, expected_revisi=1
        )
    revisi = naskah_update(
        actor=demo["prakompertama"],
        naskah=team_letter,
        expected_revisi=1,
        penandatangan=team_letter.penandatangan,
        hal=team_letter.hal,
        body=blocks_from_markup("Isi yang sudah dilengkapi dengan data pendukung."),
        kode_klasifikasi=team_letter.kode_klasifikasi,
    )
    assert revisi.nomor == 2
    submit(demo, team_letter)
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.DIAJUKAN
    # A new revision voids the ketua's paraf: the route starts again at the first step.
    assert waiting(team_letter)[0].assignee == demo["prakommuda"]
    assert waiting(team_letter)[0].revision == "2"
    assert not naskah_paraf_complete(team_letter)


def test_unchanged_resubmission_resumes_at_the_step_that_returned(demo, team_letter):
    paraf(team_letter)
    state = waiting(team_letter)[0]
    naskah_return(
        actor=demo["kabidaptika"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        note="Mohon dicek ulang.",
    )
    submit(demo, team_letter, note="Sudah dicek, tidak ada perubahan.")
    assert waiting(team_letter)[0].assignee == demo["kabidaptika"]


def test_return_to_an_earlier_step(demo, team_letter):
    paraf(team_letter)
    state = waiting(team_letter)[0]
    route = naskah_route_open(team_letter)
    first_step = route.steps.order_by("stage__index").first()
    naskah_return(
        actor=demo["kabidaptika"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        note="Ketua tim mohon cek lampiran.",
        to_step=first_step.pk,
    )
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.DIAJUKAN
    assert waiting(team_letter)[0].assignee == demo["prakommuda"]
    later = route.steps.order_by("-stage__index").first()
    with pytest.raises(ApplicationError):  # only an earlier step
        naskah_return(
            actor=demo["prakommuda"],
            naskah=team_letter,
            step_state=waiting(team_letter)[0],
            expected_revisi=1,
            note="x",
            to_step=later.pk,
        )


def test_reject_needs_a_note_and_ends_the_route(demo, team_letter):
    state = waiting(team_letter)[0]
    with pytest.raises(ApplicationError):
        naskah_reject(
            actor=demo["prakommuda"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=1,
            note=" ",
        )
    naskah_reject(
        actor=demo["prakommuda"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        note="Tidak sesuai tugas tim.",
    )
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.DITOLAK
    assert naskah_route_latest(team_letter).status == Route.Status.REJECTED
    with pytest.raises(ApplicationError):  # a rejected letter is not resubmitted
        submit(demo, team_letter)


def test_withdraw_by_the_drafter_only_back_to_draft(demo, team_letter):
    with pytest.raises(PermissionDeniedError):
        naskah_withdraw(actor=demo["prakommuda"], naskah=team_letter)
    naskah_withdraw(actor=demo["prakompertama"], naskah=team_letter, note="Salah tujuan.")
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.KONSEP
    assert not StepState.objects.filter(status="active").exists()
    # A draft again: it can be submitted anew (a new route).
    submit(demo, team_letter)
    assert Route.objects.count() == 2


def test_correction_makes_a_revision_and_later_steps_see_it(demo, team_letter):
    paraf(team_letter)  # ketua tim on revision 1
    state = waiting(team_letter)[0]
    revisi, outcome = naskah_correct(
        actor=demo["kabidaptika"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        values=values_from(team_letter, hal="Permohonan Data Layanan Aplikasi Daerah"),
        note="Hal diperjelas.",
    )
    assert revisi.nomor == 2 and revisi.dibuat_oleh == demo["kabidaptika"]
    team_letter.refresh_from_db()
    assert team_letter.revisi_terakhir == 2 and team_letter.hal.endswith("Daerah")
    assert team_letter.konseptor == demo["prakompertama"]
    route = naskah_route_open(team_letter)
    assert route.revision == "2" and route.title == team_letter.hal
    # The signer now waits on revision 2; the ketua's paraf carries over.
    nxt = waiting(team_letter)[0]
    assert nxt.assignee == demo["kadiskominfo"] and nxt.revision == "2"
    event = RouteEvent.objects.get(route=route, kind="corrected")
    assert event.from_revision == "1" and event.revision == "2"
    assert naskah_paraf_complete(team_letter)
    # The letter's recipients were kept.
    assert revisi.penerima == NaskahRevisi.objects.get(naskah=team_letter, nomor=1).penerima


def test_correction_without_approval_keeps_the_step(demo, team_letter):
    state = waiting(team_letter)[0]
    naskah_correct(
        actor=demo["prakommuda"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        values=values_from(team_letter, tempat="Bandar Lampung"),
        approve=False,
    )
    team_letter.refresh_from_db()
    assert team_letter.revisi_terakhir == 2
    again = waiting(team_letter)[0]
    assert again.assignee == demo["prakommuda"] and again.revision == "2"
    paraf(team_letter)
    assert waiting(team_letter)[0].assignee == demo["kabidaptika"]


def test_correction_rules(demo, team_letter):
    from core.models import Jabatan

    state = waiting(team_letter)[0]
    before = snapshot(team_letter)
    with pytest.raises(PermissionDeniedError):  # not their step
        naskah_correct(
            actor=demo["kabidaptika"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=1,
            values=values_from(team_letter, hal="Lain"),
        )
    with pytest.raises(ApplicationError) as exc:  # the signer is not changed here
        naskah_correct(
            actor=demo["prakommuda"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=1,
            values=values_from(
                team_letter, penandatangan=Jabatan.objects.get(nama=KABID_APTIKA), hal="Lain"
            ),
        )
    assert exc.value.code == "signer_changed"
    with pytest.raises(ApplicationError) as exc:  # nothing changed
        naskah_correct(
            actor=demo["prakommuda"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=1,
            values=values_from(team_letter),
        )
    assert exc.value.code == "unchanged"
    with pytest.raises(ConflictError):  # stale form
        naskah_correct(
            actor=demo["prakommuda"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=0,
            values=values_from(team_letter, hal="Lain"),
        )
    assert snapshot(team_letter) == before
    assert NaskahRevisi.objects.filter(naskah=team_letter).count() == 1


def test_drafter_edit_after_paraf_voids_later_paraf(demo, team_letter):
    """The drafter changes the letter after a paraf (returned, edited, resubmitted): the
    earlier paraf no longer covers the current revision and must be given again."""
    paraf(team_letter)
    paraf(team_letter)
    team_letter.refresh_from_db()
    assert naskah_paraf_complete(team_letter)
    state = waiting(team_letter)[0]
    naskah_return(
        actor=demo["kadiskominfo"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        note="Tambahkan tembusan.",
    )
    naskah_update(
        actor=demo["prakompertama"],
        naskah=team_letter,
        expected_revisi=1,
        penandatangan=team_letter.penandatangan,
        hal=team_letter.hal + " (perbaikan)",
        body=blocks_from_markup("Isi perbaikan."),
        kode_klasifikasi=team_letter.kode_klasifikasi,
    )
    submit(demo, team_letter)
    team_letter.refresh_from_db()
    route = naskah_route_open(team_letter)
    assert (
        not StepState.objects.filter(route=route, status="approved")
        .exclude(covers_revision="")
        .exists()
    )
    assert not naskah_paraf_complete(team_letter)
    paraf(team_letter)
    paraf(team_letter)
    team_letter.refresh_from_db()
    assert naskah_paraf_complete(team_letter)


def test_reviewer_correction_via_revision_changed_voids_nothing_before_it(demo):
    naskah = letter(demo, "penelaah", "Sekretaris Daerah Provinsi Lampung", mandat="an")
    submit(demo, naskah)
    paraf(naskah)  # kabag TU
    paraf(naskah)  # karo umum
    state = waiting(naskah)[0]  # asisten III
    naskah.refresh_from_db()
    naskah_correct(
        actor=demo["asisten3"],
        naskah=naskah,
        step_state=state,
        expected_revisi=1,
        values=values_from(naskah, hal="Hal yang diperbaiki asisten"),
        approve=False,
    )
    route = naskah_route_open(naskah)
    carried = StepState.objects.filter(route=route, status="approved", covers_revision="2")
    assert carried.count() == 2


def test_signer_changed_while_returned_starts_a_new_route(demo):
    from core.models import Jabatan

    # A Nota Dinas: a Sekretaris Dinas signs it in own right (not an external letter).
    naskah = letter(demo, "agendakominfo", jenis="nota_dinas")
    submit(demo, naskah)
    state = waiting(naskah)[0]
    naskah_return(
        actor=demo["sekdiskominfo"],
        naskah=naskah,
        step_state=state,
        expected_revisi=1,
        note="Cukup ditandatangani Sekretaris.",
    )
    naskah.refresh_from_db()
    naskah_update(
        actor=demo["agendakominfo"],
        naskah=naskah,
        expected_revisi=1,
        penandatangan=Jabatan.objects.get(
            nama="Sekretaris Dinas Komunikasi, Informatika dan Statistik"
        ),
        hal=naskah.hal,
        body=blocks_from_markup("Isi."),
        kode_klasifikasi=naskah.kode_klasifikasi,
    )
    submit(demo, naskah)
    assert Route.objects.filter(status="withdrawn").count() == 1
    naskah.refresh_from_db()
    # The Sekretaris is the drafter's direct superior and now the signer: no paraf.
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN


def test_reassign_only_by_an_administrator(demo, team_letter):
    state = waiting(team_letter)[0]
    with pytest.raises(PermissionDeniedError):
        naskah_reassign(
            actor=demo["kabidaptika"],
            naskah=team_letter,
            step_state=state,
            to=demo["statistisi"],
            note="Ketua cuti.",
        )
    # Only to someone the team's organisation names: not an outsider, not the admin.
    for outsider in (demo["statistisi"], demo["admin"]):
        with pytest.raises(PermissionDeniedError, match="cannot be handed"):
            naskah_reassign(
                actor=demo["admin"],
                naskah=team_letter,
                step_state=state,
                to=outsider,
                note="Ketua tim sakit.",
            )
    naskah_reassign(
        actor=demo["admin"],
        naskah=team_letter,
        step_state=state,
        to=demo["prakompertama"],
        note="Ketua tim sakit.",
    )
    with pytest.raises(PermissionDeniedError):
        paraf(team_letter, actor=demo["prakommuda"])
    paraf(team_letter, actor=demo["prakompertama"])
    assert waiting(team_letter)[0].assignee == demo["kabidaptika"]
    assert AuditEvent.objects.filter(action="naskah.reassign").exists()


def test_comment_by_someone_on_the_route_only(demo, team_letter):
    event = naskah_comment(actor=demo["prakommuda"], naskah=team_letter, note="Saya cek sore ini.")
    assert event.kind == "comment"
    with pytest.raises(PermissionDeniedError):
        naskah_comment(actor=demo["stafsma"], naskah=team_letter, note="Halo")


def test_share_only_submitted_letters_by_their_drafter(demo, team_letter):
    draft = letter(demo, "prakompertama")
    with pytest.raises(PermissionDeniedError):
        naskah_share(actor=demo["prakompertama"], naskah=draft, to=demo["stafsma"])
    with pytest.raises(PermissionDeniedError):
        naskah_share(actor=demo["prakommuda"], naskah=team_letter, to=demo["stafsma"])
    naskah_share(actor=demo["prakompertama"], naskah=team_letter, to=demo["stafsma"])
    assert demo["stafsma"].has_perm("naskah.view_naskah", team_letter)


def test_engine_pages_keep_the_letter_status_in_line(demo, team_letter):
    """The engine's own route page acts without the naskah services; the hook follows."""
    from workflows.services import route_reject, step_approve

    step_approve(step_state=waiting(team_letter)[0], actor=demo["prakommuda"], revision="1")
    step_approve(step_state=waiting(team_letter)[0], actor=demo["kabidaptika"], revision="1")
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.SIAP_TANDATANGAN
    route_reject(
        step_state=waiting(team_letter)[0], actor=demo["kadiskominfo"], revision="1", note="Tidak."
    )
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.DITOLAK


def test_paraf_complete_is_false_off_the_current_revision_or_signature(demo, team_letter):
    assert not naskah_paraf_complete(team_letter)  # waiting for the ketua
    paraf(team_letter)
    paraf(team_letter)
    team_letter.refresh_from_db()
    assert naskah_paraf_complete(team_letter)
    # Someone bumps the revision behind the route's back: not complete any more.
    Naskah.objects.filter(pk=team_letter.pk).update(revisi_terakhir=9)
    assert not naskah_paraf_complete(team_letter)


def test_the_signature_step_is_not_approved_by_a_paraf(demo, team_letter):
    paraf(team_letter)
    paraf(team_letter)
    team_letter.refresh_from_db()
    state = waiting(team_letter)[0]
    assert state.kind == "tandatangan"
    with pytest.raises(ApplicationError) as exc:
        naskah_paraf(
            actor=demo["kadiskominfo"], naskah=team_letter, step_state=state, expected_revisi=1
        )
    assert exc.value.code == "sign_required"
    with pytest.raises(ApplicationError) as exc:
        naskah_correct(
            actor=demo["kadiskominfo"],
            naskah=team_letter,
            step_state=state,
            expected_revisi=1,
            values=values_from(team_letter, hal="Lain"),
        )
    assert exc.value.code == "sign_required"
    team_letter.refresh_from_db()
    assert team_letter.status == Naskah.Status.SIAP_TANDATANGAN and naskah_paraf_complete(
        team_letter
    )
    # The signer may still correct without approving: earlier paraf carry over.
    naskah_correct(
        actor=demo["kadiskominfo"],
        naskah=team_letter,
        step_state=state,
        expected_revisi=1,
        values=values_from(team_letter, hal="Hal dari penanda tangan"),
        approve=False,
    )
    team_letter.refresh_from_db()
    assert team_letter.revisi_terakhir == 2 and naskah_paraf_complete(team_letter)
