"""Reads for the approval screens: the letter list, the letter page's route and timeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from core.models import Pegawai
from naskah.models import Naskah
from naskah.permissions import naskah_visible_to
from naskah.services.approval import naskah_route_latest
from workflows.models import Route, Stage, Step, StepState
from workflows.permissions import can_reassign, step_capacity
from workflows.selectors import route_active_states, route_stages, route_timeline

CAPACITY_LABELS = dict(StepState.Capacity.choices)


def naskah_list_for_user(user: Pegawai, *, status: str | None = None) -> QuerySet[Naskah]:
    """Every letter the user may see, newest change first (a fixed number of queries)."""
    qs = naskah_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("jenis", "unit", "konseptor", "penandatangan").order_by(
        "-updated_at", "-pk"
    )


@dataclass
class MyStep:
    state: StepState
    capacity: str
    earlier_steps: list[Step]

    @property
    def capacity_label(self) -> str:
        return str(CAPACITY_LABELS.get(self.capacity, self.capacity))


@dataclass
class RoutePage:
    route: Route | None
    stages: list[Stage]
    timeline: list
    mine: list[MyStep]
    waiting: list[StepState]
    can_reassign: bool


def naskah_route_page(naskah: Naskah, user: Pegawai) -> RoutePage:
    """The route, timeline and the steps the user may act on now."""
    route = naskah_route_latest(naskah)
    if route is None:
        return RoutePage(None, [], [], [], [], False)
    stages = route_stages(route)
    waiting = route_active_states(route) if route.status == Route.Status.IN_PROGRESS else []
    mine = []
    for state in waiting:
        capacity = step_capacity(user, state)
        if capacity is None:
            continue
        earlier = [
            step
            for stage in stages
            if stage.index < state.stage_index
            for step in stage.steps.all()
        ]
        mine.append(MyStep(state=state, capacity=capacity, earlier_steps=earlier))
    return RoutePage(
        route=route,
        stages=stages,
        timeline=[
            (entry, CAPACITY_LABELS.get(entry.capacity, entry.capacity))
            for entry in route_timeline(route)
        ],
        mine=mine,
        waiting=waiting,
        can_reassign=bool(waiting) and can_reassign(user),
    )


def naskah_signature_state_for(naskah: Naskah, user: Pegawai) -> StepState | None:
    """The route's waiting signature step when `user` acts for it today (the signer), so
    the signing page can offer to return the letter to its drafter."""
    from workflows.models import StepKind

    route = naskah_route_latest(naskah)
    if route is None or not route.is_open:
        return None
    for state in StepState.objects.filter(
        route=route, status=StepState.Status.ACTIVE, step__kind=StepKind.TANDATANGAN
    ).select_related("step", "jabatan", "tim_kerja", "route"):
        if step_capacity(user, state) is not None:
            return state
    return None
