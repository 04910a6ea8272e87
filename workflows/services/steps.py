"""Acting on a route: approve, approve with correction, return, reject, withdraw, resubmit, a
changed revision, reassign, comment."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Pegawai
from workflows import hooks
from workflows.events import (
    WORKFLOWS_ROUTE_COMMENT,
    WORKFLOWS_ROUTE_REJECT,
    WORKFLOWS_ROUTE_RESUBMIT,
    WORKFLOWS_ROUTE_REVISION_CHANGED,
    WORKFLOWS_ROUTE_WITHDRAW,
    WORKFLOWS_STEP_APPROVE,
    WORKFLOWS_STEP_CORRECT,
    WORKFLOWS_STEP_REASSIGN,
    WORKFLOWS_STEP_RETURN,
)
from workflows.hooks import RouteOutcome
from workflows.models import (
    Route,
    RouteEvent,
    Step,
    StepState,
)
from workflows.notice_text import notice_text
from workflows.permissions import can_reassign, can_receive_step, can_view_route, step_capacity
from workflows.services.notifikasi import ACTIVE, APPROVED, _audit, _subject, notifikasi_create
from workflows.services.route import (
    _activate_from,
    _cancel_active,
    _capacity_or_deny,
    _check_version,
    _event,
    _finish,
    _load_active_state,
    _lock_route,
    _record_action,
    _require_note,
    _save_route,
    _set_coverage,
)

# --- acting on a step ------------------------------------------------------------------------


def _open_step(step_state, actor, revision, expected_version):
    """Inside the caller's transaction: lock the route, check the form's version and
    revision, and the actor's capacity on the step. Returns (route, state, capacity)."""
    route = _lock_route(step_state.route_id)
    _check_version(route, expected_version)
    state = _load_active_state(route, step_state, str(revision))
    return route, state, _capacity_or_deny(actor, state)


def step_approve(
    *,
    step_state: StepState,
    actor: Pegawai,
    revision: str,
    note: str = "",
    expected_version: int | None = None,
) -> RouteOutcome:
    """Approve (paraf, or the signer's approval after signing) the revision `revision`."""
    now = timezone.now()
    with transaction.atomic():
        route, state, capacity = _open_step(step_state, actor, revision, expected_version)
        state.approved_revision = state.covers_revision = route.revision
        _record_action(state, actor=actor, capacity=capacity, status=APPROVED, note=note, now=now)
        _event(
            route,
            RouteEvent.Kind.APPROVED,
            actor=actor,
            actor_capacity=capacity,
            acting_for_id=state.jabatan_id,
            step_state=state,
            note=note,
        )
        event = _activate_from(route, state.stage_index, now)
        _save_route(route, now, status_changed=event == hooks.COMPLETED)
        return _finish(route, actor, WORKFLOWS_STEP_APPROVE, event, state, step_state=state.pk)


def step_approve_with_correction(
    *,
    step_state: StepState,
    actor: Pegawai,
    revision: str,
    new_revision: str,
    note: str = "",
    expected_version: int | None = None,
) -> RouteOutcome:
    """The reviewer corrected the draft (the caller saved `new_revision`) and approves it.
    Earlier approvals carry over to the new revision; later steps see only the new one."""
    new_revision = str(new_revision or "").strip()
    now = timezone.now()
    with transaction.atomic():
        route, state, capacity = _open_step(step_state, actor, revision, expected_version)
        if not new_revision or new_revision == route.revision:
            raise ApplicationError(_("A correction needs a new revision."), code="invalid")
        old = route.revision
        _set_coverage(route, new_revision, carry_below_stage=state.stage_index)
        route.revision = new_revision
        StepState.objects.filter(route=route, status=ACTIVE).update(revision=new_revision)
        state.approved_revision = state.covers_revision = new_revision
        _record_action(state, actor=actor, capacity=capacity, status=APPROVED, note=note, now=now)
        _event(
            route,
            RouteEvent.Kind.CORRECTED,
            actor=actor,
            actor_capacity=capacity,
            acting_for_id=state.jabatan_id,
            step_state=state,
            from_revision=old,
            note=note,
        )
        event = _activate_from(route, 0, now)
        _save_route(route, now, status_changed=event == hooks.COMPLETED)
        return _finish(
            route,
            actor,
            WORKFLOWS_STEP_CORRECT,
            event,
            state,
            step_state=state.pk,
            from_revision=old,
        )


