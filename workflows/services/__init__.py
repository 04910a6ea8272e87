"""Every state change of the approval engine, top to bottom in one module.

Each public service is keyword-only, atomic, locks the route row (``select_for_update``)
before reading its state, checks the revision and step status the caller saw, writes its
`RouteEvent`, its audit event (``core.services.audit.audit_record``) and then dispatches the
outcome to the handlers registered in ``workflows.hooks``. Whoever loses a race gets a
``ConflictError`` and nothing changes.

Re-approval rule (docs/workflows.md): an approval stays valid while its ``covers_revision``
equals the route's current revision. A correction made by a reviewer (step_approve_with_
correction, or route_revision_changed by the person acting on the current step) carries the
approvals of EARLIER stages to the new revision: the reviewer above took responsibility for
the change. Any other edit (by the drafter, or anyone not acting on the current step) voids
every approval. After a change the route resumes at the first stage whose approvals no
longer reach its quorum on the current revision.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import hooks as core_hooks
from core.clock import office_time
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Jabatan, Pegawai, Penugasan, TimKerja, UnitKerja
from core.selectors.organisasi import jabatan_holder_on, pegawai_assignments_on
from core.services.audit import audit_record
from core.services.queue import MAIL
from core.validators import single_line
from core.vocabulary import Urgensi
from workflows import hooks
from workflows.hooks import RouteOutcome
from workflows.models import (
    Notifikasi,
    Route,
    RouteEvent,
    Stage,
    Step,
    StepKind,
    StepState,
)
from workflows.notice_text import notice_text
from workflows.office_calendar import step_deadline
from workflows.permissions import can_reassign, can_receive_step, can_view_route, step_capacity
from workflows.proposal import ProposedStage, route_proposal_check, route_propose

logger = logging.getLogger(__name__)

ACTIVE = StepState.Status.ACTIVE
APPROVED = StepState.Status.APPROVED


# --- helpers ---------------------------------------------------------------------------------


def _reminder_share() -> float:
    """Share of a step's time left when the reminder goes out (default: the last quarter)."""
    return float(getattr(settings, "NASKAH", {}).get("PENGINGAT_SISA", 0.25))


def _subject(route: Route) -> str:
    """What a notification may say about the object: never a confidential title."""
    if route.confidential:
        kind = route.object_label or _("A document")
        if route.security_class:
            return _("%(kind)s classified %(class)s") % {
                "kind": kind,
                "class": route.security_class,
            }
        return _("%(kind)s (confidential)") % {"kind": kind}
    if route.object_label:
        return f"{route.object_label}: {route.title}"
    return route.title


def _audit(actor: Pegawai | None, action: str, route: Route, **details) -> None:
    audit_record(
        actor=actor,
        action=f"workflows.{action}",
        obj=route,
        object_repr=_subject(route)[:255],
        details={
            "object_type": f"{route.content_type.app_label}.{route.content_type.model}",
            "object_id": route.object_id,
            "revision": route.revision,
            "route_version": route.version,
            **details,
        },
    )


def notifikasi_create(
    *,
    recipient: Pegawai,
    kind: str,
    text: str,
    route: Route | None = None,
    key: str | None = None,
    link: str = "",
) -> Notifikasi | None:
    """Create an in-app notice (once per key) and send its e-mail after commit. The text
    must carry no confidential content (it is also the e-mail's). Pass it as
    workflows.notice_text.notice_text(msgid, params) so each reader sees it in their
    language; a plain string is shown as it is."""
    if key and Notifikasi.objects.filter(key=key).exists():
        return None
    link = link or (route.link if route is not None and route.link else "")
    if not link and route is not None:
        link = reverse("workflows:route_detail", args=[route.pk])
    notice = Notifikasi.objects.create(
        recipient=recipient,
        kind=kind,
        text=text[:500],
        # A workflows.notice_text.NoticeText: shown in the viewer's language.
        text_msgid=getattr(text, "msgid", "")[:300],
        text_params=getattr(text, "params", None),
        link=link[:500],
        route=route,
        key=key,
        email_state=Notifikasi.EmailState.PENDING if recipient.email else "",
    )
    if recipient.email:
        _enqueue_email(notice.pk)
    return notice


