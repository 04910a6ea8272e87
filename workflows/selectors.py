"""Reads: the three inbox lists, navigation counters, the timeline, visibility filters.

Every list runs a fixed number of queries whatever the number of routes (tests assert it):
the user's acting positions are read once, everything else is joined or prefetched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Concat, StrIndex
from django.utils import timezone

from core.clock import office_today
from core.models import Pegawai, Penugasan, TimKerja
from core.selectors.organisasi import jabatan_holder_on
from workflows.models import Notifikasi, Route, RouteEvent, Stage, StepState
from workflows.permissions import user_acting_jabatan_ids
from workflows.step_kinds import SIGNATURE_KINDS, is_signature, step_kind

ACTIVE = StepState.Status.ACTIVE


@dataclass(frozen=True)
class InboxFilters:
    urgency: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit_id: int | None = None
    content_type_id: int | None = None


def _teams_led(user: Pegawai, day: dt.date) -> QuerySet[TimKerja]:
    return TimKerja.objects.filter(ketua=user, aktif=True, mulai__lte=day).filter(
        Q(selesai__isnull=True) | Q(selesai__gte=day)
    )


def _bounds(day: dt.date, *, end: bool) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    return timezone.make_aware(moment)


def _filter_routes(qs: QuerySet, filters: InboxFilters | None, *, prefix: str, date_field: str):
    if filters is None:
        return qs
    if filters.urgency:
        qs = qs.filter(**{f"{prefix}urgency": filters.urgency})
    if filters.unit_id:
        qs = qs.filter(**{f"{prefix}unit_id": filters.unit_id})
    if filters.content_type_id:
        qs = qs.filter(**{f"{prefix}content_type_id": filters.content_type_id})
    if filters.date_from:
        qs = qs.filter(**{f"{date_field}__gte": _bounds(filters.date_from, end=False)})
    if filters.date_to:
        qs = qs.filter(**{f"{date_field}__lt": _bounds(filters.date_to, end=True)})
    return qs


def inbox_action_q(user: Pegawai, day: dt.date | None = None) -> Q:
    """Active steps that are the user's today: reassigned to them, addressed to a position
    they hold or act for (Plt/Plh/Pj) today, or to a team they lead.

    The positions and teams are read first (two small queries) so that each arm of the OR
    is a plain IN over a partial index and PostgreSQL can combine them (BitmapOr)."""
    day = day or office_today()
    q = Q(reassigned=True, assignee=user)
    acting = user_acting_jabatan_ids(user, day)
    if acting:
        q |= Q(reassigned=False, jabatan_id__in=acting)
    teams = list(_teams_led(user, day).values_list("pk", flat=True))
    if teams:
        q |= Q(reassigned=False, tim_kerja_id__in=teams)
    return q


def inbox_action(
    user: Pegawai, *, filters: InboxFilters | None = None, day: dt.date | None = None
) -> QuerySet[StepState]:
    """ "Perlu tindakan": the user's waiting steps, earliest deadline first (the deadline
    already combines urgency and age), then the oldest.

    Only in-progress routes have active steps (every service that ends or returns a route
    cancels them), so no join to the route is needed to filter."""
    qs = StepState.objects.filter(inbox_action_q(user, day), status=ACTIVE)
    qs = _filter_routes(qs, filters, prefix="route__", date_field="activated_at")
    return qs.select_related("route", "route__unit", "step").order_by(
        F("due_at").asc(nulls_last=True), "activated_at", "pk"
    )


def routes_in_progress(user: Pegawai, *, filters: InboxFilters | None = None) -> QuerySet[Route]:
    """ "Dalam proses": open routes the user started, with the steps now waiting (who has
    each and since when) prefetched as `waiting`."""
    qs = Route.objects.filter(drafter=user, status__in=Route.OPEN_STATUSES)
    qs = _filter_routes(qs, filters, prefix="", date_field="started_at")
    waiting = StepState.objects.filter(status=ACTIVE).select_related(
        "assignee", "jabatan", "tim_kerja", "step"
    )
    return (
        qs.select_related("unit", "content_type")
        .prefetch_related(Prefetch("step_states", queryset=waiting, to_attr="waiting"))
        .order_by("-status_since", "-pk")
    )


def routes_finished(user: Pegawai, *, filters: InboxFilters | None = None) -> QuerySet[Route]:
    """ "Selesai": finished routes the user started or acted on."""
    acted = StepState.objects.filter(route=OuterRef("pk"), acted_by=user)
    qs = Route.objects.filter(status__in=Route.FINAL_STATUSES).filter(
        Q(drafter=user) | Exists(acted)
    )
    qs = _filter_routes(qs, filters, prefix="", date_field="started_at")
    return qs.select_related("unit", "content_type", "drafter").order_by("-finished_at", "-pk")


# Notices about a task of the recipient ("your turn", reminders, overdue): once the task is
# done (the step is no longer active for them, e.g. the letter was signed) they stop counting
# as unread. An escalation is about someone else's step: done when that step is.
TASK_NOTICE_KINDS = ("step", "reminder", "overdue")
ESCALATION_NOTICE_KINDS = ("escalation",)


def notifikasi_task_open() -> Q:
    """Q on Notifikasi: the notice is not about a task, or its task is still open.

    A task notice names its step state in its key ("step:<pk>", "reminder:<pk>",
    "overdue:<pk>", "reassign:<pk>:..."): it counts while that state is active for the
    recipient, so the notice of a step already acted on stops counting when the letter
    comes back to the same person in a new step (a resubmission). A task notice without
    a key (none is written so today) counts while the recipient has an active step in
    its route."""
    own_active = StepState.objects.filter(
        route=OuterRef("route"),
        assignee=OuterRef("recipient"),
        status=StepState.Status.ACTIVE,
    )
    sid = Cast("pk", output_field=CharField())
    named = own_active.annotate(
        key_step=Concat(Value("step:"), sid),
        key_reminder=Concat(Value("reminder:"), sid),
        key_overdue=Concat(Value("overdue:"), sid),
        at_reassign=StrIndex(OuterRef("key"), Concat(Value("reassign:"), sid, Value(":"))),
    ).filter(
        Q(key_step=OuterRef("key"))
        | Q(key_reminder=OuterRef("key"))
        | Q(key_overdue=OuterRef("key"))
        | Q(at_reassign=1)
    )
    own_step_active = Q(Exists(named)) | (Q(key__isnull=True) & Q(Exists(own_active)))
    any_step_active = Q(
        Exists(StepState.objects.filter(route=OuterRef("route"), status=StepState.Status.ACTIVE))
    )
    return (
        ~Q(kind__in=TASK_NOTICE_KINDS + ESCALATION_NOTICE_KINDS)
        | Q(route__isnull=True)
        | (Q(kind__in=TASK_NOTICE_KINDS) & own_step_active)
        | (Q(kind__in=ESCALATION_NOTICE_KINDS) & any_step_active)
    )


def notifikasi_unread(user: Pegawai) -> QuerySet[Notifikasi]:
    """Unread notices that still matter (one query when counted)."""
    return Notifikasi.objects.filter(recipient=user, read_at__isnull=True).filter(
        notifikasi_task_open()
    )


def inbox_counts(user: Pegawai) -> dict[str, int]:
    """Counters for the navigation (three queries plus the acting positions)."""
    return {
        "perlu_tindakan": inbox_action(user).count(),
        "dalam_proses": Route.objects.filter(drafter=user, status__in=Route.OPEN_STATUSES).count(),
        "notifikasi": notifikasi_unread(user).count(),
    }


def notifikasi_for(user: Pegawai) -> QuerySet[Notifikasi]:
    """The user's notices, newest first; `task_open` False marks a task already done."""
    return (
        Notifikasi.objects.filter(recipient=user)
        .annotate(task_open=ExpressionWrapper(notifikasi_task_open(), output_field=BooleanField()))
        .order_by("-created_at", "-pk")
    )


