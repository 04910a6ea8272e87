"""The route engine: locking, versions, activating steps and stages, coverage of revisions;
starting a route."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.clock import office_time
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Jabatan, Pegawai, TimKerja, UnitKerja
from core.selectors.organisasi import jabatan_holder_on, pegawai_assignments_on
from core.vocabulary import Urgensi
from workflows import hooks
from workflows.events import WORKFLOWS_ROUTE_START
from workflows.hooks import RouteOutcome
from workflows.models import (
    Route,
    RouteEvent,
    Stage,
    Step,
    StepState,
)
from workflows.notice_text import notice_text
from workflows.office_calendar import step_deadline
from workflows.permissions import step_capacity
from workflows.proposal import ProposedStage, route_proposal_check, route_propose
from workflows.services.notifikasi import (
    ACTIVE,
    APPROVED,
    _audit,
    _reminder_share,
    _subject,
    notifikasi_create,
)
from workflows.step_kinds import is_signature, step_kind


def _event(route: Route, kind: str, **fields) -> RouteEvent:
    return RouteEvent.objects.create(route=route, kind=kind, revision=route.revision, **fields)


def _save_route(route: Route, now: dt.datetime, *, status_changed: bool = False) -> None:
    route.version += 1
    if status_changed:
        route.status_since = now
    route.save(
        update_fields=[
            "revision",
            "status",
            "current_stage",
            "version",
            "status_since",
            "finished_at",
        ]
    )


def _lock_route(route_id: int) -> Route:
    # The drafter comes along: most transitions notify them (only the route row is locked).
    return (
        Route.objects.select_for_update(of=("self",))
        .select_related("content_type", "drafter")
        .get(pk=route_id)
    )


def _check_version(route: Route, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != route.version:
        raise ConflictError(
            _("This route changed since you opened it. Reload the page and try again."),
            extra={"version": route.version},
        )


def _require_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Please write a note explaining why."), code="note_required")
    return note


def _activate_step(route: Route, step: Step, now: dt.datetime) -> StepState:
    """Put a step in front of the person acting for its position (or team) today."""
    day = office_time(now).date()
    assignee: Pegawai | None = None
    capacity: str = StepState.Capacity.VACANT
    if (team := step.tim_kerja) is not None:
        if team.aktif and team.mulai <= day and (team.selesai is None or team.selesai >= day):
            assignee, capacity = team.ketua, StepState.Capacity.KETUA_TIM
    elif step.jabatan is not None:
        holder = jabatan_holder_on(step.jabatan, day)
        if holder is not None:
            assignee, capacity = holder.pegawai, holder.jenis
    due = step_deadline(now, route.urgency)
    state = StepState.objects.create(
        step=step,
        route=route,
        stage_index=step.stage.index,
        kind=step.kind,
        jabatan_id=step.jabatan_id,
        tim_kerja_id=step.tim_kerja_id,
        status=ACTIVE,
        assignee=assignee,
        assignee_capacity=capacity,
        revision=route.revision,
        activated_at=now,
        due_at=due,
        remind_at=due - (due - now) * _reminder_share(),
    )
    _event(
        route,
        RouteEvent.Kind.ACTIVATED,
        step_state=state,
        acting_for_id=step.jabatan_id,
        data={"assignee": assignee.pk if assignee else None, "capacity": capacity},
    )
    subject = _subject(route)
    if assignee is not None:
        text = notice_text(step_kind(step.kind).notice, {"subject": subject})
        notifikasi_create(
            recipient=assignee, kind="step", text=text, route=route, key=f"step:{state.pk}"
        )
    else:
        _event(route, RouteEvent.Kind.VACANT, step_state=state, acting_for_id=step.jabatan_id)
        notifikasi_create(
            recipient=route.drafter,
            kind="vacant",
            text=notice_text(
                gettext_noop(
                    "Nobody holds “%(step)s”; an administrator must reassign: %(subject)s"
                ),
                {"step": step.label, "subject": subject},
            ),
            route=route,
            key=f"vacant:{state.pk}",
        )
    return state


def _activate_from(route: Route, start: int, now: dt.datetime) -> str:
    """Resume the route at the first stage from `start` whose quorum is not met on the
    current revision; activate its missing steps. Returns a hooks event name."""
    previous = route.current_stage
    # The stages from `start` with their step ids (a stage without steps comes back as one
    # row of NULLs: outer join), and the states of those stages, as plain values. Step rows
    # are read only for a stage that has steps to activate.
    stages: dict[int, tuple[str, int | None, list[int]]] = {}
    for index, kind, quorum, step_id in (
        Stage.objects.filter(route=route, index__gte=start)
        .order_by("index", "steps__order", "steps__id")
        .values_list("index", "kind", "quorum", "steps__id")
    ):
        step_ids = stages.setdefault(index, (kind, quorum, []))[2]
        if step_id is not None:
            step_ids.append(step_id)
    valid: set[int] = set()
    active: dict[int, int] = {}  # step id -> its active state's id
    for pk, step_id, status, covers in StepState.objects.filter(
        route=route, stage_index__gte=start
    ).values_list("pk", "step_id", "status", "covers_revision"):
        if status == APPROVED and covers == route.revision:
            valid.add(step_id)
        elif status == ACTIVE:
            active[step_id] = pk
    for index, (kind, quorum, step_ids) in stages.items():
        needed = quorum or len(step_ids)
        if sum(1 for step_id in step_ids if step_id in valid) >= needed:
            skipped = [active[step_id] for step_id in step_ids if step_id in active]
            if skipped:
                StepState.objects.filter(pk__in=skipped).update(
                    status=StepState.Status.SKIPPED, acted_at=now
                )
            continue
        route.current_stage = index
        missing = [
            step_id for step_id in step_ids if step_id not in valid and step_id not in active
        ]
        if missing:
            # With the stage and position that activating needs; teams and their leads in
            # one more query, only when a step is a team's.
            for step in (
                Step.objects.filter(pk__in=missing)
                .select_related("stage", "jabatan")
                .prefetch_related("tim_kerja__ketua")
                .order_by("order", "pk")
            ):
                _activate_step(route, step, now)
        if is_signature(kind):
            _event(route, RouteEvent.Kind.SIGNATURE_REACHED)
            return hooks.SIGNATURE_REACHED
        return hooks.ADVANCED if previous != index else hooks.UNCHANGED
    route.status = Route.Status.COMPLETED
    route.current_stage = None
    route.finished_at = now
    route.status_since = now
    _event(route, RouteEvent.Kind.COMPLETED)
    notifikasi_create(
        recipient=route.drafter,
        kind="completed",
        text=notice_text(
            gettext_noop("Approved and signed: %(subject)s"), {"subject": _subject(route)}
        ),
        route=route,
        key=f"completed:{route.pk}",
    )
    return hooks.COMPLETED


def _cancel_active(route: Route, now: dt.datetime, *, keep: Iterable[int] = ()) -> None:
    StepState.objects.filter(route=route, status=ACTIVE).exclude(pk__in=list(keep)).update(
        status=StepState.Status.CANCELLED, acted_at=now
    )


def _set_coverage(route: Route, new_revision: str, *, carry_below_stage: int | None) -> None:
    """Move still-valid approvals of stages before `carry_below_stage` to the new revision;
    void every other approval (so an old revision id can never revive them)."""
    approved = StepState.objects.filter(route=route, status=APPROVED).exclude(covers_revision="")
    if carry_below_stage is not None:
        approved.filter(stage_index__lt=carry_below_stage, covers_revision=route.revision).update(
            covers_revision=new_revision
        )
        approved.exclude(stage_index__lt=carry_below_stage, covers_revision=new_revision).update(
            covers_revision=""
        )
    else:
        approved.update(covers_revision="")


def _load_active_state(route: Route, step_state: StepState, revision: str) -> StepState:
    state = (
        StepState.objects.select_related("jabatan", "tim_kerja")
        .filter(pk=step_state.pk, route=route)
        .first()
    )
    if state is None:
        raise ApplicationError(_("This step does not belong to the route."), code="not_found")
    if route.status != Route.Status.IN_PROGRESS:
        raise ConflictError(
            _("The route is no longer in progress (it is now “%(status)s”).")
            % {"status": route.get_status_display()}
        )
    if state.status != ACTIVE:
        who = state.acted_by.nama_lengkap if state.acted_by else _("the system")
        raise ConflictError(
            _("This step was already handled (%(status)s) by %(who)s. Reload the page.")
            % {"status": state.get_status_display(), "who": who}
        )
    if revision != route.revision:
        raise ConflictError(
            _(
                "The document changed since you opened it (you saw revision %(seen)s, the "
                "current one is %(current)s). Review the current revision and try again."
            )
            % {"seen": revision, "current": route.revision},
            code="stale_revision",
        )
    return state


def _capacity_or_deny(actor: Pegawai, state: StepState) -> str:
    capacity = step_capacity(actor, state)
    if capacity is None:
        raise PermissionDeniedError(_("This step is not yours to act on."))
    return capacity


def _record_action(
    state: StepState, *, actor: Pegawai, capacity: str, status: str, note: str, now
) -> None:
    state.status = status
    state.acted_by = actor
    state.acted_capacity = capacity
    state.acted_at = now
    state.note = note
    state.save(
        update_fields=[
            "status",
            "acted_by",
            "acted_capacity",
            "acted_at",
            "note",
            "approved_revision",
            "covers_revision",
        ]
    )


def _finish(route: Route, actor: Pegawai | None, action: str, event: str, state=None, **details):
    _audit(actor, action, route, outcome=event, **details)
    return hooks.dispatch(RouteOutcome(route=route, event=event, step_state=state))


# --- starting a route ------------------------------------------------------------------------


def route_start(
    *,
    drafter: Pegawai,
    drafter_jabatan: Jabatan,
    signer_jabatan: Jabatan,
    obj: models.Model,
    revision: str,
    title: str,
    stages: list[ProposedStage] | None = None,
    koordinasi_units: list[UnitKerja] | tuple = (),
    required_koordinasi_units: list[UnitKerja] | tuple = (),
    tim_kerja: TimKerja | None = None,
    max_paraf: int | None = None,
    urgency: str = Urgensi.BIASA,
    security_class: str = "",
    confidential: bool = False,
    unit: UnitKerja | None = None,
    link: str = "",
    object_label: str = "",
    note: str = "",
) -> RouteOutcome:
    """Start the approval route of `obj` at `revision`. `stages` is the drafter's edited
    proposal (None accepts the proposal as derived); it is checked against the rules.
    `note` is the drafter's note to the reviewers, kept on the start event."""
    revision = str(revision or "").strip()
    title = (title or "").strip()
    if not revision:
        raise ApplicationError(_("A revision is required."), code="invalid")
    if not title:
        raise ApplicationError(_("A title is required."), code="invalid")
    if urgency not in Urgensi.values:
        raise ApplicationError(_("Unknown urgency “%(u)s”.") % {"u": urgency}, code="invalid")
    if obj.pk is None:
        raise ApplicationError(_("Save the object before routing it."), code="invalid")
    if drafter_jabatan.pk not in {p.jabatan_id for p in pegawai_assignments_on(drafter)}:
        raise PermissionDeniedError(
            _("You do not hold the position “%(j)s” today.") % {"j": drafter_jabatan.nama}
        )
    proposal = route_propose(
        drafter=drafter,
        drafter_jabatan=drafter_jabatan,
        signer_jabatan=signer_jabatan,
        koordinasi_units=koordinasi_units,
        required_koordinasi_units=required_koordinasi_units,
        max_paraf=max_paraf,
        tim_kerja=tim_kerja,
    )
    chosen = route_proposal_check(proposal=proposal, stages=stages)
    now = timezone.now()
    ct = ContentType.objects.get_for_model(obj)
    with transaction.atomic():
        try:
            with transaction.atomic():
                route = Route.objects.create(
                    content_type=ct,
                    object_id=str(obj.pk),
                    revision=revision,
                    title=title[:255],
                    object_label=object_label[:100],
                    urgency=urgency,
                    security_class=security_class,
                    confidential=confidential,
                    unit=unit,
                    link=link,
                    drafter=drafter,
                    drafter_jabatan=drafter_jabatan,
                    started_at=now,
                    status_since=now,
                )
        except IntegrityError as exc:
            raise ConflictError(
                _("This object already has an approval route in progress.")
            ) from exc
        required = {key for _kind, key in proposal.required_keys}
        for index, proposed in enumerate(chosen):
            stage = Stage.objects.create(
                route=route, index=index, kind=proposed.kind, quorum=proposed.quorum
            )
            for order, item in enumerate(proposed.steps):
                Step.objects.create(
                    route=route,
                    stage=stage,
                    order=order,
                    kind=item.kind,
                    jabatan_id=item.jabatan_id,
                    tim_kerja_id=item.tim_kerja_id,
                    label=item.label or "-",
                    required=item.key in required,
                )
        _event(route, RouteEvent.Kind.STARTED, actor=drafter, acting_for=drafter_jabatan, note=note)
        event = _activate_from(route, 0, now)
        _save_route(route, now)
        return _finish(
            route,
            drafter,
            WORKFLOWS_ROUTE_START,
            event,
            stages=len(chosen),
            signer=signer_jabatan.pk,
        )