def _penugasan_notice_text(event: str) -> str:
    return {
        core_hooks.PENUGASAN_REQUESTED: gettext_noop(
            "Assignment requested, awaiting a second administrator: %(assignment)s"
        ),
        core_hooks.PENUGASAN_EFFECTIVE: gettext_noop("Assignment in effect: %(assignment)s"),
        core_hooks.PENUGASAN_REJECTED: gettext_noop("Assignment request rejected: %(assignment)s"),
        core_hooks.PENUGASAN_CHANGED: gettext_noop("Assignment changed: %(assignment)s"),
        core_hooks.PENUGASAN_ENDED: gettext_noop("Assignment ended: %(assignment)s"),
    }[event]


def penugasan_notice_recipients(penugasan: Penugasan) -> list[Pegawai]:
    """Who is told about an assignment: whoever acts today for the head of the position's
    unit (for the head's own position: for its superior position) and the position's
    definitive holder."""
    from core.selectors.organisasi import jabatan_definitive_holder_on, unit_head

    jabatan = penugasan.jabatan
    head = unit_head(jabatan.unit)
    if head is None or head.pk == jabatan.pk:
        head = jabatan.atasan
    people: dict[int, Pegawai] = {}
    holder = jabatan_holder_on(head) if head is not None else None
    if holder is not None:
        people[holder.pegawai.pk] = holder.pegawai
    definitive = jabatan_definitive_holder_on(jabatan)
    if definitive is not None:
        people[definitive.pk] = definitive
    return list(people.values())


def penugasan_notify(event: str, label: str, pk: str) -> None:
    """The notice of an assignment event (core.hooks.PENUGASAN_*) to the unit's head."""
    penugasan = Penugasan.objects.select_related("pegawai", "jabatan__unit", "jabatan__atasan").get(
        pk=pk
    )
    text = notice_text(_penugasan_notice_text(event), {"assignment": str(penugasan)})
    for recipient in penugasan_notice_recipients(penugasan):
        notifikasi_create(recipient=recipient, kind="penugasan", text=text)


PENUGASAN_NOTICE_HANDLERS = {
    event: functools.partial(penugasan_notify, event) for event in core_hooks.PENUGASAN_EVENTS
}


def _enqueue_email(notifikasi_id: int) -> None:
    """The e-mail goes out once the notice's transaction commits (the queue row commits
    with it; core.services.queue)."""
    from core.services.queue import task_enqueue

    task_enqueue("workflows.tasks.notifikasi_email_task", notifikasi_id, queue=MAIL)


def _email_slot():
    from core.services.attempts import Slot

    S = Notifikasi.EmailState
    return Slot(
        model=Notifikasi,
        kind="workflows.email",
        task="workflows.tasks.notifikasi_email_task",
        status="email_state",
        attempts="email_attempts",
        claim="email_token",
        lease="email_lease",
        started="email_started_at",
        error="email_error",
        next_try="email_next_try",
        pending=S.PENDING,
        running=S.SENDING,
        failed=S.FAILED,
        queue=MAIL,
    )


