"""Drafting screens. Thin: parse a form, call one selector or service, render. Letters are
always fetched through naskah.permissions, so someone else's draft is a 404."""

from __future__ import annotations

import json
import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ApplicationError, ConflictError
from core.files import stored_file_response
from core.pdfsafe import removed_message
from naskah.context import naskah_render_pdf
from naskah.diff import revision_diff
from naskah.forms.drafting import LampiranForm, NaskahForm
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah
from naskah.permissions import can_read_lampiran, naskah_editable_by
from naskah.preview import (
    preview_draft,
    preview_fetch,
    preview_render,
    preview_store,
    unsaved_revision,
)
from naskah.rendering import RenderError
from naskah.selectors.access import naskah_get_for_user
from naskah.selectors.drafting import (
    jenis_naskah_active,
    naskah_active_lampiran,
    naskah_drafts_for_user,
    naskah_latest_revision,
    naskah_revisions,
    penerima_resolve,
    penerima_search,
)
from naskah.services import (
    autosave,
    lampiran_add,
    lampiran_remove,
    naskah_create,
    naskah_update,
)

logger = logging.getLogger(__name__)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # The live preview shows PDFs in an <iframe> of our own page; everything else is DENY.
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@login_required
@require_GET
def naskah_list(request):
    return render(request, "naskah/list.html", {"drafts": naskah_drafts_for_user(request.user)})


@login_required
@require_GET
def naskah_choose(request):
    groups: dict[str, list] = {}
    for jenis in jenis_naskah_active():
        groups.setdefault(jenis.get_kelompok_display(), []).append(jenis)
    return render(request, "naskah/choose.html", {"groups": groups})


def _chips(rows: list[dict]) -> list[dict]:
    """Recipients for the picker, each with the JSON its hidden input posts back."""
    try:
        rows = penerima_resolve(rows)
    except ApplicationError:
        rows = [dict(r, label=r.get("label") or r.get("nama") or "?") for r in rows]
    keys = ("jenis", "unit_id", "jabatan_id", "pegawai_id", "nama", "alamat", "email", "keterangan")
    return [{**row, "json": json.dumps({k: row[k] for k in keys if row.get(k)})} for row in rows]


