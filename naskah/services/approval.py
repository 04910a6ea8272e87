"""Approval of a letter (pengajuan): submission along a route proposed from the
organisation, paraf, corrections, returns, rejection, withdrawal, reassignment, comments
and sharing. Every service here composes one `workflows` service.

Transactions and locks: every service runs in ONE transaction that first locks the
letter's open route row, then the letter row (`_lock_route_and_naskah`), checks the
revision number the form was loaded with, calls the engine (which locks the route again and
checks the step is still waiting), brings the letter's status in line with the route and
writes its audit event last. Whoever loses a race gets a ConflictError and nothing changes.
Route before letter is also the order of signing (naskah.services.signing) and of the engine's
own actions (reassignment, escalation: the route, then the status hook updates the letter),
so none of them can deadlock against another. Sharing locks the letter row only, as
drafting does (neither touches the route). The audit event takes no lock: it is sealed
into the chain after commit (core.services.audit).

The letter's status follows its route (`naskah_status_sync`, also registered as the
engine's hook for naskah.Naskah so the engine's own pages keep it in line):
in progress → ``diajukan`` (``siap_tandatangan`` once the signature step waits), returned
→ ``dikembalikan``, rejected → ``ditolak``, withdrawn → ``konsep``. A completed route
(signed) is the signing flow's business: it sets ``ditandatangani`` itself.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Pegawai, TimKerja, UnitKerja
from core.services.audit import audit_record
from core.vocabulary import CONFIDENTIAL, KlasifikasiKeamanan
from naskah.events import (
    NASKAH_COMMENT,
    NASKAH_CORRECT,
    NASKAH_PARAF,
    NASKAH_REASSIGN,
    NASKAH_REJECT,
    NASKAH_RESUBMIT,
    NASKAH_RETURN,
    NASKAH_SHARE,
    NASKAH_SUBMIT,
    NASKAH_UNSHARE,
    NASKAH_WITHDRAW,
)
from naskah.models import Naskah, NaskahRevisi
from naskah.models.paraf import ParafStatement
from naskah.selectors.approval import (
    _naskah_ct,
    jenis_koordinasi_wajib,
    naskah_drafter_jabatan,
    naskah_route_latest,
    naskah_route_open,
)
from naskah.selectors.drafting import draft_check
from naskah.selectors.periksa import naskah_readiness_problems, raise_for_problems
from naskah.services.drafting import _save_revision
from naskah.services.paraf_statement import paraf_statement_prepare, paraf_statement_store
from workflows import services as alur
from workflows.hooks import RouteOutcome
from workflows.models import Route, Stage, Step, StepState
from workflows.proposal import ProposedStage
from workflows.step_kinds import APPROVE, CORRECT, SIGNATURE_KINDS, is_signature, step_kind

# What the engine's inbox, notifications and e-mails show instead of a confidential subject.
JUDUL_RAHASIA = "Naskah Rahasia"

_SYNCED_FROM = (
    Naskah.Status.KONSEP,
    Naskah.Status.DIAJUKAN,
    Naskah.Status.DIKEMBALIKAN,
    Naskah.Status.SIAP_TANDATANGAN,
)


# --- helpers ---------------------------------------------------------------------------------


def _route_display(naskah: Naskah) -> dict:
    """What the engine stores for its inbox and notices. A Rahasia / Sangat Rahasia
    subject never leaves the letter (DESIGN invariant 5)."""
    confidential = naskah.klasifikasi_keamanan in CONFIDENTIAL
    return {
        "title": JUDUL_RAHASIA if confidential else naskah.hal,
        "urgency": naskah.urgensi,
        "security_class": (
            str(KlasifikasiKeamanan(naskah.klasifikasi_keamanan).label)
            if naskah.klasifikasi_keamanan != KlasifikasiKeamanan.BIASA
            else ""
        ),
        "confidential": confidential,
    }


def _status_for(route: Route) -> str | None:
    if route.status == Route.Status.IN_PROGRESS:
        kind = (
            Stage.objects.filter(route=route, index=route.current_stage)
            .values_list("kind", flat=True)
            .first()
        )
        return (
            Naskah.Status.SIAP_TANDATANGAN
            if kind is not None and is_signature(kind)
            else Naskah.Status.DIAJUKAN
        )
    return {
        Route.Status.RETURNED: Naskah.Status.DIKEMBALIKAN,
        Route.Status.REJECTED: Naskah.Status.DITOLAK,
        Route.Status.WITHDRAWN: Naskah.Status.KONSEP,
    }.get(route.status)


def naskah_status_sync(route: Route) -> str | None:
    """Bring the routed letter's status in line with its route (module docstring).
    Returns the status set, or None when the route's state is not the letter's to mirror."""
    if route.content_type_id != _naskah_ct().pk:
        return None
    status = _status_for(route)
    if status is None:
        return None
    Naskah.objects.filter(pk=int(route.object_id), status__in=_SYNCED_FROM).exclude(
        status=status
    ).update(status=status, updated_at=timezone.now())
    return status


def naskah_route_outcome(outcome: RouteOutcome) -> None:
    """The engine's hook for naskah.Naskah (registered in NaskahConfig.ready)."""
    naskah_status_sync(outcome.route)


