"""Who may do what on a route. Pure checks, one place (DESIGN: permissions.py per app)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from core.clock import office_today
from core.models import Jabatan, Pegawai, Penugasan
from core.selectors.organisasi import (
    jabatan_holder_on,
    jabatan_superior_chain,
    pegawai_jabatan_acting_on,
    penugasan_active_on,
)
from workflows.models import Route, StepState


def _team_lead_ok(state: StepState, day: dt.date) -> bool:
    team = state.tim_kerja
    return (
        team is not None
        and team.aktif
        and team.mulai <= day
        and (team.selesai is None or team.selesai >= day)
    )


def step_capacity(user: Pegawai, state: StepState, day: dt.date | None = None) -> str | None:
    """The capacity in which `user` may act on the step today, or None.

    A reassigned step belongs to its assignee alone; otherwise the person acting for the
    position TODAY acts (so a Plh who starts after activation takes over), or the team's lead.
    """
    day = day or office_today()
    if not user.is_active:
        return None
    if state.reassigned:
        return StepState.Capacity.REASSIGNED if state.assignee_id == user.pk else None
    if state.tim_kerja is not None:
        if _team_lead_ok(state, day) and state.tim_kerja.ketua_id == user.pk:
            return StepState.Capacity.KETUA_TIM
        return None
    holder = jabatan_holder_on(state.jabatan, day) if state.jabatan is not None else None
    if holder is not None and holder.pegawai.pk == user.pk:
        return holder.jenis
    return None


def user_acting_jabatan_ids(user: Pegawai, day: dt.date | None = None) -> list[int]:
    """Positions the user acts for today (own ones not covered by a Plh, plus Plt/Plh/Pj)."""
    return [p.jabatan.pk for p in pegawai_jabatan_acting_on(user, day)]


def can_withdraw(user: Pegawai, route: Route) -> bool:
    return route.is_open and route.drafter_id == user.pk


def can_reassign(user: Pegawai) -> bool:
    """May hand waiting steps to other people: an administration right. It never lets the
    administrator read what the route carries, nor take the step himself unless he is
    someone `step_reassign_candidates` names anyway (DESIGN invariant 12)."""
    return user.is_active and user.has_perm("workflows.reassign_route_step")


def step_reassign_candidates(state: StepState, day: dt.date | None = None) -> QuerySet[Pegawai]:
    """The people a waiting step may be handed to, by the organisation on the day:

    - whoever holds the step's position in any capacity (definitive, Plt, Plh, Pj);
    - for a team's step: the team's lead and members;
    - whoever holds a position in the same unit as the step's position (for a team: the
      team's unit), and whoever holds a position above it in the chain of superiors
      (for a team: the position it reports to and its superiors).

    Nobody else, administrators included: a reassignment never makes a reader of someone
    the letter's organisation does not name."""
    day = day or office_today()
    jabatan_ids: set[int] = set()
    units: set[int] = set()
    people = Q(pk__in=[])
    anchor: Jabatan | None = None
    if (team := state.tim_kerja) is not None:
        people |= Q(pk=team.ketua_id) | Q(keanggotaan_tim__tim=team)
        units.add(team.unit_id)
        anchor = team.jabatan_pembina
        if anchor is not None:
            jabatan_ids.add(anchor.pk)
    elif (anchor := state.jabatan) is not None:
        jabatan_ids.add(anchor.pk)
        units.add(anchor.unit_id)
    if anchor is not None:
        jabatan_ids.update(j.pk for j in jabatan_superior_chain(anchor))
    holders = Penugasan.objects.filter(penugasan_active_on(day)).filter(
        Q(jabatan_id__in=jabatan_ids) | Q(jabatan__unit_id__in=units)
    )
    people |= Q(pk__in=holders.values("pegawai_id"))
    return Pegawai.objects.filter(people, is_active=True).distinct().order_by("nama")


def can_receive_step(to: Pegawai, state: StepState, day: dt.date | None = None) -> bool:
    return step_reassign_candidates(state, day).filter(pk=to.pk).exists()


def route_participant_ids(route: Route) -> set[int]:
    """Everyone who drafted, was sent, acted on, or was reassigned a step of the route."""
    ids = {route.drafter_id}
    for assignee, actor in StepState.objects.filter(route=route).values_list(
        "assignee_id", "acted_by_id"
    ):
        ids.update(x for x in (assignee, actor) if x)
    return ids


def can_view_route(user: Pegawai, route: Route, day: dt.date | None = None) -> bool:
    """Participants, whoever acts today for a position on the route, and explicit
    django-guardian grants on the route (never model-wide permissions)."""
    if not user.is_active:
        return False
    if user.pk in route_participant_ids(route):
        return True
    acting = set(user_acting_jabatan_ids(user, day))
    if acting and StepState.objects.filter(route=route, jabatan_id__in=acting).exists():
        return True
    # Explicit grants only: no superuser bypass, no model-wide right (DESIGN invariant 12).
    from guardian.shortcuts import get_objects_for_user

    return (
        get_objects_for_user(
            user,
            "workflows.view_route",
            klass=Route.objects.filter(pk=route.pk),
            use_groups=True,
            accept_global_perms=False,
            with_superuser=False,
        )
        .filter(pk=route.pk)
        .exists()
    )
