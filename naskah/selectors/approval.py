"""Reads for the approval screens: the letter list, the letter page's route and timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import ApplicationError, PermissionDeniedError
from core.models import Jabatan, Pegawai, TimKerja, UnitKerja
from core.selectors.organisasi import pegawai_assignments_on
from naskah.models import JenisNaskah, Naskah
from naskah.permissions import naskah_visible_to
from workflows.models import Route, Stage, Step, StepState
from workflows.permissions import can_reassign, step_capacity
from workflows.proposal import RouteProposal, route_propose
from workflows.selectors import (
    RouteApprovals,
    route_active_states,
    route_approvals,
    route_stages,
    route_timeline,
)

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
    from workflows.step_kinds import SIGNATURE_KINDS

    route = naskah_route_latest(naskah)
    if route is None or not route.is_open:
        return None
    for state in StepState.objects.filter(
        route=route, status=StepState.Status.ACTIVE, step__kind__in=SIGNATURE_KINDS
    ).select_related("step", "jabatan", "tim_kerja", "route"):
        if step_capacity(user, state) is not None:
            return state
    return None


def _naskah_ct() -> ContentType:
    return ContentType.objects.get_for_model(Naskah)


def naskah_route_open(naskah: Naskah, *, lock: bool = False) -> Route | None:
    """The letter's open route (in progress or returned), locked when asked."""
    qs = Route.objects.filter(
        content_type=_naskah_ct(), object_id=str(naskah.pk), status__in=Route.OPEN_STATUSES
    )
    if lock:
        # Lock the route row only, not the joined content type row shared by every route.
        qs = qs.select_for_update(of=("self",))
    return qs.select_related("content_type").first()


def naskah_route_latest(naskah: Naskah) -> Route | None:
    """The open route, else the most recent one."""
    qs = Route.objects.filter(content_type=_naskah_ct(), object_id=str(naskah.pk))
    return (
        qs.filter(status__in=Route.OPEN_STATUSES).first()
        or qs.order_by("-started_at", "-pk").first()
    )


def naskah_drafter_jabatan(naskah: Naskah, tanggal: dt.date | None = None) -> Jabatan:
    """The position the konseptor drafts from today: one in the letter's unit, else their
    first position."""
    rows = pegawai_assignments_on(naskah.konseptor, tanggal)
    if not rows:
        raise PermissionDeniedError(
            _("The drafter holds no position today, so the letter cannot be submitted.")
        )
    for row in rows:
        if row.jabatan.unit_id == naskah.unit_id:
            return row.jabatan
    return rows[0].jabatan


def jenis_koordinasi_wajib(jenis: JenisNaskah) -> list[UnitKerja]:
    """The units that must initial every letter of the type: JenisNaskah.koordinasi_wajib,
    and the legal bureau (setting NASKAH_UNIT_BIRO_HUKUM) for types it initials."""
    codes = list(jenis.koordinasi_wajib or [])
    if jenis.paraf_biro_hukum:
        codes.append(settings.NASKAH_UNIT_BIRO_HUKUM)
    codes = list(dict.fromkeys(codes))
    if not codes:
        return []
    units = {u.kode: u for u in UnitKerja.objects.filter(kode__in=codes, aktif=True)}
    missing = [code for code in codes if code not in units]
    if missing:
        raise ApplicationError(
            _(
                "The letter type “%(jenis)s” requires coordination with unit(s) %(codes)s, "
                "which do not exist or are inactive. Ask an administrator to fix the type."
            )
            % {"jenis": jenis.nama, "codes": ", ".join(missing)},
            code="koordinasi_unknown",
        )
    return [units[code] for code in codes]


def naskah_route_propose(
    *,
    naskah: Naskah,
    koordinasi_units: list[UnitKerja] | tuple = (),
    tim_kerja: TimKerja | None = None,
) -> RouteProposal:
    """The route the letter would take: paraf hierarki from the drafter's superior up to
    the signer (at most NASKAH_MAX_PARAF), paraf koordinasi with the chosen units and the
    type's required ones, then the signature. Problems are listed on the proposal."""
    return route_propose(
        drafter=naskah.konseptor,
        drafter_jabatan=naskah_drafter_jabatan(naskah),
        signer_jabatan=naskah.penandatangan,
        koordinasi_units=list(koordinasi_units),
        required_koordinasi_units=jenis_koordinasi_wajib(naskah.jenis),
        tim_kerja=tim_kerja,
    )


def naskah_paraf_complete(naskah: Naskah, *, route: Route | None = None) -> bool:
    return naskah_paraf_check(naskah, route=route)[0]


def naskah_routes_open(letters) -> dict[int, Route]:
    """The open route of each letter that has one, in one query (letter pk -> route)."""
    rows = Route.objects.filter(
        content_type=_naskah_ct(),
        object_id__in=[str(n.pk) for n in letters],
        status__in=Route.OPEN_STATUSES,
    )
    return {int(route.object_id): route for route in rows}


def naskah_paraf_check(
    naskah: Naskah, *, route: Route | None = None, approvals: RouteApprovals | None = None
) -> tuple[bool, int | None]:
    """DESIGN invariant 4: the letter's route waits for the signature of the letter's
    signer, and every required paraf is recorded, stage after stage in route order, on the
    CURRENT revision. A letter drafted by its signer has no paraf hierarki: True once the
    required coordination is done.

    `route`: the letter's open route, given by a caller that holds it and the letter
    locked in its transaction (signing): then neither is read again and `naskah` must be
    that fresh, locked row. Otherwise both are read here. Two queries either way after
    that: the route's stages with their steps, and its approvals.

    `approvals`: the route's approvals read already for many letters (the batch page):
    then nothing is read here.

    Returns (complete, id of the route's active signature step state or None), so that
    the signing transaction need not look that state up again."""
    if approvals is None:
        if route is None:
            naskah = Naskah.objects.get(pk=naskah.pk)
            route = naskah_route_open(naskah)
        if route is None or route.status != Route.Status.IN_PROGRESS:
            return False, None
        approvals = route_approvals(route, str(naskah.revisi_terakhir))
    elif not approvals.in_progress:
        return False, None
    # The route waits for this letter's signer, and its paraf are complete.
    if naskah.penandatangan_id not in approvals.current_signers or not approvals.complete:
        return False, None
    return True, approvals.signature_state