# --- one route ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    at: dt.datetime
    actor: Pegawai | None
    capacity: str
    acting_for: str
    step: str
    note: str
    revision: str
    from_revision: str
    data: dict


def route_timeline(route: Route) -> list[TimelineEntry]:
    """Every event of the route in order: who acted (and for which position, in which
    capacity when acting), when, on which revision, with the notes."""
    events = (
        RouteEvent.objects.filter(route=route)
        .select_related("actor", "acting_for", "step_state__step")
        .order_by("created_at", "pk")
    )
    return [
        TimelineEntry(
            kind=e.kind,
            label=e.get_kind_display(),
            at=e.created_at,
            actor=e.actor,
            capacity=e.actor_capacity,
            acting_for=e.acting_for.nama if e.acting_for else "",
            step=e.step_state.step.label if e.step_state else "",
            note=e.note,
            revision=e.revision,
            from_revision=e.from_revision,
            data=e.data,
        )
        for e in events
    ]


def route_stages(route: Route) -> list[Stage]:
    """Stages with their steps, each step with its activations (`history`, oldest first)."""
    states = StepState.objects.select_related("assignee", "acted_by").order_by("activated_at", "pk")
    return list(
        Stage.objects.filter(route=route)
        .order_by("index")
        .prefetch_related(
            "steps__jabatan",
            "steps__tim_kerja",
            Prefetch("steps__states", queryset=states, to_attr="history"),
        )
    )