def _lock_naskah(naskah: Naskah) -> Naskah:
    # Lock the letter row only: the joined type, unit and position rows are shared by many
    # letters and must not serialise unrelated approvals.
    return (
        Naskah.objects.select_for_update(of=("self",))
        .select_related("jenis", "unit", "penandatangan")
        .get(pk=naskah.pk)
    )


def _check_revisi(locked: Naskah, expected_revisi: int) -> None:
    if locked.revisi_terakhir != expected_revisi:
        raise ConflictError(
            _(
                "The letter changed since you opened it (you saw revision %(yours)d, the "
                "current one is %(current)d). Nothing was done; review the current revision."
            )
            % {"yours": expected_revisi, "current": locked.revisi_terakhir},
            code="stale_revision",
            extra={"current": locked.revisi_terakhir, "expected": expected_revisi},
        )


def _lock_route_and_naskah(naskah: Naskah) -> tuple[Route | None, Naskah]:
    """Lock the letter's open route, then the letter: the one lock order of every action
    on a letter in approval. The engine's own actions (reassignment, escalation) lock the
    route and reach the letter through its hooks, and signing does the same, so taking
    the letter first here could deadlock against them."""
    route = naskah_route_open(naskah, lock=True)
    return route, _lock_naskah(naskah)


def _lock_for_action(naskah: Naskah, expected_revisi: int) -> tuple[Route, Naskah]:
    """Lock the open route, then the letter; check the revision the form was loaded with."""
    route, locked = _lock_route_and_naskah(naskah)
    if route is None:
        raise ConflictError(
            _("This letter is not in approval (it is now “%(status)s”). Reload the page.")
            % {"status": locked.get_status_display()},
            code="not_in_approval",
        )
    _check_revisi(locked, expected_revisi)
    return route, locked


def _step_state(route: Route, step_state: StepState | int) -> StepState:
    pk = step_state.pk if isinstance(step_state, StepState) else int(step_state)
    state = StepState.objects.filter(pk=pk, route=route).first()
    if state is None:
        raise ApplicationError(_("This step does not belong to the letter's route."))
    return state


def _refuse_action(state: StepState, action: str = APPROVE) -> None:
    """Refuse `action` on a step whose kind does not offer it (workflows.step_kinds): the
    signature step is approved by signing only."""
    spec = step_kind(state.kind)
    if action in spec.actions:
        return
    if spec.signature:
        raise ApplicationError(
            _(
                "The signature step is completed by signing the letter, not by an approval. "
                "Return or reject it here, or sign it from the signing page."
            ),
            code="sign_required",
        )
    raise ApplicationError(_("This step does not offer that action."), code="action_not_offered")


def _audit(actor: Pegawai | None, action: str, naskah: Naskah, **details):
    return audit_record(
        actor=actor,
        action=action,
        obj=naskah,
        object_repr=(JUDUL_RAHASIA if naskah.klasifikasi_keamanan in CONFIDENTIAL else naskah.hal)[
            :255
        ],
        details={"revisi": naskah.revisi_terakhir, **details},
    )


def _finish(
    outcome: RouteOutcome, locked: Naskah, actor: Pegawai, action: str, statement=None, **details
):
    status = naskah_status_sync(outcome.route)
    if status:
        locked.status = status
    if statement is not None:
        # The audit trail seals the signed paraf statement's hash (docs/signing.md).
        details["paraf_statement"] = statement.payload_sha256
    event = _audit(
        actor,
        action,
        locked,
        route=outcome.route.pk,
        outcome=outcome.event,
        status=locked.status,
        **details,
    )
    if statement is not None:
        paraf_statement_store(statement, audit_event=event)
    return outcome


