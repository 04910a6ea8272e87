"""Step deadlines: reminders, escalation to the superior, the periodic job."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_noop

from core.clock import office_time
from core.models import Jabatan
from core.selectors.organisasi import jabatan_holder_on
from workflows.events import WORKFLOWS_STEP_ESCALATE, WORKFLOWS_STEP_REMIND
from workflows.models import (
    RouteEvent,
    StepState,
)
from workflows.notice_text import notice_text
from workflows.services.notifikasi import ACTIVE, _audit, _subject, notifikasi_create
from workflows.services.route import _event

# --- deadlines -----------------------------------------------------------------------------


def _superior_of(state: StepState) -> Jabatan | None:
    if state.tim_kerja is not None:
        return state.tim_kerja.jabatan_pembina
    return state.jabatan.atasan if state.jabatan is not None else None


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
            if state.assignee is not None:
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
            _audit(None, WORKFLOWS_STEP_REMIND, route, step_state=state.pk)
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
            if state.assignee is not None:
                notifikasi_create(
                    recipient=state.assignee,
                    kind="overdue",
                    text=notice_text(
                        gettext_noop("Overdue: %(subject)s"), {"subject": _subject(route)}
                    ),
                    route=route,
                    key=f"overdue:{state.pk}",
                )
            _audit(None, WORKFLOWS_STEP_ESCALATE, route, step_state=state.pk)
            counts["escalated"] += 1
    return counts
