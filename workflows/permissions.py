"""Who may do what on a route. Pure checks, one place (DESIGN: permissions.py per app)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import Pegawai
from core.selectors.organisasi import jabatan_holder_on, pegawai_jabatan_acting_on
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
    day = day or timezone.localdate()
    if not user.is_active:
        return None
    if state.reassigned:
        return StepState.Capacity.REASSIGNED if state.assignee_id == user.pk else None
    if state.tim_kerja_id:
        if _team_lead_ok(state, day) and state.tim_kerja.ketua_id == user.pk:
            return StepState.Capacity.KETUA_TIM
        return None
    holder = jabatan_holder_on(state.jabatan, day) if state.jabatan_id else None
    if holder is not None and holder.pegawai.pk == user.pk:
        return holder.jenis
    return None


def user_acting_jabatan_ids(user: Pegawai, day: dt.date | None = None) -> list[int]:
    """Positions the user acts for today (own ones not covered by a Plh, plus Plt/Plh/Pj)."""
    return [p.jabatan.pk for p in pegawai_jabatan_acting_on(user, day)]


def can_withdraw(user: Pegawai, route: Route) -> bool:
    return route.is_open and route.drafter_id == user.pk


def can_reassign(user: Pegawai) -> bool:
    return user.is_active and user.has_perm("workflows.reassign_route_step")


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
    from guardian.core import ObjectPermissionChecker

    return "view_route" in ObjectPermissionChecker(user).get_perms(route)
