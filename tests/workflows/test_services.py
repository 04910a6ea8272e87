"""Every action of the engine and every forbidden one (wrong person, wrong state, stale
revision): each failure leaves the route exactly as it was."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent
from tests.workflows.conftest import active, jab, start, unit
from workflows import hooks
from workflows.models import Notifikasi, Route, RouteEvent, StepState
from workflows.proposal import route_propose
from workflows.selectors import route_paraf_complete
from workflows.services import (
    route_comment,
    route_reject,
    route_resubmit,
    route_revision_changed,
    route_withdraw,
    step_approve,
    step_approve_with_correction,
    step_reassign,
    step_return,
)


def snapshot(route):
    route.refresh_from_db()
    states = list(
        StepState.objects.filter(route=route)
        .order_by("pk")
        .values_list("pk", "status", "acted_by_id", "covers_revision", "assignee_id")
    )
    return (route.status, route.revision, route.version, route.current_stage, states)


@pytest.fixture
def biro_route(demo):
    """penelaah → kabag TU → karo umum → asisten III → sekda signs."""
    return start(demo["penelaah"], "penelaah", "sekda").route


def approve_current(route, person, **kw):
    state = active(route)[0]
    return step_approve(step_state=state, actor=person, revision=route.revision, **kw)


def test_full_route_reaches_signature_then_completes(demo, biro_route, hook_log):
    route = biro_route
    assert route.status == "in_progress" and route.current_stage == 0
    assert [s.assignee.username for s in active(route)] == ["kabagtu"]
    for username in ("kabagtu", "karoumum", "asisten3"):
        outcome = approve_current(route, demo[username])
        route.refresh_from_db()
    assert outcome.event == hooks.SIGNATURE_REACHED
    assert hook_log == ["signature_reached"]
    assert route_paraf_complete(route, "r1")
    assert [s.assignee.username for s in active(route)] == ["sekda"]
    outcome = approve_current(route, demo["sekda"])
    route.refresh_from_db()
    assert outcome.event == hooks.COMPLETED and route.status == "completed"
    assert hook_log == ["signature_reached", "completed"]
    approved = StepState.objects.filter(route=route, status="approved").order_by("stage_index")
    assert [s.approved_revision for s in approved] == ["r1"] * 4
    assert AuditEvent.objects.filter(action="workflows.step.approve").count() == 4
    assert Notifikasi.objects.filter(recipient=demo["penelaah"], kind="completed").exists()


def test_step_state_records_who_when_capacity_and_revision(demo, biro_route):
    approve_current(biro_route, demo["kabagtu"], note="Sudah sesuai.")
    state = StepState.objects.get(route=biro_route, status="approved")
    assert state.acted_by == demo["kabagtu"]
    assert state.acted_capacity == "definitif"
    assert state.acted_at is not None
    assert state.note == "Sudah sesuai."
    assert state.approved_revision == "r1"


def test_self_signed_route_goes_straight_to_signature(demo, hook_log):
    outcome = start(demo["kadiskominfo"], "kadis_kominfo", "kadis_kominfo")
    assert outcome.event == hooks.SIGNATURE_REACHED
    assert hook_log == ["signature_reached"]


def test_wrong_person_is_refused_and_nothing_changes(demo, biro_route):
    before = snapshot(biro_route)
    with pytest.raises(PermissionDeniedError, match="not yours"):
        approve_current(biro_route, demo["karoumum"])
    with pytest.raises(PermissionDeniedError):
        step_return(
            step_state=active(biro_route)[0], actor=demo["penelaah"], revision="r1", note="x"
        )
    assert snapshot(biro_route) == before


def test_acting_on_a_handled_step_is_a_conflict(demo, biro_route):
    state = active(biro_route)[0]
    step_approve(step_state=state, actor=demo["kabagtu"], revision="r1")
    before = snapshot(biro_route)
    with pytest.raises(ConflictError, match="already handled"):
        step_approve(step_state=state, actor=demo["kabagtu"], revision="r1")
    assert snapshot(biro_route) == before


def test_stale_revision_and_stale_version_are_conflicts(demo, biro_route):
    state = active(biro_route)[0]
    before = snapshot(biro_route)
    with pytest.raises(ConflictError, match="changed since you opened it"):
        step_approve(step_state=state, actor=demo["kabagtu"], revision="r0")
    with pytest.raises(ConflictError, match="Reload"):
        step_approve(step_state=state, actor=demo["kabagtu"], revision="r1", expected_version=99)
    assert snapshot(biro_route) == before


def test_acting_on_a_finished_route_is_a_conflict(demo, biro_route):
    state = active(biro_route)[0]
    route_withdraw(route=biro_route, actor=demo["penelaah"])
    with pytest.raises(ConflictError, match="no longer in progress"):
        step_approve(step_state=state, actor=demo["kabagtu"], revision="r1")


def test_plh_acts_for_absent_holder_and_is_recorded(demo):
    route = start(demo["statistisi"], "statistisi", "kadis_kominfo").route
    state = active(route)[0]
    assert state.assignee == demo["kabidaptika"] and state.assignee_capacity == "plh"
    with pytest.raises(PermissionDeniedError):
        step_approve(step_state=state, actor=demo["kabidsandi"], revision="r1")
    step_approve(step_state=state, actor=demo["kabidaptika"], revision="r1")
    state.refresh_from_db()
    assert state.acted_capacity == "plh" and state.jabatan == jab("kabid_sandi")
    event = RouteEvent.objects.get(route=route, kind="approved")
    assert event.actor_capacity == "plh" and event.acting_for == jab("kabid_sandi")


def test_plt_receives_the_signature_of_a_vacant_head(demo):
    route = start(demo["stafsma"], "staf_sma", "kadis_dik").route
    approve_current(route, demo["kabidsma"])
    state = active(route)[0]
    assert state.kind == "tandatangan"
    assert state.assignee == demo["sekdisdik"] and state.assignee_capacity == "plt"


def test_work_team_lead_acts_on_team_step(demo):
    route = start(demo["stafaptika"], "staf_aptika", "kadis_kominfo").route
    state = active(route)[0]
    assert state.tim_kerja is not None and state.assignee == demo["prakommuda"]
    with pytest.raises(PermissionDeniedError):
        step_approve(step_state=state, actor=demo["prakompertama"], revision="r1")
    approve_current(route, demo["prakommuda"])
    assert StepState.objects.get(pk=state.pk).acted_capacity == "ketua_tim"
    assert active(route)[0].assignee == demo["kabidaptika"]


# --- corrections and re-approval --------------------------------------------------------------


def test_correction_binds_later_steps_and_keeps_earlier_approvals(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    route.refresh_from_db()
    state = active(route)[0]
    step_approve_with_correction(
        step_state=state,
        actor=demo["karoumum"],
        revision="r1",
        new_revision="r2",
        note="Perbaiki hal.",
    )
    route.refresh_from_db()
    assert route.revision == "r2" and route.current_stage == 2
    first, second = StepState.objects.filter(route=route, status="approved").order_by("stage_index")
    assert (first.approved_revision, first.covers_revision) == ("r1", "r2")
    assert (second.approved_revision, second.covers_revision) == ("r2", "r2")
    assert active(route)[0].revision == "r2"
    event = RouteEvent.objects.get(route=route, kind="corrected")
    assert (event.from_revision, event.revision) == ("r1", "r2")
    with pytest.raises(ConflictError, match="revision r1"):
        step_approve(step_state=active(route)[0], actor=demo["asisten3"], revision="r1")
    step_approve(step_state=active(route)[0], actor=demo["asisten3"], revision="r2")


def test_correction_needs_a_new_revision(demo, biro_route):
    before = snapshot(biro_route)
    with pytest.raises(ApplicationError, match="new revision"):
        step_approve_with_correction(
            step_state=active(biro_route)[0],
            actor=demo["kabagtu"],
            revision="r1",
            new_revision="r1",
        )
    assert snapshot(biro_route) == before


def test_drafter_edit_after_paraf_restarts_from_the_first_step(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    approve_current(route, demo["karoumum"])
    route_revision_changed(
        route=route, actor=demo["penelaah"], revision="r2", previous_revision="r1"
    )
    route.refresh_from_db()
    assert route.current_stage == 0 and route.revision == "r2"
    assert [s.assignee.username for s in active(route)] == ["kabagtu"]
    assert (
        not StepState.objects.filter(route=route, status="approved")
        .exclude(covers_revision="")
        .exists()
    )
    assert StepState.objects.filter(route=route, status="cancelled").count() == 1
    assert not route_paraf_complete(route, "r2")


def test_reviewer_edit_in_place_keeps_earlier_approvals_and_the_step(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    waiting = active(route)[0]
    route_revision_changed(
        route=route, actor=demo["karoumum"], revision="r2", previous_revision="r1"
    )
    route.refresh_from_db()
    assert route.current_stage == 1
    assert active(route) == [waiting]
    assert StepState.objects.get(route=route, status="approved").covers_revision == "r2"
    event = RouteEvent.objects.get(route=route, kind="revision_changed")
    assert event.data["by_reviewer"] is True


def test_revision_change_from_a_stale_form_is_a_conflict(demo, biro_route):
    before = snapshot(biro_route)
    with pytest.raises(ConflictError, match="not r0"):
        route_revision_changed(
            route=biro_route, actor=demo["penelaah"], revision="r2", previous_revision="r0"
        )
    with pytest.raises(ApplicationError, match="must differ"):
        route_revision_changed(
            route=biro_route, actor=demo["penelaah"], revision="r1", previous_revision="r1"
        )
    assert snapshot(biro_route) == before


def test_an_old_revision_id_never_revives_voided_approvals(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    route_revision_changed(
        route=route, actor=demo["penelaah"], revision="r2", previous_revision="r1"
    )
    route_revision_changed(
        route=route, actor=demo["penelaah"], revision="r1", previous_revision="r2"
    )
    route.refresh_from_db()
    assert route.current_stage == 0


# --- returns, rejection, withdrawal ------------------------------------------------------------


def test_return_to_drafter_then_resubmit_new_revision_restarts(demo, biro_route, hook_log):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    outcome = step_return(
        step_state=active(route)[0],
        actor=demo["karoumum"],
        revision="r1",
        note="Lengkapi lampiran.",
    )
    route.refresh_from_db()
    assert outcome.event == hooks.RETURNED and hook_log == ["returned"]
    assert route.status == "returned" and active(route) == []
    assert Notifikasi.objects.filter(recipient=demo["penelaah"], kind="returned").exists()
    route_resubmit(route=route, actor=demo["penelaah"], revision="r2")
    route.refresh_from_db()
    assert route.status == "in_progress" and route.current_stage == 0


def test_resubmit_unchanged_resumes_at_the_step_that_returned(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    step_return(step_state=active(route)[0], actor=demo["karoumum"], revision="r1", note="Cek.")
    route_resubmit(route=route, actor=demo["penelaah"], revision="r1", note="Sudah dicek.")
    route.refresh_from_db()
    assert route.current_stage == 1 and active(route)[0].assignee == demo["karoumum"]


def test_resubmit_rules(demo, biro_route):
    with pytest.raises(ConflictError, match="returned route"):
        route_resubmit(route=biro_route, actor=demo["penelaah"], revision="r2")
    step_return(step_state=active(biro_route)[0], actor=demo["kabagtu"], revision="r1", note="x")
    with pytest.raises(PermissionDeniedError):
        route_resubmit(route=biro_route, actor=demo["kabagtu"], revision="r2")


def test_return_to_an_earlier_step_voids_that_and_later_approvals(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    approve_current(route, demo["karoumum"])
    first_step = StepState.objects.get(route=route, stage_index=0).step
    step_return(
        step_state=active(route)[0],
        actor=demo["asisten3"],
        revision="r1",
        note="Mohon dicek ulang.",
        to_step=first_step,
    )
    route.refresh_from_db()
    assert route.status == "in_progress" and route.current_stage == 0
    assert active(route)[0].assignee == demo["kabagtu"]
    assert (
        not StepState.objects.filter(route=route, status="approved")
        .exclude(covers_revision="")
        .exists()
    )
    approve_current(route, demo["kabagtu"])
    route.refresh_from_db()
    assert route.current_stage == 1


def test_return_needs_a_note_and_an_earlier_target(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    before = snapshot(route)
    with pytest.raises(ApplicationError, match="note"):
        step_return(step_state=active(route)[0], actor=demo["karoumum"], revision="r1", note="  ")
    later = StepState.objects.get(route=route, status="active").step
    with pytest.raises(ApplicationError, match="earlier step"):
        step_return(
            step_state=active(route)[0],
            actor=demo["karoumum"],
            revision="r1",
            note="x",
            to_step=later,
        )
    assert snapshot(route) == before


def test_reject_ends_the_route(demo, biro_route, hook_log):
    with pytest.raises(ApplicationError, match="note"):
        route_reject(
            step_state=active(biro_route)[0], actor=demo["kabagtu"], revision="r1", note=""
        )
    route_reject(
        step_state=active(biro_route)[0], actor=demo["kabagtu"], revision="r1", note="Tidak perlu."
    )
    biro_route.refresh_from_db()
    assert biro_route.status == "rejected" and biro_route.finished_at is not None
    assert hook_log == ["rejected"]


def test_withdraw_only_by_drafter_and_only_once(demo, biro_route, hook_log):
    with pytest.raises(PermissionDeniedError):
        route_withdraw(route=biro_route, actor=demo["kabagtu"])
    route_withdraw(route=biro_route, actor=demo["penelaah"], note="Batal.")
    biro_route.refresh_from_db()
    assert biro_route.status == "withdrawn" and active(biro_route) == []
    assert hook_log == ["withdrawn"]
    with pytest.raises(ConflictError, match="already finished"):
        route_withdraw(route=biro_route, actor=demo["penelaah"])


def test_a_second_open_route_for_the_same_object_is_refused(demo, biro_route):
    obj = biro_route.content_type.get_object_for_this_type(pk=biro_route.object_id)
    with pytest.raises(ConflictError, match="already has"):
        start(demo["penelaah"], "penelaah", "sekda", obj=obj)


def test_start_checks_the_drafter_position_and_the_proposal(demo):
    with pytest.raises(PermissionDeniedError, match="do not hold"):
        start(demo["penelaah"], "kabag_tu", "sekda")
    p = route_propose(
        drafter=demo["penelaah"], drafter_jabatan=jab("penelaah"), signer_jabatan=jab("sekda")
    )
    with pytest.raises(ApplicationError, match="cannot be removed"):
        start(demo["penelaah"], "penelaah", "sekda", stages=p.stages[1:])
    with pytest.raises(ApplicationError, match="urgency"):
        start(demo["penelaah"], "penelaah", "sekda", urgency="kilat")
    assert not Route.objects.exists()


# --- parallel coordination ----------------------------------------------------------------------


def koordinasi_route(demo, quorum=None):
    p = route_propose(
        drafter=demo["statistisi"],
        drafter_jabatan=jab("statistisi"),
        signer_jabatan=jab("kadis_kominfo"),
        koordinasi_units=[unit("BIRO-HUKUM"), unit("BIRO-UMUM")],
    )
    p.stages[1].quorum = quorum
    return start(
        demo["statistisi"],
        "statistisi",
        "kadis_kominfo",
        stages=p.stages,
        koordinasi_units=[unit("BIRO-HUKUM"), unit("BIRO-UMUM")],
    ).route


def test_parallel_coordination_waits_for_all(demo):
    route = koordinasi_route(demo)
    approve_current(route, demo["kabidaptika"])
    waiting = active(route)
    assert sorted(s.assignee.username for s in waiting) == ["karohukum", "karoumum"]
    hukum = next(s for s in waiting if s.assignee.username == "karohukum")
    step_approve(step_state=hukum, actor=demo["karohukum"], revision="r1")
    route.refresh_from_db()
    assert route.current_stage == 1
    umum = active(route)[0]
    step_approve(step_state=umum, actor=demo["karoumum"], revision="r1")
    route.refresh_from_db()
    assert route.current_stage == 2 and active(route)[0].kind == "tandatangan"


def test_parallel_quorum_of_one_skips_the_rest(demo):
    route = koordinasi_route(demo, quorum=1)
    approve_current(route, demo["kabidaptika"])
    umum = next(s for s in active(route) if s.assignee.username == "karoumum")
    step_approve(step_state=umum, actor=demo["karoumum"], revision="r1")
    route.refresh_from_db()
    assert route.current_stage == 2
    assert (
        StepState.objects.get(route=route, stage_index=1, status="skipped").assignee
        == demo["karohukum"]
    )
    assert route_paraf_complete(route, "r1")


def test_one_coordinator_correcting_voids_the_other_coordinators_approval(demo):
    route = koordinasi_route(demo)
    approve_current(route, demo["kabidaptika"])
    hukum = next(s for s in active(route) if s.assignee.username == "karohukum")
    step_approve(step_state=hukum, actor=demo["karohukum"], revision="r1")
    umum = active(route)[0]
    step_approve_with_correction(
        step_state=umum, actor=demo["karoumum"], revision="r1", new_revision="r2"
    )
    route.refresh_from_db()
    assert route.current_stage == 1
    assert [s.assignee.username for s in active(route)] == ["karohukum"]
    assert StepState.objects.get(route=route, stage_index=0).covers_revision == "r2"


# --- reassignment, comments, vacancy, hooks, notifications ------------------------------------


def test_reassign_is_admin_only_needs_a_note_and_moves_the_step(demo, biro_route):
    state = active(biro_route)[0]
    with pytest.raises(PermissionDeniedError, match="administrator"):
        step_reassign(step_state=state, actor=demo["karoumum"], to=demo["arsiparis"], note="cuti")
    with pytest.raises(ApplicationError, match="note"):
        step_reassign(step_state=state, actor=demo["admin"], to=demo["arsiparis"], note="")
    clerk = demo["agendaris"]
    clerk.user_permissions.add(Permission.objects.get(codename="reassign_route_step"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    step_reassign(step_state=state, actor=clerk, to=demo["arsiparis"], note="Kabag sakit.")
    with pytest.raises(PermissionDeniedError):
        step_approve(step_state=state, actor=demo["kabagtu"], revision="r1")
    step_approve(step_state=state, actor=demo["arsiparis"], revision="r1")
    assert StepState.objects.get(pk=state.pk).acted_capacity == "reassigned"
    event = RouteEvent.objects.get(route=biro_route, kind="reassigned")
    assert event.data == {"from": demo["kabagtu"].pk, "to": demo["arsiparis"].pk}


def test_comment_by_participant_only(demo, biro_route):
    route_comment(route=biro_route, actor=demo["kabagtu"], note="Saya cek besok.")
    assert RouteEvent.objects.filter(route=biro_route, kind="comment").count() == 1
    with pytest.raises(PermissionDeniedError):
        route_comment(route=biro_route, actor=demo["stafsma"], note="Halo")
    with pytest.raises(ApplicationError):
        route_comment(route=biro_route, actor=demo["penelaah"], note="")


def test_vacant_position_at_activation_waits_for_reassignment(demo):
    route = start(demo["penelaah"], "penelaah", "karo_umum").route
    # The Kepala Biro retires after the route started.
    jab("karo_umum").penugasan.update(selesai="2020-01-01", mulai="2019-01-01")
    approve_current(route, demo["kabagtu"])
    state = active(route)[0]
    assert state.assignee is None and state.assignee_capacity == "vacant"
    assert RouteEvent.objects.filter(route=route, kind="vacant").exists()
    assert Notifikasi.objects.filter(recipient=demo["penelaah"], kind="vacant").exists()
    step_reassign(step_state=state, actor=demo["admin"], to=demo["asisten3"], note="Biro kosong.")
    approve_current(route, demo["asisten3"])
    route.refresh_from_db()
    assert route.status == "completed"


def test_a_failing_hook_rolls_the_transition_back(demo, biro_route):
    def broken(outcome):
        raise RuntimeError("caller failed")

    hooks.register("auth.group", broken)
    try:
        before = snapshot(biro_route)
        with pytest.raises(RuntimeError):
            step_return(
                step_state=active(biro_route)[0], actor=demo["kabagtu"], revision="r1", note="x"
            )
        assert snapshot(biro_route) == before
    finally:
        hooks.unregister("auth.group", broken)


def test_notifications_never_show_a_confidential_title(demo):
    route = start(
        demo["penelaah"],
        "penelaah",
        "sekda",
        title="Rencana mutasi pejabat eselon II",
        confidential=True,
        security_class="Rahasia",
        object_label="Nota Dinas",
    ).route
    notice = Notifikasi.objects.get(route=route, recipient=demo["kabagtu"])
    assert "mutasi" not in notice.text
    assert notice.text == "Needs your initial: Nota Dinas classified Rahasia"
    audit = AuditEvent.objects.filter(action="workflows.route.start").first()
    assert "mutasi" not in audit.object_repr


def test_notification_for_an_open_title(demo, biro_route):
    notice = Notifikasi.objects.get(route=biro_route, recipient=demo["kabagtu"])
    assert notice.text == "Needs your initial: Undangan rapat koordinasi"
    assert notice.link == f"/alur/{biro_route.pk}/"


def test_drafter_edit_while_returned_then_resubmit_restarts(demo, biro_route):
    route = biro_route
    approve_current(route, demo["kabagtu"])
    step_return(step_state=active(route)[0], actor=demo["karoumum"], revision="r1", note="Ubah.")
    outcome = route_revision_changed(
        route=route, actor=demo["penelaah"], revision="r2", previous_revision="r1"
    )
    assert outcome.event == hooks.UNCHANGED and active(route) == []
    route_resubmit(route=route, actor=demo["penelaah"], revision="r2")
    route.refresh_from_db()
    assert route.current_stage == 0 and active(route)[0].revision == "r2"


def test_plh_starting_after_activation_takes_over_the_step(demo, biro_route):
    from tests.factories import PenugasanFactory

    state = active(biro_route)[0]
    PenugasanFactory(
        pegawai=demo["arsiparis"],
        jabatan=jab("kabag_tu"),
        jenis="plh",
        mulai=state.activated_at.date(),
    )
    with pytest.raises(PermissionDeniedError):
        step_approve(step_state=state, actor=demo["kabagtu"], revision="r1")
    step_approve(step_state=state, actor=demo["arsiparis"], revision="r1")
    assert StepState.objects.get(pk=state.pk).acted_capacity == "plh"