# --- proposal --------------------------------------------------------------------------------


# --- submission ------------------------------------------------------------------------------


def naskah_submit(
    *,
    actor: Pegawai,
    naskah: Naskah,
    expected_revisi: int,
    koordinasi_units: list[UnitKerja] | tuple = (),
    tim_kerja: TimKerja | None = None,
    stages: list[ProposedStage] | None = None,
    note: str = "",
) -> RouteOutcome:
    """Send the draft into approval. A returned letter goes back into its route (the
    engine's rule: a new revision voids every approval and the route starts again; an
    unchanged one resumes at the step that returned it) unless its signer changed, which
    needs a new route. `stages` is the drafter's edited proposal, checked by the engine."""
    with transaction.atomic():
        route, locked = _lock_route_and_naskah(naskah)
        if locked.konseptor_id != actor.pk:
            raise PermissionDeniedError(_("Only the drafter may submit this letter."))
        if locked.status not in Naskah.EDITABLE_STATUSES:
            raise ConflictError(
                _("This letter is already “%(status)s”; it cannot be submitted again.")
                % {"status": locked.get_status_display()},
                code="not_draft",
            )
        _check_revisi(locked, expected_revisi)
        # Everything the sign service will check, before the route starts.
        raise_for_problems(naskah_readiness_problems(locked, backend=False))
        revision = str(locked.revisi_terakhir)
        if route is not None and route.status == Route.Status.RETURNED:
            signer = Step.objects.filter(route=route, kind__in=SIGNATURE_KINDS).first()
            if signer is not None and signer.jabatan_id == locked.penandatangan_id:
                Route.objects.filter(pk=route.pk).update(**_route_display(locked))
                outcome = alur.route_resubmit(
                    route=route, actor=actor, revision=revision, note=note
                )
                return _finish(
                    outcome, locked, actor, NASKAH_RESUBMIT, from_revision=route.revision
                )
            alur.route_withdraw(
                route=route, actor=actor, note=_("The signer changed: a new route was started.")
            )
        elif route is not None:
            raise ConflictError(_("This letter already has a route in progress."))
        outcome = alur.route_start(
            drafter=actor,
            drafter_jabatan=naskah_drafter_jabatan(locked),
            signer_jabatan=locked.penandatangan,
            obj=locked,
            revision=revision,
            stages=stages,
            koordinasi_units=list(koordinasi_units),
            required_koordinasi_units=jenis_koordinasi_wajib(locked.jenis),
            tim_kerja=tim_kerja,
            unit=locked.unit,
            link=reverse("naskah:alur_detail", args=[locked.pk]),
            object_label=locked.jenis.nama,
            note=note,
            **_route_display(locked),
        )
        return _finish(
            outcome,
            locked,
            actor,
            NASKAH_SUBMIT,
            koordinasi=[u.pk for u in koordinasi_units],
            note=note,
        )


def naskah_withdraw(
    *, actor: Pegawai, naskah: Naskah, note: str = "", expected_version: int | None = None
) -> RouteOutcome:
    """The drafter takes the letter back out of approval: it is a draft again."""
    with transaction.atomic():
        route, locked = _lock_route_and_naskah(naskah)
        if locked.konseptor_id != actor.pk:
            raise PermissionDeniedError(_("Only the drafter may withdraw this letter."))
        if route is None:
            raise ConflictError(
                _("This letter is not in approval (it is now “%(status)s”).")
                % {"status": locked.get_status_display()},
                code="not_in_approval",
            )
        outcome = alur.route_withdraw(
            route=route, actor=actor, note=note, expected_version=expected_version
        )
        return _finish(outcome, locked, actor, NASKAH_WITHDRAW, note=note)


# --- acting on a step ------------------------------------------------------------------------


def naskah_paraf(
    *,
    actor: Pegawai,
    naskah: Naskah,
    step_state: StepState | int,
    expected_revisi: int,
    note: str = "",
    expected_version: int | None = None,
) -> RouteOutcome:
    """Initial (approve) the revision the reviewer saw. The signature step is not approved
    here: signing the letter (the signing flow) completes it."""
    with transaction.atomic():
        route, locked = _lock_for_action(naskah, expected_revisi)
        state = _step_state(route, step_state)
        _refuse_action(state)
        outcome = alur.step_approve(
            step_state=state,
            actor=actor,
            revision=str(expected_revisi),
            note=note,
            expected_version=expected_version,
        )
        statement = paraf_statement_prepare(
            actor=actor,
            naskah=locked,
            step_state=state,
            action=ParafStatement.Action.PARAF,
            revisi_nomor=expected_revisi,
        )
        return _finish(outcome, locked, actor, NASKAH_PARAF, statement, step_state=state.pk)