def route_active_states(route: Route) -> list[StepState]:
    return list(
        StepState.objects.filter(route=route, status=ACTIVE).select_related(
            "step", "jabatan", "tim_kerja", "assignee"
        )
    )


@dataclass(frozen=True)
class RouteApprovals:
    """Where a route's approvals stand on one revision (`route_approvals`)."""

    # Every stage before the signature has its quorum, every required paraf step is
    # approved whatever the quorum, and the stages were approved in route order.
    complete: bool
    # Positions of the signature steps in the route's current stage (empty when the
    # current stage is not a signature stage).
    current_signers: frozenset[int]
    # The first active signature step state, or None.
    signature_state: int | None
    # The route is in progress (not returned to its drafter).
    in_progress: bool = False


NOT_APPROVED = RouteApprovals(False, frozenset(), None)


def route_approvals(route: Route, revision: str) -> RouteApprovals:
    """DESIGN invariant 4 for one route: `route_approvals_many` of one."""
    return route_approvals_many({route: revision})[route.pk]


def route_approvals_many(revisions: dict[Route, str]) -> dict[int, RouteApprovals]:
    """DESIGN invariant 4, the one quorum rule of the engine, for several routes (each with
    the revision its object is at) in two queries whatever their number: the stages with
    their steps, and the approvals valid on each revision. A route drafted on another
    revision is not approved. Keyed by route pk."""
    result: dict[int, RouteApprovals] = {}
    wanted = {}
    for route, revision in revisions.items():
        if route.revision != str(revision):
            result[route.pk] = NOT_APPROVED
        else:
            wanted[route.pk] = route
    if not wanted:
        return result
    # route -> stage index -> (kind, quorum, [(step id, kind, position, required)]); a
    # stage without steps comes back as one row of NULL step columns (outer join).
    stages: dict[int, dict[int, tuple[str, int | None, list[tuple]]]] = {pk: {} for pk in wanted}
    for route_id, index, kind, quorum, step_id, kind_of_step, jabatan_id, required in (
        Stage.objects.filter(route_id__in=wanted)
        .order_by("route_id", "index", "steps__order", "steps__id")
        .values_list(
            "route_id",
            "index",
            "kind",
            "quorum",
            "steps__id",
            "steps__kind",
            "steps__jabatan_id",
            "steps__required",
        )
    ):
        steps = stages[route_id].setdefault(index, (kind, quorum, []))[2]
        if step_id is not None:
            steps.append((step_id, kind_of_step, jabatan_id, required))
    valid: dict[int, set[int]] = {pk: set() for pk in wanted}
    by_stage: dict[int, dict[int, list[dt.datetime]]] = {pk: {} for pk in wanted}
    signature_state: dict[int, int] = {}
    approved = Q()
    for pk, route in wanted.items():
        approved |= Q(route_id=pk, covers_revision=route.revision)
    for pk, route_id, step_id, index, acted_at, status in (
        StepState.objects.filter(route_id__in=wanted)
        .filter(
            (Q(status=StepState.Status.APPROVED) & approved)
            | Q(status=StepState.Status.ACTIVE, kind__in=SIGNATURE_KINDS)
        )
        .values_list("pk", "route_id", "step_id", "stage_index", "acted_at", "status")
    ):
        if status == StepState.Status.ACTIVE:
            signature_state.setdefault(route_id, pk)  # the first, in the model's order
            continue
        valid[route_id].add(step_id)
        if acted_at is not None:  # always set on an approval
            by_stage[route_id].setdefault(index, []).append(acted_at)
    for pk, route in wanted.items():
        current = stages[pk].get(route.current_stage) if route.current_stage is not None else None
        signers: frozenset[int] = frozenset()
        if current is not None and is_signature(current[0]):
            signers = frozenset(
                jabatan_id for _id, kind, jabatan_id, _required in current[2] if is_signature(kind)
            )
        complete = _approvals_complete(stages[pk], valid[pk], by_stage[pk])
        result[pk] = RouteApprovals(
            complete,
            signers,
            signature_state.get(pk),
            in_progress=route.status == Route.Status.IN_PROGRESS,
        )
    return result


