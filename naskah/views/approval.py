"""Approval screens: the letter page (route, timeline, actions), submission with the
proposed route, the reviewer's correction form, and the list of letters. Thin views: every
letter is fetched through naskah.permissions (404 when not visible), every change goes
through one naskah service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ApplicationError, ConflictError
from naskah.forms.approval import (
    ActionForm,
    CommentForm,
    ListFilterForm,
    ReassignForm,
    ShareForm,
    SubmitForm,
    WithdrawForm,
)
from naskah.forms.drafting import NaskahForm
from naskah.models import Naskah, NaskahUserObjectPermission
from naskah.permissions import can_edit_naskah, can_share_naskah, naskah_internal_to
from naskah.selectors.access import naskah_get_for_user
from naskah.selectors.approval import (
    jenis_koordinasi_wajib,
    naskah_list_for_user,
    naskah_route_open,
    naskah_route_page,
    naskah_route_propose,
)
from naskah.selectors.drafting import naskah_latest_revision
from naskah.selectors.paraf import naskah_paraf_statements
from naskah.selectors.periksa import naskah_readiness_problems
from naskah.services.approval import (
    naskah_comment,
    naskah_correct,
    naskah_paraf,
    naskah_reassign,
    naskah_reject,
    naskah_return,
    naskah_share,
    naskah_submit,
    naskah_withdraw,
)
from naskah.viewer import letter_pdf
from workflows.models import Route, Step, StepState
from workflows.permissions import step_capacity, step_reassign_candidates
from workflows.selectors import route_stages
from workflows.step_kinds import SIGNATURE_KINDS, step_kind

PAGE_SIZE = 50


def _back(naskah: Naskah):
    return redirect("naskah:alur_detail", pk=naskah.pk)


def _reassign_form(state, route) -> ReassignForm:
    """The reassign form of a waiting step, offering only the people it may go to."""
    form = ReassignForm(
        initial={"step_state": state.pk, "version": route.version}, prefix=f"r{state.pk}"
    )
    form.fields["to"].queryset = step_reassign_candidates(state)
    return form


@login_required
@require_GET
def naskah_alur_detail(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    page = naskah_route_page(naskah, request.user)
    route = page.route
    mine = [
        (
            item,
            ActionForm(
                initial={
                    "step_state": item.state.pk,
                    "revisi": naskah.revisi_terakhir,
                    "version": route.version,
                },
                earlier_steps=item.earlier_steps,
                prefix=f"s{item.state.pk}",
            ),
        )
        for item in page.mine
    ]
    is_drafter = naskah.konseptor_id == request.user.pk
    shares = []
    if is_drafter and naskah.status != Naskah.Status.KONSEP:
        shares = list(
            NaskahUserObjectPermission.objects.filter(content_object=naskah)
            .select_related("user")
            .order_by("user__nama")
        )
    return render(
        request,
        "naskah/alur/detail.html",
        {
            "naskah": naskah,
            "page": page,
            "route": route,
            "mine": mine,
            "is_drafter": is_drafter,
            "can_edit": can_edit_naskah(request.user, naskah),
            # Signed paraf statements with their verification state (issue 18 item 4).
            "paraf_statements": naskah_paraf_statements(naskah) if route is not None else [],
            "can_submit": is_drafter and naskah.status in Naskah.EDITABLE_STATUSES,
            "withdraw_form": (
                WithdrawForm(initial={"version": route.version})
                if is_drafter and route is not None and route.is_open
                else None
            ),
            "comment_form": CommentForm() if route is not None else None,
            "reassign_forms": (
                [(state, _reassign_form(state, route)) for state in page.waiting]
                if page.can_reassign
                else []
            ),
            "share_form": ShareForm() if can_share_naskah(request.user, naskah) else None,
            "shares": shares,
            "pdf": letter_pdf(naskah, internal=True) if naskah.revisi_terakhir else None,
        },
    )


def _problem_links(naskah: Naskah, problems) -> list[dict]:
    """Each problem with the place on the edit page where it is fixed."""
    from django.urls import reverse

    anchors = {"penerima": "penerima-picker", "lampiran": "lampiran", "": "naskah-form"}
    edit = reverse("naskah:edit", args=[naskah.pk])
    return [
        {
            "problem": p,
            "url": f"{edit}#{anchors.get(p.field) or f'id_{p.field}'}",
        }
        for p in problems
    ]


def _koordinasi_from(form: SubmitForm) -> list:
    if form.is_bound and form.is_valid():
        return list(form.cleaned_data["koordinasi"])
    return []


@login_required
@require_http_methods(["GET", "POST"])
def naskah_alur_submit(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    if naskah.konseptor_id != request.user.pk or naskah.status not in Naskah.EDITABLE_STATUSES:
        messages.error(request, _("Only the drafter may submit a draft or a returned letter."))
        return _back(naskah)
    errors: list[str] = []
    try:
        required = jenis_koordinasi_wajib(naskah.jenis)
    except ApplicationError as exc:
        required, errors = [], [exc.message]
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "revisi" in request.GET else None)
    )
    form = SubmitForm(
        data,
        naskah=naskah,
        required_ids=[u.pk for u in required],
        initial={"revisi": naskah.revisi_terakhir},
    )
    koordinasi = _koordinasi_from(form)
    returned = naskah_route_open(naskah)
    status = 200
    # What the signer would meet, listed before submission with links to the fields.
    problems = naskah_readiness_problems(naskah)
    blocking = any(p.blocking for p in problems)
    if request.method == "POST" and form.is_valid() and not errors:
        try:
            naskah_submit(
                actor=request.user,
                naskah=naskah,
                expected_revisi=form.cleaned_data["revisi"],
                koordinasi_units=koordinasi,
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            if "problems" in exc.extra:
                problems, blocking = exc.extra["problems"], True
            else:
                errors = list(exc.extra.get("errors") or [exc.message])
            status = 409 if isinstance(exc, ConflictError) else 400
        else:
            messages.success(request, _("The letter was submitted for approval."))
            return _back(naskah)
    proposal = None
    resubmit = returned is not None and returned.status == Route.Status.RETURNED
    # A returned letter whose signer is unchanged goes back into its own route: show that
    # route as it is (with the coordination the drafter chose), not a fresh proposal.
    resume_stages = (
        route_stages(returned)
        if resubmit
        and Step.objects.filter(
            route=returned, kind__in=SIGNATURE_KINDS, jabatan_id=naskah.penandatangan_id
        ).exists()
        else None
    )
    if not errors and resume_stages is None:
        try:
            proposal = naskah_route_propose(naskah=naskah, koordinasi_units=koordinasi)
        except ApplicationError as exc:
            errors = [exc.message]
    return render(
        request,
        "naskah/alur/submit.html",
        {
            "naskah": naskah,
            "form": form,
            "proposal": proposal,
            "required_units": required,
            "errors": errors,
            "problems": _problem_links(naskah, problems),
            "blocking": blocking,
            "resubmit": resubmit,
            "resume_stages": resume_stages,
            "koordinasi": koordinasi,
            "no_hierarki": proposal is not None
            and not any(step_kind(stage.kind).up_the_line for stage in proposal.stages),
        },
        status=status,
    )


@login_required
@require_POST
def naskah_alur_act(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    prefix = request.POST.get("prefix", "")
    form = ActionForm(request.POST, prefix=prefix or None)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete. Reload the page and try again."))
        return _back(naskah)
    data = form.cleaned_data
    common = {
        "actor": request.user,
        "naskah": naskah,
        "step_state": data["step_state"],
        "expected_revisi": data["revisi"],
        "expected_version": data["version"],
    }
    try:
        if data["action"] == "paraf":
            naskah_paraf(note=data["note"], **common)
            messages.success(request, _("Initialled (paraf)."))
        elif data["action"] == "return":
            naskah_return(note=data["note"], to_step=data["to_step"], **common)
            messages.success(request, _("Returned with your note."))
        else:
            naskah_reject(note=data["note"], **common)
            messages.success(request, _("The letter was rejected."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(naskah)


def _correctable(request, pk: int, state_pk: int):
    """The letter, its open route and the reviewer's active step: 404 unless the user
    holds that step today."""
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    route = naskah_route_open(naskah)
    state = (
        StepState.objects.filter(pk=state_pk, route=route, status=StepState.Status.ACTIVE)
        .select_related("step", "jabatan", "tim_kerja")
        .first()
        if route is not None
        else None
    )
    if state is None or step_capacity(request.user, state) is None:
        raise Http404
    return naskah, route, state


@login_required
@require_POST
def naskah_alur_correct_preview(request, pk: int, state_pk: int):
    """The live preview of the correction form (htmx), drawn like the drafting preview
    (naskah.preview: an unsaved revision, a short-lived token for naskah:preview_file)
    with the letter's recipients and attachments, which a correction keeps."""
    from naskah.preview import preview_render, preview_store, unsaved_revision
    from naskah.rendering import RenderError
    from naskah.selectors.drafting import draft_check

    naskah, _route, _state = _correctable(request, pk, state_pk)
    revisi = naskah_latest_revision(naskah)
    form = NaskahForm(request.POST, jenis=naskah.jenis, user=request.user)
    error = None
    if not form.is_valid():
        error = "; ".join(
            f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".lstrip(": ")
            for k, v in form.errors.items()
        )
    else:
        try:
            values = form.service_values()
            values["penerima"] = list(revisi.penerima)
            draft = draft_check(jenis=naskah.jenis, lampiran=list(revisi.lampiran), **values)
            pdf = preview_render(
                unsaved_revision(actor=request.user, jenis=naskah.jenis, draft=draft, naskah=naskah)
            )
        except ApplicationError as exc:
            error = exc.message
        except RenderError:
            error = _(
                "The letter cannot be laid out with this type's layout. "
                "The administrator can find the reason in the server log."
            )
    if error is not None:
        return render(request, "naskah/alur/_correct_preview.html", {"error": error})
    token = preview_store(user=request.user, pdf=pdf)
    return render(
        request,
        "naskah/alur/_correct_preview.html",
        {"src": reverse("naskah:preview_file", args=[token]), "size": len(pdf)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def naskah_alur_correct(request, pk: int, state_pk: int):
    naskah, route, state = _correctable(request, pk, state_pk)
    revisi = naskah_latest_revision(naskah)
    status = 200
    if request.method == "GET":
        initial, _penerima = NaskahForm.initial_from_revision(revisi)
        form = NaskahForm(initial=initial, jenis=naskah.jenis, user=request.user)
    else:
        form = NaskahForm(request.POST, jenis=naskah.jenis, user=request.user)
        status = 400
        if form.is_valid():
            try:
                values = form.service_values()
                values.pop("penerima", None)
                new, _outcome = naskah_correct(
                    actor=request.user,
                    naskah=naskah,
                    step_state=state,
                    expected_revisi=form.cleaned_data.get("revisi") or 0,
                    values=values,
                    note=request.POST.get("catatan", ""),
                    approve=request.POST.get("approve") == "1",
                    expected_version=int(request.POST.get("version") or 0) or None,
                )
            except ConflictError as exc:
                form.add_error(None, exc.message)
                status = 409
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Correction saved as revision %(n)d.") % {"n": new.nomor},
                )
                return _back(naskah)
    return render(
        request,
        "naskah/alur/correct.html",
        {
            "naskah": naskah,
            "form": form,
            "state": state,
            "route": route,
            "revisi": revisi,
            "preview_url": reverse("naskah:alur_correct_preview", args=[naskah.pk, state.pk]),
        },
        status=status,
    )


@login_required
@require_POST
def naskah_alur_withdraw(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            naskah_withdraw(
                actor=request.user,
                naskah=naskah,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The letter was withdrawn; it is a draft again."))
    return _back(naskah)


@login_required
@require_POST
def naskah_alur_comment(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return _back(naskah)
    try:
        naskah_comment(actor=request.user, naskah=naskah, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(naskah)


@login_required
@require_POST
def naskah_alur_reassign(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    prefix = request.POST.get("prefix") or None
    form = ReassignForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Choose a person and write the reason."))
        return _back(naskah)
    try:
        naskah_reassign(
            actor=request.user,
            naskah=naskah,
            step_state=form.cleaned_data["step_state"],
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The step was reassigned."))
    return _back(naskah)


@login_required
@require_POST
def naskah_alur_share(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a person."))
        return _back(naskah)
    try:
        naskah_share(actor=request.user, naskah=naskah, to=form.cleaned_data["to"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The letter was shared."))
    return _back(naskah)


@login_required
@require_GET
def naskah_alur_list(request):
    from guardian.core import ObjectPermissionChecker

    form = ListFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(naskah_list_for_user(request.user, status=status or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    checker = ObjectPermissionChecker(request.user)
    checker.prefetch_perms(rows)
    shared = {n.pk for n in rows if checker.has_perm("view_naskah", n)}
    # Letters the user only received link to the letter as sent, not to its route.
    internal = set(
        naskah_internal_to(request.user)
        .filter(pk__in=[n.pk for n in rows])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "naskah/alur/list.html",
        {"form": form, "page": page, "rows": rows, "shared": shared, "internal": internal},
    )