def naskah_return(
    *,
    actor: Pegawai,
    naskah: Naskah,
    step_state: StepState | int,
    expected_revisi: int,
    note: str,
    to_step: Step | int | None = None,
    expected_version: int | None = None,
) -> RouteOutcome:
    """Send the letter back with a required note: to the drafter (status dikembalikan) or
    to an earlier step of the route."""
    with transaction.atomic():
        route, locked = _lock_for_action(naskah, expected_revisi)
        state = _step_state(route, step_state)
        target = None
        if to_step is not None:
            pk = to_step.pk if isinstance(to_step, Step) else int(to_step)
            target = Step.objects.filter(pk=pk, route=route).first()
            if target is None:
                raise ApplicationError(_("That step is not part of the letter's route."))
        outcome = alur.step_return(
            step_state=state,
            actor=actor,
            revision=str(expected_revisi),
            note=note,
            to_step=target,
            expected_version=expected_version,
        )
        statement = paraf_statement_prepare(
            actor=actor,
            naskah=locked,
            step_state=state,
            action=ParafStatement.Action.RETURN,
            revisi_nomor=expected_revisi,
        )
        return _finish(
            outcome,
            locked,
            actor,
            NASKAH_RETURN,
            statement,
            step_state=state.pk,
            to_step=target.pk if target else None,
            note=note,
        )


def naskah_reject(
    *,
    actor: Pegawai,
    naskah: Naskah,
    step_state: StepState | int,
    expected_revisi: int,
    note: str,
    expected_version: int | None = None,
) -> RouteOutcome:
    """Refuse the letter with a required note: the route ends (status ditolak)."""
    with transaction.atomic():
        route, locked = _lock_for_action(naskah, expected_revisi)
        state = _step_state(route, step_state)
        outcome = alur.route_reject(
            step_state=state,
            actor=actor,
            revision=str(expected_revisi),
            note=note,
            expected_version=expected_version,
        )
        return _finish(outcome, locked, actor, NASKAH_REJECT, step_state=state.pk, note=note)


def naskah_correct(
    *,
    actor: Pegawai,
    naskah: Naskah,
    step_state: StepState | int,
    expected_revisi: int,
    values: dict,
    note: str = "",
    approve: bool = True,
    expected_version: int | None = None,
) -> tuple[NaskahRevisi, RouteOutcome]:
    """The reviewer acting on the current step edits the letter: a new revision with the
    same checks as the drafter's edits (recipients and lampiran are kept). With `approve`
    the reviewer initials the corrected revision (step_approve_with_correction); without,
    the correction is only saved and the step stays with them (route_revision_changed).
    Earlier paraf carry over (the reviewer answers for the change); later steps see only
    the new revision and its diff. The signer cannot be changed by a correction."""
    with transaction.atomic():
        route, locked = _lock_for_action(naskah, expected_revisi)
        state = _step_state(route, step_state)
        if state.status != StepState.Status.ACTIVE:
            raise ConflictError(
                _("This step was already handled. Reload the page."), code="step_handled"
            )
        from workflows.permissions import step_capacity

        capacity = step_capacity(actor, state)
        if capacity is None:
            raise PermissionDeniedError(_("This step is not yours to act on."))
        if approve:
            _refuse_action(state, CORRECT)
        signer = values.get("penandatangan")
        if signer is not None and getattr(signer, "pk", signer) != locked.penandatangan_id:
            raise ApplicationError(
                _(
                    "A correction cannot change the signer. Return the letter to the drafter "
                    "to choose another signer."
                ),
                code="signer_changed",
            )
        latest = locked.revisi.get(nomor=expected_revisi)
        checked = dict(values)
        checked["penandatangan"] = locked.penandatangan
        if checked.get("penerima") in (None, []) and latest.penerima:
            checked["penerima"] = latest.penerima
        draft = draft_check(jenis=locked.jenis, lampiran=list(latest.lampiran), **checked)
        revisi = _save_revision(
            actor=actor,
            locked=locked,
            draft=draft,
            expected_revisi=expected_revisi,
            catatan=note or _("Correction by a reviewer"),
        )
        if revisi is None:
            raise ApplicationError(
                _("Nothing was changed. Use “Approve” to initial the letter as it is."),
                code="unchanged",
            )
        locked.refresh_from_db()
        Route.objects.filter(pk=route.pk).update(**_route_display(locked))
        if approve:
            outcome = alur.step_approve_with_correction(
                step_state=state,
                actor=actor,
                revision=str(expected_revisi),
                new_revision=str(revisi.nomor),
                note=note,
                expected_version=expected_version,
            )
        else:
            outcome = alur.route_revision_changed(
                route=route,
                actor=actor,
                revision=str(revisi.nomor),
                previous_revision=str(expected_revisi),
                note=note,
            )
        statement = paraf_statement_prepare(
            actor=actor,
            naskah=locked,
            step_state=state,
            action=ParafStatement.Action.CORRECT,
            revisi_nomor=revisi.nomor,
            capacity=capacity,
            from_revisi=expected_revisi,
            approved=approve,
        )
        _finish(
            outcome,
            locked,
            actor,
            NASKAH_CORRECT,
            statement,
            step_state=state.pk,
            from_revisi=expected_revisi,
            approved=approve,
        )
        return revisi, outcome


