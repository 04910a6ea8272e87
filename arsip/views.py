"""Archive pages: search for everyone, files, disposal actions and reports for the
archive roles. Thin: parse a form, call one selector or service, render."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arsip import selectors
from arsip.forms import ApproveForm, AssessForm, FlagsForm, ProposeForm, SearchForm
from arsip.models import ArsipPencarian, Berkas, Penyusutan
from arsip.permissions import (
    can_manage_archive,
    is_arsiparis,
    is_panitia_penilai,
    is_pejabat_kearsipan,
)
from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.selectors.reports import REPORTS, report_as
from arsip.selectors.retention import berkas_close_preview, berkas_due
from arsip.services import export, records
from arsip.services import penyusutan as lifecycle
from arsip.services.pencarian import arsip_pencarian_delete, arsip_pencarian_save
from arsip.services.thumbnail import arsip_thumbnail
from core.errors import ApplicationError, PermissionDeniedError
from core.files import stored_file_response


def _forbid(exc: PermissionDeniedError):
    raise PermissionDenied(str(exc)) from exc


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        params = ArsipSearchParams(
            q=data["q"] or "",
            tanggal_dari=data["tanggal_dari"],
            tanggal_sampai=data["tanggal_sampai"],
            tahun=data["tahun"],
            jenis_kode=data["jenis_kode"] or "",
            unit_id=data["unit"].pk if data["unit"] else None,
            kode_klasifikasi=data["kode_klasifikasi"] or "",
            urgensi=data["urgensi"] or "",
            klasifikasi_keamanan=data["klasifikasi_keamanan"] or "",
            status=data["status"] or "",
            pihak=data["pihak"] or "",
            nomor=data["nomor"] or "",
            sort=data["sort"] or "relevansi",
            page=data["page"] or 1,
        )
        result = arsip_search(user=request.user, params=params)
    recent = saved = None
    if not any(v for k, v in request.GET.items() if k != "page"):
        # The start page: the newest letters this user may read, and their saved searches.
        recent = arsip_search(user=request.user, params=ArsipSearchParams(per_page=8)).hits
        saved = list(ArsipPencarian.objects.filter(pegawai=request.user))
        result = None
    query = request.GET.copy()
    query.pop("page", None)
    suggestions = []
    for text in result.suggestions if result else ():
        other = query.copy()
        other["q"] = text
        suggestions.append((text, other.urlencode()))
    return render(
        request,
        "arsip/search.html",
        {
            "form": form,
            "result": result,
            "suggestions": suggestions,
            "querystring": query.urlencode(),
            "is_archivist": can_manage_archive(request.user),
            "recent": recent,
            # Filters stay folded unless one is in use (or the form has an error).
            "filters_open": bool(form.errors)
            or any(v for k, v in request.GET.items() if k not in ("q", "page", "sort")),
            "saved": saved,
        },
    )


@login_required
@require_POST
def saved_search_save(request):
    query = request.POST.get("query", "")
    try:
        arsip_pencarian_save(pegawai=request.user, nama=request.POST.get("nama", ""), query=query)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Search saved."))
    return redirect(reverse("arsip:search") + (f"?{query}" if query else ""))


@login_required
@require_POST
def saved_search_delete(request, pk: int):
    if arsip_pencarian_delete(pegawai=request.user, pk=pk):
        messages.success(request, _("Saved search deleted."))
    return redirect("arsip:search")


@login_required
def record_document(request, pk: int, kind: str):
    record = selectors.arsip_record_get_for_user(user=request.user, pk=pk)
    name, ctype, filename = selectors.arsip_record_file(record, kind)
    response = stored_file_response(name, content_type=ctype, filename=filename)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@login_required
def record_lampiran(request, pk: int, lampiran_pk: int):
    record = selectors.arsip_record_get_for_user(user=request.user, pk=pk)
    lampiran = selectors.arsip_record_lampiran_get(record, lampiran_pk)
    return stored_file_response(
        lampiran.berkas.name,
        content_type="application/pdf",
        filename=f"lampiran-{lampiran.pk}.pdf",
    )


@login_required
def record_thumbnail(request, pk: int):
    record = selectors.arsip_record_get_for_user(user=request.user, pk=pk)
    if record.status == record.Status.DIMUSNAHKAN:
        raise Http404
    name = arsip_thumbnail(record)
    if name is None:
        raise Http404
    response = stored_file_response(name, content_type="image/png", filename=f"arsip-{pk}.png")
    # Private like every stored file, but the same image for the page's lifetime.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def record_detail(request, pk: int):
    record = selectors.arsip_record_get_for_user(user=request.user, pk=pk)
    form = FlagsForm(initial={"vital": record.vital, "legal_hold": record.legal_hold})
    if request.method == "POST":
        form = FlagsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            hold = data["legal_hold"] if data["legal_hold"] != record.legal_hold else None
            try:
                records.arsip_record_set_flags(
                    actor=request.user,
                    record=record,
                    vital=data["vital"],
                    legal_hold=hold,
                    alasan=data["alasan"],
                )
            except PermissionDeniedError as exc:
                _forbid(exc)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("arsip:record_detail", pk=record.pk)
    documents = selectors.arsip_record_documents(record)
    return render(
        request,
        "arsip/record_detail.html",
        {
            "record": record,
            "form": form,
            "is_archivist": can_manage_archive(request.user),
            "documents": documents,
            "shown": documents[0] if documents else None,
            "source_url": selectors.arsip_record_source_url(user=request.user, record=record),
        },
    )


@login_required
def berkas_list(request):
    try:
        rows = selectors.berkas_list_for_archivist(
            user=request.user, status=request.GET.get("status", "")
        )[:200]
    except PermissionDeniedError as exc:
        _forbid(exc)
    return render(
        request, "arsip/berkas_list.html", {"rows": rows, "statuses": Berkas.Status.choices}
    )


@login_required
def berkas_detail(request, pk: int):
    try:
        berkas = selectors.berkas_get_for_user(user=request.user, pk=pk)
    except PermissionDeniedError as exc:
        _forbid(exc)
    if request.method == "POST" and request.POST.get("action") == "close":
        if request.POST.get("confirm") != "yes":
            # Closing starts the retention clock: only from the confirmation step.
            return redirect(reverse("arsip:berkas_detail", args=[berkas.pk]) + "?tutup=1#tutup")
        try:
            records.berkas_close(actor=request.user, berkas=berkas)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The file was closed; its retention clock started."))
        return redirect("arsip:berkas_detail", pk=berkas.pk)
    confirm = None
    if request.GET.get("tutup") and berkas.status == Berkas.Status.TERBUKA:
        confirm = berkas_close_preview(berkas)
    return render(
        request,
        "arsip/berkas_detail.html",
        {
            "berkas": berkas,
            "records": berkas.records.select_related("unit").order_by("tanggal")[:500],
            "confirm": confirm,
        },
    )


@login_required
def berkas_export(request, pk: int):
    try:
        berkas = selectors.berkas_get_for_user(user=request.user, pk=pk)
    except PermissionDeniedError as exc:
        _forbid(exc)
    workdir = Path(tempfile.mkdtemp(prefix="arsip-bag-"))
    try:
        bag = workdir / "bag"
        try:
            export.arsip_export_bundle(actor=request.user, target=bag, berkas=berkas)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("arsip:berkas_detail", pk=berkas.pk)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(bag.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(bag).as_posix())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    name = f"arsip-{berkas.nomor.replace('/', '-')}.zip"
    return HttpResponse(
        buf.getvalue(),
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _due_choices(jenis: str):
    rows = []
    for berkas in berkas_due(jenis)[:300]:
        rows.append((berkas, lifecycle.berkas_blockers(berkas, jenis)))
    return rows


@login_required
def penyusutan_list(request):
    try:
        rows = selectors.penyusutan_list_for_user(user=request.user)[:100]
    except PermissionDeniedError as exc:
        _forbid(exc)
    return render(
        request,
        "arsip/penyusutan_list.html",
        {
            "rows": rows,
            "jenis_choices": Penyusutan.Jenis.choices,
            "can_propose": is_arsiparis(request.user),
        },
    )


@login_required
def penyusutan_propose(request):
    if not is_arsiparis(request.user):
        raise PermissionDenied
    jenis = request.POST.get("jenis") or request.GET.get("jenis") or Penyusutan.Jenis.PEMUSNAHAN
    if jenis not in Penyusutan.Jenis.values:
        jenis = Penyusutan.Jenis.PEMUSNAHAN
    due = _due_choices(jenis)
    allowed = [(b.pk, b.nomor) for b, reasons in due if not reasons]
    form = ProposeForm(request.POST or None, berkas_choices=allowed, initial={"jenis": jenis})
    if request.method == "POST" and form.is_valid():
        chosen = list(Berkas.objects.filter(pk__in=form.cleaned_data["berkas"]))
        try:
            obj = lifecycle.penyusutan_propose(
                actor=request.user,
                jenis=form.cleaned_data["jenis"],
                berkas=chosen,
                keterangan=form.cleaned_data["keterangan"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Proposal %(nomor)s created.") % {"nomor": obj.nomor})
            return redirect("arsip:penyusutan_detail", pk=obj.pk)
    return render(
        request,
        "arsip/penyusutan_propose.html",
        {"form": form, "due": due, "jenis": jenis, "jenis_choices": Penyusutan.Jenis.choices},
    )


@login_required
def penyusutan_detail(request, pk: int):
    try:
        obj = selectors.penyusutan_get_for_user(user=request.user, pk=pk)
    except PermissionDeniedError as exc:
        _forbid(exc)
    files = list(obj.berkas.select_related("unit", "kode_klasifikasi").order_by("nomor"))
    choices = [(b.pk, b.nomor) for b in files]
    assess_form = AssessForm(berkas_choices=choices)
    approve_form = ApproveForm(initial={"otoritas": lifecycle.required_authority(obj)})
    return render(
        request,
        "arsip/penyusutan_detail.html",
        {
            "obj": obj,
            "files": files,
            "assess_form": assess_form,
            "approve_form": approve_form,
            "required_authority": Penyusutan.Otoritas(lifecycle.required_authority(obj)).label,
            "can_assess": is_panitia_penilai(request.user)
            and obj.status == Penyusutan.Status.DIUSULKAN
            and obj.jenis != Penyusutan.Jenis.PEMINDAHAN,
            "can_approve": is_pejabat_kearsipan(request.user)
            and obj.status
            == (
                Penyusutan.Status.DIUSULKAN
                if obj.jenis == Penyusutan.Jenis.PEMINDAHAN
                else Penyusutan.Status.DINILAI
            ),
            "can_execute": is_arsiparis(request.user) and obj.status == Penyusutan.Status.DISETUJUI,
        },
    )


@login_required
@require_POST
def penyusutan_step(request, pk: int, step: str):
    try:
        obj = selectors.penyusutan_get_for_user(user=request.user, pk=pk)
        files = list(obj.berkas.all())
        if step == "nilai":
            form = AssessForm(request.POST, berkas_choices=[(b.pk, b.nomor) for b in files])
            if not form.is_valid():
                messages.error(
                    request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()}
                )
                return redirect("arsip:penyusutan_detail", pk=pk)
            data = form.cleaned_data
            lifecycle.penyusutan_assess(
                actor=request.user,
                penyusutan=obj,
                setuju=data["setuju"],
                sk_panitia=data["sk_panitia"],
                hasil=data["hasil"],
                keluarkan=[b for b in files if b.pk in data["keluarkan"]],
            )
        elif step == "setujui":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()}
                )
                return redirect("arsip:penyusutan_detail", pk=pk)
            lifecycle.penyusutan_approve(actor=request.user, penyusutan=obj, **form.cleaned_data)
        elif step == "laksanakan":
            lifecycle.penyusutan_execute(actor=request.user, penyusutan=obj)
        else:
            raise PermissionDenied
    except PermissionDeniedError as exc:
        _forbid(exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("arsip:penyusutan_detail", pk=pk)


@login_required
def berita_acara(request, pk: int):
    try:
        obj = selectors.penyusutan_get_for_user(user=request.user, pk=pk)
    except PermissionDeniedError as exc:
        _forbid(exc)
    if not obj.berita_acara_pdf:
        raise PermissionDenied
    return stored_file_response(
        obj.berita_acara_pdf,
        content_type="application/pdf",
        filename=f"berita-acara-{obj.nomor.replace('/', '-')}.pdf",
    )


@login_required
def report(request):
    if not can_manage_archive(request.user):
        raise PermissionDenied
    kind = request.GET.get("jenis")
    fmt = request.GET.get("format")
    if kind and fmt:
        try:
            content, ctype, name = report_as(kind, fmt)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return HttpResponse(
                content,
                content_type=ctype,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
    return render(request, "arsip/laporan.html", {"reports": REPORTS.items()})