def notifikasi_send_email(*, notifikasi_id: int) -> bool:
    """Send the e-mail of one notice unless already sent: one attempt recorded on the
    notice (core.services.attempts), outside any transaction, bounded by EMAIL_TIMEOUT; a
    failure is stored and retried with backoff, then left "failed" (admin list). Returns
    True when sent by this call."""
    from core.services.attempts import attempt_claim, attempt_done, attempt_failed, max_attempts

    slot = _email_slot()
    # Notices from before attempts were recorded have no state yet.
    Notifikasi.objects.filter(pk=notifikasi_id, email_state="", emailed_at__isnull=True).update(
        email_state=Notifikasi.EmailState.PENDING
    )
    attempt = attempt_claim(slot, notifikasi_id)
    if attempt is None:
        return False
    notice = Notifikasi.objects.select_related("recipient").get(pk=notifikasi_id)
    if attempt.exhausted or not notice.recipient.email:
        attempt_failed(
            slot,
            attempt,
            error=_("Sending stopped after %(n)d attempts that did not finish.")
            % {"n": attempt.number - 1}
            if attempt.exhausted
            else _("The e-mail could not be sent."),
            retry=False,
        )
        return False
    base = getattr(settings, "NASKAH", {}).get("PUBLIC_BASE_URL", "")
    body = notice.text
    if notice.link:
        body += "\n\n" + base.rstrip("/") + notice.link
    try:
        send_mail(
            subject=single_line(f"[Naskah] {notice.text}")[:150],
            message=body,
            from_email=None,
            recipient_list=[notice.recipient.email],
        )
    except Exception as error:  # noqa: BLE001 - recorded on the notice, retried
        logger.warning("notification e-mail %s failed: %r", notice.pk, error)
        attempt_failed(
            slot,
            attempt,
            error=_("The e-mail could not be sent.")
            + " "
            + _("(attempt %(n)d of %(max)d)") % {"n": attempt.number, "max": max_attempts()},
        )
        return False
    return attempt_done(slot, attempt, status=Notifikasi.EmailState.SENT, emailed_at=timezone.now())


def notifikasi_email_retry(*, notifikasi_ids: Iterable[int], actor: Pegawai) -> int:
    """Queue the failed e-mails of these notices again (administrators, from the admin
    list), each with a fresh count; audited. Returns how many were queued."""
    from core.services.attempts import attempt_reset

    slot = _email_slot()
    queued = []
    with transaction.atomic():
        for pk in notifikasi_ids:
            if attempt_reset(slot, pk):
                queued.append(pk)
                _enqueue_email(pk)
        if queued:
            audit_record(
                actor=actor,
                action="workflows.notifikasi.email_retry",
                obj=None,
                object_repr="notifikasi",
                details={"notifikasi": queued},
            )
    return len(queued)


def notifikasi_open(*, user: Pegawai, notifikasi_id: int) -> Notifikasi:
    """The user opens one of his notices: it is marked read (once) and returned."""
    notice = Notifikasi.objects.filter(recipient=user, pk=notifikasi_id).first()
    if notice is None:
        raise PermissionDeniedError(_("This notification is not yours."))
    if notice.read_at is None:
        Notifikasi.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
        notice.refresh_from_db(fields=["read_at"])
    return notice


def notifikasi_mark_read(*, user: Pegawai, notifikasi_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread when no ids are given)."""
    qs = Notifikasi.objects.filter(recipient=user, read_at__isnull=True)
    if notifikasi_ids is not None:
        qs = qs.filter(pk__in=list(notifikasi_ids))
    return qs.update(read_at=timezone.now())


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
    assignee, capacity = None, StepState.Capacity.VACANT
    if step.tim_kerja_id:
        team = step.tim_kerja
        if team.aktif and team.mulai <= day and (team.selesai is None or team.selesai >= day):
            assignee, capacity = team.ketua, StepState.Capacity.KETUA_TIM
    else:
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
        text = notice_text(
            gettext_noop("Ready for your signature: %(subject)s")
            if step.kind == StepKind.TANDATANGAN
            else gettext_noop("Needs your initial: %(subject)s"),
            {"subject": subject},
        )
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
        if kind == StepKind.TANDATANGAN:
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
            route, drafter, "route.start", event, stages=len(chosen), signer=signer_jabatan.pk
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
        return _finish(route, actor, "step.approve", event, state, step_state=state.pk)


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
            route, actor, "step.correct", event, state, step_state=state.pk, from_revision=old
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
            return _finish(route, actor, "step.return", hooks.RETURNED, state, to="drafter")
        # Void the target's approval and every approval after its stage.
        StepState.objects.filter(route=route, status=APPROVED).filter(
            models.Q(step=target) | models.Q(stage_index__gt=target.stage.index)
        ).update(covers_revision="")
        event = _activate_from(route, target.stage.index, now)
        _save_route(route, now)
        return _finish(route, actor, "step.return", event, state, to_step=target.pk)


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
        return _finish(route, actor, "route.reject", hooks.REJECTED, state)


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
        return _finish(route, actor, "route.withdraw", hooks.WITHDRAWN)


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
        return _finish(route, actor, "route.resubmit", event, from_revision=old)


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
        return _finish(route, actor, "route.revision_changed", event, from_revision=old)


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
            route, actor, "step.reassign", hooks.UNCHANGED, state, previous=previous, to=to.pk
        )


def route_comment(*, route: Route, actor: Pegawai, note: str) -> RouteEvent:
    """A comment on the route's timeline by someone who may see it."""
    note = _require_note(note)
    if not can_view_route(actor, route):
        raise PermissionDeniedError(_("You are not part of this route."))
    with transaction.atomic():
        event = _event(route, RouteEvent.Kind.COMMENT, actor=actor, note=note)
        _audit(actor, "route.comment", route, event=event.pk)
    return event