# --- administration, comments, sharing -------------------------------------------------------


def naskah_reassign(
    *,
    actor: Pegawai,
    naskah: Naskah,
    step_state: StepState | int,
    to: Pegawai,
    note: str,
    expected_version: int | None = None,
) -> RouteOutcome:
    """An administrator hands a waiting step to another person (recorded with a note)."""
    with transaction.atomic():
        route, locked = _lock_route_and_naskah(naskah)
        if route is None:
            raise ConflictError(_("This letter is not in approval."), code="not_in_approval")
        state = _step_state(route, step_state)
        outcome = alur.step_reassign(
            step_state=state, actor=actor, to=to, note=note, expected_version=expected_version
        )
        return _finish(outcome, locked, actor, NASKAH_REASSIGN, step_state=state.pk, to=to.pk)


def naskah_comment(*, actor: Pegawai, naskah: Naskah, note: str):
    """A comment on the letter's route timeline by someone on the route."""
    route = naskah_route_latest(naskah)
    if route is None:
        raise ApplicationError(_("This letter has no approval route yet."), code="no_route")
    with transaction.atomic():
        event = alur.route_comment(route=route, actor=actor, note=note)
        _audit(actor, NASKAH_COMMENT, naskah, route=route.pk, event=event.pk)
    return event


def naskah_share(*, actor: Pegawai, naskah: Naskah, to: Pegawai) -> None:
    """The drafter shares a submitted letter with a named person (a django-guardian object
    grant of naskah.view_naskah). Not for drafts: they stay private."""
    from guardian.shortcuts import assign_perm

    from naskah.permissions import can_share_naskah

    with transaction.atomic():
        locked = _lock_naskah(naskah)
        if not can_share_naskah(actor, locked):
            raise PermissionDeniedError(
                _("Only the drafter may share this letter, and only once it is submitted.")
            )
        if not to.is_active:
            raise ApplicationError(_("%(name)s cannot receive letters.") % {"name": to})
        if to.pk == actor.pk:
            raise ApplicationError(_("You already see your own letter."))
        assign_perm("naskah.view_naskah", to, locked)
        hooks.notify(hooks.READERS_CHANGED, locked)
        _audit(actor, NASKAH_SHARE, locked, to=to.pk)


def naskah_unshare(*, actor: Pegawai, naskah: Naskah, to: Pegawai) -> None:
    from guardian.shortcuts import remove_perm

    from naskah.permissions import can_share_naskah

    with transaction.atomic():
        locked = _lock_naskah(naskah)
        if not can_share_naskah(actor, locked):
            raise PermissionDeniedError(_("Only the drafter may change who sees this letter."))
        remove_perm("naskah.view_naskah", to, locked)
        hooks.notify(hooks.READERS_CHANGED, locked)
        _audit(actor, NASKAH_UNSHARE, locked, to=to.pk)


# --- for the signing flow --------------------------------------------------------------------


__all__ = [
    "JUDUL_RAHASIA",
    "naskah_comment",
    "naskah_correct",
    "naskah_paraf",
    "naskah_reassign",
    "naskah_reject",
    "naskah_return",
    "naskah_route_outcome",
    "naskah_share",
    "naskah_status_sync",
    "naskah_submit",
    "naskah_unshare",
    "naskah_withdraw",
]