def step_return(
    *,
    step_state: StepState,
    actor: Pegawai,
    revision: str,
    note: str,
    to_step: Step | None = None,
    expected_version: int | None = None,
) -> RouteOutcome:
    """Send the draft back: to the drafter (default) or to an earlier step, with a note."""
    note = _require_note(note)
    now = timezone.now()
    with transaction.atomic():
        route, state, capacity = _open_step(step_state, actor, revision, expected_version)
        if to_step is not None:
            target = Step.objects.select_related("stage").filter(pk=to_step.pk, route=route).first()
            if target is None or target.stage.index >= state.stage_index:
                raise ApplicationError(
                    _("A draft can only be returned to an earlier step of this route."),
                    code="invalid_target",
                )
        _record_action(
            state,
            actor=actor,
            capacity=capacity,
            status=StepState.Status.RETURNED,
            note=note,
            now=now,
        )
        _cancel_active(route, now)
        _event(
            route,
            RouteEvent.Kind.RETURNED,
            actor=actor,
            actor_capacity=capacity,
            acting_for_id=state.jabatan_id,
            step_state=state,
            note=note,
            data={"to_step": to_step.pk if to_step else None},
        )
        if to_step is None:
            route.status = Route.Status.RETURNED
            route.current_stage = None
            notifikasi_create(
                recipient=route.drafter,
                kind="returned",
                text=notice_text(
                    gettext_noop("Returned to you for changes: %(subject)s"),
                    {"subject": _subject(route)},
                ),
                route=route,
                key=f"returned:{state.pk}",
            )
            _save_route(route, now, status_changed=True)
            return _finish(route, actor, WORKFLOWS_STEP_RETURN, hooks.RETURNED, state, to="drafter")
        assert target is not None  # looked up and checked with to_step above
        # Void the target's approval and every approval after its stage.
        StepState.objects.filter(route=route, status=APPROVED).filter(
            models.Q(step=target) | models.Q(stage_index__gt=target.stage.index)
        ).update(covers_revision="")
        event = _activate_from(route, target.stage.index, now)
        _save_route(route, now)
        return _finish(route, actor, WORKFLOWS_STEP_RETURN, event, state, to_step=target.pk)


def route_reject(
    *,
    step_state: StepState,
    actor: Pegawai,
    revision: str,
    note: str,
    expected_version: int | None = None,
) -> RouteOutcome:
    """Refuse the draft: the route ends."""
    note = _require_note(note)
    now = timezone.now()
    with transaction.atomic():
        route, state, capacity = _open_step(step_state, actor, revision, expected_version)
        _record_action(
            state,
            actor=actor,
            capacity=capacity,
            status=StepState.Status.REJECTED,
            note=note,
            now=now,
        )
        _cancel_active(route, now)
        route.status = Route.Status.REJECTED
        route.current_stage = None
        route.finished_at = now
        _event(
            route,
            RouteEvent.Kind.REJECTED,
            actor=actor,
            actor_capacity=capacity,
            acting_for_id=state.jabatan_id,
            step_state=state,
            note=note,
        )
        notifikasi_create(
            recipient=route.drafter,
            kind="rejected",
            text=notice_text(gettext_noop("Rejected: %(subject)s"), {"subject": _subject(route)}),
            route=route,
            key=f"rejected:{route.pk}",
        )
        _save_route(route, now, status_changed=True)
        return _finish(route, actor, WORKFLOWS_ROUTE_REJECT, hooks.REJECTED, state)


def route_withdraw(
    *, route: Route, actor: Pegawai, note: str = "", expected_version: int | None = None
) -> RouteOutcome:
    """The drafter takes the draft back out of approval: the route ends."""
    now = timezone.now()
    with transaction.atomic():
        route = _lock_route(route.pk)
        _check_version(route, expected_version)
        if route.drafter_id != actor.pk:
            raise PermissionDeniedError(_("Only the drafter may withdraw the route."))
        if not route.is_open:
            raise ConflictError(
                _("The route is already finished (“%(status)s”).")
                % {"status": route.get_status_display()}
            )
        _cancel_active(route, now)
        route.status = Route.Status.WITHDRAWN
        route.current_stage = None
        route.finished_at = now
        _event(route, RouteEvent.Kind.WITHDRAWN, actor=actor, note=note)
        _save_route(route, now, status_changed=True)
        return _finish(route, actor, WORKFLOWS_ROUTE_WITHDRAW, hooks.WITHDRAWN)


def route_resubmit(
    *,
    route: Route,
    actor: Pegawai,
    revision: str,
    note: str = "",
    expected_version: int | None = None,
) -> RouteOutcome:
    """The drafter sends a returned draft back into approval (usually at a new revision).
    A new revision voids every approval; an unchanged one resumes at the step that returned."""
    revision = str(revision or "").strip()
    now = timezone.now()
    with transaction.atomic():
        route = _lock_route(route.pk)
        _check_version(route, expected_version)
        if route.drafter_id != actor.pk:
            raise PermissionDeniedError(_("Only the drafter may resubmit the route."))
        if route.status != Route.Status.RETURNED:
            raise ConflictError(_("Only a returned route can be resubmitted."))
        if not revision:
            raise ApplicationError(_("A revision is required."), code="invalid")
        old = route.revision
        if revision != old:
            _set_coverage(route, revision, carry_below_stage=None)
            route.revision = revision
        route.status = Route.Status.IN_PROGRESS
        _event(route, RouteEvent.Kind.RESUBMITTED, actor=actor, from_revision=old, note=note)
        event = _activate_from(route, 0, now)
        _save_route(route, now, status_changed=True)
        return _finish(route, actor, WORKFLOWS_ROUTE_RESUBMIT, event, from_revision=old)