def _approvals_complete(stages, valid: set[int], by_stage) -> bool:
    for kind, quorum, steps in stages.values():
        if step_kind(kind).counts_for_quorum and (
            sum(1 for step in steps if step[0] in valid) < (quorum or len(steps))
        ):
            return False
        if any(
            required and step_kind(kind_of_step).counts_for_quorum and step_id not in valid
            for step_id, kind_of_step, _j, required in steps
        ):
            return False
    previous_latest = None
    for index in sorted(by_stage):
        if previous_latest is not None and min(by_stage[index]) < previous_latest:
            return False
        previous_latest = max(by_stage[index])
    return True


def route_paraf_complete(route: Route, revision: str) -> bool:
    """Every stage before the signature has its quorum of approvals valid on `revision`
    (DESIGN invariant 4): what the caller checks before signing."""
    return route_approvals(route, revision).complete


# --- visibility -----------------------------------------------------------------------------


def route_participants(route: Route) -> QuerySet[Pegawai]:
    """The drafter and everyone a step was sent to or who acted on one."""
    states = StepState.objects.filter(route=route)
    return Pegawai.objects.filter(
        Q(pk=route.drafter_id)
        | Q(pk__in=states.values("assignee_id"))
        | Q(pk__in=states.values("acted_by_id"))
    ).distinct()


def route_visibility_q(model, user: Pegawai, day: dt.date | None = None) -> Q:
    """A filter for `model` querysets: objects whose route the user drafted, was sent,
    acted on, or whose steps address a position the user holds or acts for today, or a team
    they lead. The owning app ORs it into its own visibility rules."""
    day = day or office_today()
    ct = ContentType.objects.get_for_model(model)
    object_id = Cast(OuterRef("pk"), CharField())
    states = StepState.objects.filter(route__content_type=ct, route__object_id=object_id).filter(
        Q(assignee=user)
        | Q(acted_by=user)
        | Q(jabatan_id__in=user_acting_jabatan_ids(user, day))
        | Q(tim_kerja__in=_teams_led(user, day).values("pk"))
    )
    drafted = Route.objects.filter(content_type=ct, object_id=object_id, drafter=user)
    return Q(Exists(states)) | Q(Exists(drafted))


def route_reader_ids(obj, day: dt.date | None = None) -> set[int]:
    """Everyone `route_visibility_q` lets see `obj` on `day`, listed (its inverse, for an
    app that keeps a copy of who may read an object): the drafters, assignees and actors
    of every route of the object, whoever acts that day for a position on one of their
    steps, and the leads (that day) of the teams on them."""
    from core.models import Jabatan
    from core.selectors.organisasi import jabatan_holder_on

    day = day or office_today()
    ct = ContentType.objects.get_for_model(type(obj))
    routes = Route.objects.filter(content_type=ct, object_id=str(obj.pk))
    ids = set(routes.values_list("drafter_id", flat=True))
    jabatan_ids, team_ids = set(), set()
    for assignee, actor, jabatan_id, team_id in StepState.objects.filter(
        route__in=routes
    ).values_list("assignee_id", "acted_by_id", "jabatan_id", "tim_kerja_id"):
        ids.update(x for x in (assignee, actor) if x)
        if jabatan_id:
            jabatan_ids.add(jabatan_id)
        if team_id:
            team_ids.add(team_id)
    for jabatan in Jabatan.objects.filter(pk__in=jabatan_ids):
        holder = jabatan_holder_on(jabatan, day)
        if holder is not None:
            ids.add(holder.pegawai.pk)
    if team_ids:
        teams = TimKerja.objects.filter(pk__in=team_ids, aktif=True, mulai__lte=day)
        ids.update(
            teams.filter(Q(selesai__isnull=True) | Q(selesai__gte=day)).values_list(
                "ketua_id", flat=True
            )
        )
    ids.discard(None)
    return ids


def objects_visible_through_routes(queryset: QuerySet, user: Pegawai, day: dt.date | None = None):
    return queryset.filter(route_visibility_q(queryset.model, user, day))


def routes_shared_with(user: Pegawai) -> QuerySet[Route]:
    """Routes explicitly shared with the user through django-guardian (object grants only:
    model-wide permissions and superuser status are ignored)."""
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(
        user,
        "workflows.view_route",
        klass=Route,
        accept_global_perms=False,
        with_superuser=False,
    )


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