def _form_page(request, *, form, jenis, naskah=None, penerima=None, status=200):
    penerima = _chips(penerima if penerima is not None else form.penerima_specs())
    context = {
        "form": form,
        "jenis": jenis,
        "naskah": naskah,
        "penerima": penerima,
        "preview_url": (
            reverse("naskah:preview_edit", args=[naskah.pk])
            if naskah
            else reverse("naskah:preview_new", args=[jenis.kode])
        ),
        "lampiran": naskah_active_lampiran(naskah) if naskah else [],
        # Shown before the first save too: adding one saves the draft first (drafting.js).
        "lampiran_form": LampiranForm(initial={"revisi": naskah.revisi_terakhir if naskah else 0}),
        "autosave_url": (
            reverse("naskah:autosave_edit", args=[naskah.pk])
            if naskah
            else reverse("naskah:autosave_new", args=[jenis.kode])
        ),
        "autosave_key": uuid.uuid4().hex,
    }
    return render(request, "naskah/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def naskah_new(request, kode: str):
    jenis = get_object_or_404(JenisNaskah, kode=kode, aktif=True)
    if request.method == "GET":
        form = NaskahForm(jenis=jenis, user=request.user)
        return _form_page(request, form=form, jenis=jenis, penerima=[])
    form = NaskahForm(request.POST, jenis=jenis, user=request.user)
    if form.is_valid():
        try:
            naskah = naskah_create(actor=request.user, jenis=jenis, **form.service_values())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("naskah:edit", pk=naskah.pk)
    return _form_page(request, form=form, jenis=jenis, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def naskah_edit(request, pk: int):
    if request.method == "GET" and not naskah_editable_by(request.user).filter(pk=pk).exists():
        # A submitted or signed letter is no longer a form: its approval page (404 for
        # anyone who may not see its history).
        return redirect(
            "naskah:alur_detail",
            pk=naskah_get_for_user(user=request.user, pk=pk, access="internal").pk,
        )
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="editable")
    if request.method == "GET":
        revisi = naskah_latest_revision(naskah)
        initial, penerima = NaskahForm.initial_from_revision(revisi)
        form = NaskahForm(initial=initial, jenis=naskah.jenis, user=request.user)
        return _form_page(request, form=form, jenis=naskah.jenis, naskah=naskah, penerima=penerima)
    form = NaskahForm(request.POST, jenis=naskah.jenis, user=request.user)
    status = 400
    if form.is_valid():
        try:
            revisi = naskah_update(
                actor=request.user,
                naskah=naskah,
                expected_revisi=form.cleaned_data.get("revisi") or 0,
                **form.service_values(),
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
            status = 409
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved as revision %(n)d.") % {"n": revisi.nomor})
            return redirect("naskah:edit", pk=naskah.pk)
    return _form_page(request, form=form, jenis=naskah.jenis, naskah=naskah, status=status)


def _form_error_text(form) -> str:
    """The form's errors in one line, each named by the field's label."""
    return "; ".join(
        f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".lstrip(": ")
        for k, v in form.errors.items()
    )


def _autosave_response(result=None, *, status=200, state="", message="") -> JsonResponse:
    if result is None:
        return JsonResponse({"status": state, "message": message}, status=status)
    naskah, revisi = result.naskah, result.revisi
    state = "deferred" if result.retry_after else ("saved" if result.saved else "unchanged")
    return JsonResponse(
        {
            "status": state,
            "naskah": naskah.pk,
            "revisi": revisi.nomor,
            "saved_at": timezone.localtime(revisi.dibuat_pada).strftime("%H:%M"),
            "retry_after": result.retry_after,
            "edit_url": reverse("naskah:edit", args=[naskah.pk]),
            "preview_url": reverse("naskah:preview_edit", args=[naskah.pk]),
            "autosave_url": reverse("naskah:autosave_edit", args=[naskah.pk]),
            "lampiran_url": reverse("naskah:lampiran_add", args=[naskah.pk]),
            "approval_url": reverse("naskah:alur_detail", args=[naskah.pk]),
        },
        status=status,
    )


def _autosave(request, *, jenis, naskah=None):
    form = NaskahForm(request.POST, jenis=jenis, user=request.user, autosave=True)
    if not form.is_valid():
        return _autosave_response(status=400, state="invalid", message=_form_error_text(form))
    try:
        values = form.service_values()
        if naskah is None:
            result = autosave.naskah_autosave_new(
                actor=request.user,
                jenis=jenis,
                key=request.POST.get("autosave_key", ""),
                values=values,
            )
        else:
            result = autosave.naskah_autosave(
                actor=request.user,
                naskah=naskah,
                expected_revisi=form.cleaned_data.get("revisi") or 0,
                values=values,
                immediate=request.POST.get("segera") == "1",
            )
    except ConflictError as exc:
        return _autosave_response(status=409, state="conflict", message=exc.message)
    except ApplicationError as exc:
        return _autosave_response(status=400, state="invalid", message=exc.message)
    return _autosave_response(result)


@login_required
@require_POST
def naskah_autosave_new(request, kode: str):
    """The first autosave of a new letter creates the draft (JSON answer)."""
    jenis = get_object_or_404(JenisNaskah, kode=kode, aktif=True)
    return _autosave(request, jenis=jenis)


@login_required
@require_POST
def naskah_autosave_edit(request, pk: int):
    """An autosave of a draft (JSON answer: saved, unchanged, or deferred with retry_after)."""
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="editable")
    return _autosave(request, jenis=naskah.jenis, naskah=naskah)


def _preview(request, *, jenis, naskah=None):
    form = NaskahForm(request.POST, jenis=jenis, user=request.user, for_preview=True)
    htmx = request.headers.get("HX-Request") == "true"
    error = None
    if not form.is_valid():
        error = _form_error_text(form)
    else:
        try:
            values = form.service_values()
            lampiran = list(naskah_latest_revision(naskah).lampiran) if naskah is not None else []
            draft = preview_draft(jenis=jenis, values=values, lampiran=lampiran)
            revisi = unsaved_revision(actor=request.user, jenis=jenis, draft=draft, naskah=naskah)
            pdf = preview_render(revisi)
        except ApplicationError as exc:
            error = exc.message
        except RenderError as exc:  # a layout or kop the renderer refuses: not a 500
            logger.warning("preview of %s could not be laid out: %s", jenis.kode, exc)
            error = _(
                "The letter cannot be laid out with this type's layout. "
                "The administrator can find the reason in the server log."
            )
    if error is not None:
        if htmx:
            return render(request, "naskah/_preview.html", {"error": error})
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    if not htmx:
        return _pdf_response(pdf, "pratinjau.pdf")
    token = preview_store(user=request.user, pdf=pdf)
    return render(
        request,
        "naskah/_preview.html",
        {"src": reverse("naskah:preview_file", args=[token]), "size": len(pdf)},
    )


@login_required
@require_POST
def naskah_preview_new(request, kode: str):
    jenis = get_object_or_404(JenisNaskah, kode=kode, aktif=True)
    return _preview(request, jenis=jenis)


@login_required
@require_POST
def naskah_preview_edit(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="editable")
    return _preview(request, jenis=naskah.jenis, naskah=naskah)


@login_required
@require_GET
def naskah_preview_file(request, token: str):
    pdf = preview_fetch(user=request.user, token=token)
    if pdf is None:
        raise Http404(_("This preview has expired."))
    return _pdf_response(pdf, "pratinjau.pdf")


@login_required
@require_GET
def naskah_pdf(request, pk: int, nomor: int | None = None):
    # A draft rendering: internal history.
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    revisi = get_object_or_404(naskah.revisi, nomor=nomor or naskah.revisi_terakhir)
    return _pdf_response(
        naskah_render_pdf(revisi, preview=True), f"naskah-{naskah.pk}-r{revisi.nomor}.pdf"
    )


@login_required
@require_GET
def naskah_revision_history(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    revisions = list(naskah_revisions(naskah))
    diff = None
    a, b = request.GET.get("a"), request.GET.get("b")
    if a and b:
        try:
            old = naskah.revisi.get(nomor=int(a))
            new = naskah.revisi.get(nomor=int(b))
        except (ValueError, naskah.revisi.model.DoesNotExist):
            raise Http404 from None
        diff = revision_diff(old, new)
    elif len(revisions) >= 2:
        diff = revision_diff(revisions[1], revisions[0])
    return render(
        request,
        "naskah/revisions.html",
        {"naskah": naskah, "revisions": revisions, "diff": diff},
    )


@login_required
@require_POST
def naskah_lampiran_add(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="editable")
    form = LampiranForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The attachment needs a title and a file or text."))
        return redirect("naskah:edit", pk=naskah.pk)
    berkas = form.cleaned_data.get("berkas")
    isi = form.cleaned_data.get("isi") or ""
    try:
        lampiran = lampiran_add(
            actor=request.user,
            naskah=naskah,
            expected_revisi=form.cleaned_data["revisi"],
            judul=form.cleaned_data["judul"],
            berkas=berkas,
            body=None if berkas is not None else blocks_from_markup(isi),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attachment added."))
        if lampiran.konten_aktif_dihapus:
            messages.warning(
                request, removed_message(lampiran.konten_aktif_dihapus, lampiran.nama_berkas)
            )
    return redirect("naskah:edit", pk=naskah.pk)


@login_required
@require_POST
def naskah_lampiran_remove(request, pk: int, lampiran_pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="editable")
    lampiran = get_object_or_404(naskah.lampiran, pk=lampiran_pk, dihapus=False)
    try:
        expected_revisi = int(request.POST.get("revisi", 0))
    except ValueError:  # never show int()'s wording to the user
        messages.error(request, _("The form is out of date; reload the page and try again."))
        return redirect("naskah:edit", pk=naskah.pk)
    try:
        lampiran_remove(
            actor=request.user,
            naskah=naskah,
            expected_revisi=expected_revisi,
            lampiran=lampiran,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attachment removed."))
    return redirect("naskah:edit", pk=naskah.pk)


@login_required
@require_GET
def naskah_lampiran_file(request, pk: int, lampiran_pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk)
    lampiran = get_object_or_404(naskah.lampiran, pk=lampiran_pk, jenis="berkas")
    if not can_read_lampiran(request.user, naskah, lampiran):
        raise Http404
    response = stored_file_response(
        lampiran.berkas.name, content_type="application/pdf", filename=f"lampiran-{lampiran.pk}.pdf"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"  # shown beside the form, like the preview
    return response


@login_required
@require_GET
def naskah_penerima_search(request):
    q = request.GET.get("q", "")
    results = penerima_search(q)
    # The fragment names the term it answers: the page's Enter key must not pick from the
    # answer to an older term that arrived after the person typed on.
    return render(request, "naskah/_penerima_results.html", {"results": results, "q": q.strip()})