def route_revision_changed(
    *,
    route: Route,
    actor: Pegawai,
    revision: str,
    previous_revision: str,
    note: str = "",
) -> RouteOutcome:
    """The caller saved a new revision of the routed object.

    Made by the person acting on the current step, it is a correction: earlier approvals
    carry over and the same step stays with them. Made by anyone else (the drafter), it
    voids every approval and the route starts again at the first stage. On a returned
    route it only records the new revision (route_resubmit restarts it)."""
    revision = str(revision or "").strip()
    now = timezone.now()
    with transaction.atomic():
        route = _lock_route(route.pk)
        if not route.is_open:
            raise ConflictError(_("The route is finished; its object can no longer change."))
        if str(previous_revision) != route.revision:
            raise ConflictError(
                _("The route is at revision %(current)s, not %(seen)s. Reload and try again.")
                % {"current": route.revision, "seen": previous_revision},
                code="stale_revision",
            )
        if not revision or revision == route.revision:
            raise ApplicationError(_("The new revision must differ from the current one."))
        old = route.revision
        corrector_stage = None
        if route.status == Route.Status.IN_PROGRESS:
            for state in StepState.objects.filter(route=route, status=ACTIVE).select_related(
                "tim_kerja", "jabatan"
            ):
                if step_capacity(actor, state) is not None:
                    corrector_stage = state.stage_index
                    break
        _set_coverage(route, revision, carry_below_stage=corrector_stage)
        route.revision = revision
        event = hooks.UNCHANGED
        if route.status == Route.Status.IN_PROGRESS:
            if corrector_stage is None:
                _cancel_active(route, now)
            else:
                StepState.objects.filter(route=route, status=ACTIVE).update(revision=revision)
            event = _activate_from(route, 0, now)
        _event(
            route,
            RouteEvent.Kind.REVISION_CHANGED,
            actor=actor,
            from_revision=old,
            note=note,
            data={"by_reviewer": corrector_stage is not None, "resume_stage": route.current_stage},
        )
        _save_route(route, now)
        return _finish(route, actor, WORKFLOWS_ROUTE_REVISION_CHANGED, event, from_revision=old)


# --- administration and comments --------------------------------------------------------------


def step_reassign(
    *,
    step_state: StepState,
    actor: Pegawai,
    to: Pegawai,
    note: str,
    expected_version: int | None = None,
) -> RouteOutcome:
    """An administrator hands a waiting step to another person (recorded, never silent):
    only to someone the organisation names for the step (`step_reassign_candidates`),
    never to an arbitrary person, the administrator himself included."""
    note = _require_note(note)
    if not can_reassign(actor):
        raise PermissionDeniedError(_("Only an administrator may reassign a step."))
    if not to.is_active:
        raise ApplicationError(_("%(name)s cannot receive work.") % {"name": to}, code="invalid")
    now = timezone.now()
    with transaction.atomic():
        route = _lock_route(step_state.route_id)
        _check_version(route, expected_version)
        state = _load_active_state(route, step_state, route.revision)
        if not can_receive_step(to, state):
            raise PermissionDeniedError(
                _(
                    "%(name)s does not hold this step's position, is not in its unit or team "
                    "and is not above it; the step cannot be handed to them."
                )
                % {"name": to},
                code="not_allowed_assignee",
            )
        previous = state.assignee_id
        state.assignee = to
        state.assignee_capacity = StepState.Capacity.REASSIGNED
        state.reassigned = True
        state.save(update_fields=["assignee", "assignee_capacity", "reassigned"])
        _event(
            route,
            RouteEvent.Kind.REASSIGNED,
            actor=actor,
            step_state=state,
            acting_for_id=state.jabatan_id,
            note=note,
            data={"from": previous, "to": to.pk},
        )
        notifikasi_create(
            recipient=to,
            kind="step",
            text=notice_text(
                gettext_noop("Assigned to you: %(subject)s"), {"subject": _subject(route)}
            ),
            route=route,
            key=f"reassign:{state.pk}:{to.pk}:{route.version}",
        )
        _save_route(route, now)
        return _finish(
            route,
            actor,
            WORKFLOWS_STEP_REASSIGN,
            hooks.UNCHANGED,
            state,
            previous=previous,
            to=to.pk,
        )


def route_comment(*, route: Route, actor: Pegawai, note: str) -> RouteEvent:
    """A comment on the route's timeline by someone who may see it."""
    note = _require_note(note)
    if not can_view_route(actor, route):
        raise PermissionDeniedError(_("You are not part of this route."))
    with transaction.atomic():
        event = _event(route, RouteEvent.Kind.COMMENT, actor=actor, note=note)
        _audit(actor, WORKFLOWS_ROUTE_COMMENT, route, event=event.pk)
    return event
