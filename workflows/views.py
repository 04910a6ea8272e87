"""Thin views: parse a form, call one selector or service, render or redirect."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from workflows import hooks, selectors, services
from workflows.forms import (
    CommentForm,
    InboxFilterForm,
    ReassignForm,
    StepActionForm,
    WithdrawForm,
)
from workflows.models import Route, StepState
from workflows.permissions import (
    can_reassign,
    can_view_route,
    can_withdraw,
    step_capacity,
    step_reassign_candidates,
)

PAGE_SIZE = 50
TABS = ("tindakan", "proses", "selesai")


def _owned_elsewhere(route: Route):
    """A redirect to the owning app's page when the routed object has one."""
    url = hooks.owner_url(route)
    return redirect(url) if url else None


def _route_for_user(user, pk: int, *, administering: bool = False) -> Route:
    """Fetch and authorise in one call: 404 when missing or not visible. With
    `administering`, an administrator who may reassign steps also gets the route (its
    title is already classification-safe); callers then show him no content."""
    route = Route.objects.select_related("content_type", "unit", "drafter").filter(pk=pk).first()
    if route is None:
        raise Http404
    if can_view_route(user, route) or (administering and can_reassign(user)):
        return route
    raise Http404


@login_required
def inbox(request):
    tab = request.GET.get("tab", "tindakan")
    if tab not in TABS:
        tab = "tindakan"
    form = InboxFilterForm(request.GET or None)
    filters = form.filters()
    rows: QuerySet[Any]
    if tab == "tindakan":
        rows = selectors.inbox_action(request.user, filters=filters)
    elif tab == "proses":
        rows = selectors.routes_in_progress(request.user, filters=filters)
    else:
        rows = selectors.routes_finished(request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/inbox.html",
        {"tab": tab, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def route_detail(request, pk: int):
    route = _route_for_user(request.user, pk, administering=True)
    # An administrator who is not on the route sees its steps to reassign them, never its
    # timeline (notes) nor the object it carries (DESIGN invariant 12).
    viewer = can_view_route(request.user, route)
    if viewer and (handover := _owned_elsewhere(route)) is not None:
        return handover
    mine = []
    waiting = selectors.route_active_states(route)
    reassign = []
    if can_reassign(request.user):
        for state in waiting:
            form = ReassignForm(initial={"step_state": state.pk, "version": route.version})
            cast(forms.ModelChoiceField, form.fields["to"]).queryset = step_reassign_candidates(
                state
            )
            reassign.append((state, form))
    for state in waiting:
        if step_capacity(request.user, state) is not None:
            mine.append(
                (
                    state,
                    StepActionForm(
                        initial={
                            "step_state": state.pk,
                            "revision": route.revision,
                            "version": route.version,
                        }
                    ),
                )
            )
    return render(
        request,
        "workflows/route_detail.html",
        {
            "route": route,
            "stages": selectors.route_stages(route),
            "timeline": selectors.route_timeline(route) if viewer else [],
            "viewer": viewer,
            "mine": mine,
            "reassign": reassign,
            "comment_form": CommentForm() if viewer else None,
            "withdraw_form": WithdrawForm(initial={"version": route.version})
            if can_withdraw(request.user, route)
            else None,
        },
    )


@login_required
@require_POST
def route_act(request, pk: int):
    route = _route_for_user(request.user, pk)
    if (handover := _owned_elsewhere(route)) is not None:
        return handover
    form = StepActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("workflows:route_detail", pk=route.pk)
    data = form.cleaned_data
    state = StepState.objects.filter(pk=data["step_state"], route=route).first()
    if state is None:
        raise Http404
    common = {
        "step_state": state,
        "actor": request.user,
        "revision": data["revision"],
        "expected_version": data["version"],
    }
    try:
        if data["action"] == "approve":
            services.step_approve(note=data["note"], **common)
        elif data["action"] == "return":
            services.step_return(note=data["note"], **common)
        else:
            services.route_reject(note=data["note"], **common)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, dict(StepActionForm.ACTIONS)[data["action"]])
    return redirect("workflows:route_detail", pk=route.pk)


@login_required
@require_POST
def route_comment(request, pk: int):
    route = _route_for_user(request.user, pk)
    if (handover := _owned_elsewhere(route)) is not None:
        return handover
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.route_comment(route=route, actor=request.user, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, form.errors.as_text())
    return redirect("workflows:route_detail", pk=route.pk)


@login_required
@require_POST
def route_withdraw(request, pk: int):
    route = _route_for_user(request.user, pk)
    if (handover := _owned_elsewhere(route)) is not None:
        return handover
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.route_withdraw(
                route=route,
                actor=request.user,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect("workflows:route_detail", pk=route.pk)


@login_required
@require_POST
def step_reassign(request, pk: int):
    route = _route_for_user(request.user, pk, administering=True)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("workflows:route_detail", pk=route.pk)
    data = form.cleaned_data
    state = StepState.objects.filter(pk=data["step_state"], route=route).first()
    if state is None:
        raise Http404
    try:
        services.step_reassign(
            step_state=state,
            actor=request.user,
            to=data["to"],
            note=data["note"],
            expected_version=data["version"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("workflows:route_detail", pk=route.pk)


@login_required
def notifikasi_list(request):
    page = Paginator(selectors.notifikasi_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "workflows/notifikasi.html", {"page": page})


@login_required
@require_GET
def notifikasi_open(request, pk: int):
    """Open one notice: mark it read and go to what it is about."""
    try:
        notice = services.notifikasi_open(user=request.user, notifikasi_id=pk)
    except ApplicationError as exc:
        raise Http404 from exc
    target = notice.link
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = "workflows:notifikasi_list"
    return redirect(target)


@login_required
@require_POST
def notifikasi_read(request):
    ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()]
    services.notifikasi_mark_read(user=request.user, notifikasi_ids=ids or None)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "workflows:notifikasi_list"
    return redirect(target)