# --- deadlines -----------------------------------------------------------------------------


def _superior_of(state: StepState) -> Jabatan | None:
    if state.tim_kerja_id:
        return state.tim_kerja.jabatan_pembina
    return state.jabatan.atasan if state.jabatan_id else None


def deadlines_process(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send due reminders and escalate overdue steps. Each row is claimed by a conditional
    update, so running twice (or on two workers) sends each notice once."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    due_soon = StepState.objects.filter(
        status=ACTIVE, remind_at__lte=now, due_at__gt=now, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due_soon[:1000]):
        with transaction.atomic():
            if not StepState.objects.filter(pk=pk, status=ACTIVE, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            state = StepState.objects.select_related("route__content_type").get(pk=pk)
            route = state.route
            _event(
                route,
                RouteEvent.Kind.REMINDER,
                step_state=state,
                data={"due_at": str(state.due_at)},
            )
            if state.assignee_id:
                notifikasi_create(
                    recipient=state.assignee,
                    kind="reminder",
                    text=notice_text(
                        gettext_noop("Due %(due)s: %(subject)s"),
                        {
                            "due": formats.date_format(
                                timezone.localtime(state.due_at), "SHORT_DATETIME_FORMAT"
                            ),
                            "subject": _subject(route),
                        },
                    ),
                    route=route,
                    key=f"reminder:{state.pk}",
                )
            _audit(None, "step.remind", route, step_state=state.pk)
            counts["reminded"] += 1
    overdue = StepState.objects.filter(
        status=ACTIVE, due_at__lte=now, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(overdue[:1000]):
        with transaction.atomic():
            if not StepState.objects.filter(pk=pk, status=ACTIVE, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            state = StepState.objects.select_related(
                "route__content_type",
                "step",
                "jabatan__atasan",
                "tim_kerja__jabatan_pembina",
                "assignee",
            ).get(pk=pk)
            route = state.route
            superior = _superior_of(state)
            holder = jabatan_holder_on(superior, office_time(now).date()) if superior else None
            _event(
                route,
                RouteEvent.Kind.ESCALATED,
                step_state=state,
                acting_for=superior,
                data={
                    "superior_jabatan": superior.pk if superior else None,
                    "notified": holder.pegawai.pk if holder else None,
                    "due_at": str(state.due_at),
                },
            )
            who = (
                state.assignee.nama_lengkap
                if state.assignee
                else notice_text(gettext_noop("(vacant)"))
            )
            if holder is not None:
                notifikasi_create(
                    recipient=holder.pegawai,
                    kind="escalation",
                    text=notice_text(
                        gettext_noop("Overdue with %(who)s (%(step)s): %(subject)s"),
                        {"who": who, "step": state.step.label, "subject": _subject(route)},
                    ),
                    route=route,
                    key=f"escalation:{state.pk}",
                )
            if state.assignee_id:
                notifikasi_create(
                    recipient=state.assignee,
                    kind="overdue",
                    text=notice_text(
                        gettext_noop("Overdue: %(subject)s"), {"subject": _subject(route)}
                    ),
                    route=route,
                    key=f"overdue:{state.pk}",
                )
            _audit(None, "step.escalate", route, step_state=state.pk)
            counts["escalated"] += 1
    return counts
