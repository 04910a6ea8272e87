"""Pages of the incoming register. Thin: parse a form, call one selector or service,
render. Every letter is fetched through the permission-filtered selector (404 for
outsiders)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError, ConflictError
from core.files import stored_file_response
from core.pdfsafe import removed_message
from naskah.masuk import permissions as perms
from naskah.masuk import selectors, services
from naskah.masuk.forms import (
    AlasanForm,
    DisposisiForm,
    EditForm,
    LaporanForm,
    RegisterForm,
    edit_initial,
)
from naskah.masuk.lembar import lembar_disposisi_pdf
from naskah.masuk.models import BerkasTindakLanjut, DisposisiPenerima, SuratMasuk
from naskah.masuk.selectors import suratmasuk_find_duplicates
from naskah.masuk.services import (
    SUGGESTABLE,
    DataSurat,
    disposisi_mark_read,
    suratmasuk_apply_saran,
    suratmasuk_register,
    suratmasuk_reply_draft,
)
from naskah.masuk.services.edit import suratmasuk_update
from naskah.masuk.unggah import (
    unggah_discard,
    unggah_files,
    unggah_get,
    unggah_retry,
    unggah_stage,
)


def _uploads(request, field: str) -> list[tuple[str, bytes]]:
    """Uploaded files as (name, bytes); reads at most one byte past the size limit so an
    oversized file is refused without being read whole."""
    limit = int(settings.NASKAH_MASUK_MAX_FILE_MB) * 1024 * 1024
    return [(f.name, f.read(limit + 1)) for f in request.FILES.getlist(field)]


@login_required
@require_GET
def suratmasuk_list(request):
    user = request.user
    tab = request.GET.get("tab", "")
    q = request.GET.get("q", "").strip()
    register_units = perms.register_units(user)
    context = {
        "register_units": register_units,
        "register": selectors.suratmasuk_register_list(user, q=q)[:200] if register_units else [],
        "to_dispose": list(selectors.suratmasuk_to_dispose(user)),
        "inbox": list(selectors.disposisi_inbox(user)),
        "outbox": list(selectors.disposisi_outbox(user)),
        "q": q,
    }
    if tab not in ("register", "dispose", "inbox", "outbox"):
        tab = _first_tab_with_work(context, q=q)
    context["tab"] = tab
    return render(request, "masuk/daftar.html", context)


def _first_tab_with_work(context: dict, *, q: str) -> str:
    """The tab that opens: a search shows the register; otherwise the first tab with work
    in it (letters to dispose, then dispositions to me), then the register or my list."""
    if q and context["register_units"]:
        return "register"
    if context["to_dispose"]:
        return "dispose"
    if context["inbox"]:
        return "inbox"
    if context["register_units"]:
        return "register"
    return "outbox" if context["outbox"] else "inbox"


@login_required
def suratmasuk_new(request):  # noqa: C901 - the two steps of one form (scan, then register)
    """Register a letter: first the scan (`unggah`), then this form, prefilled with what
    was read from it (editable; nothing is saved before "Register the letter")."""
    units = perms.register_units(request.user)
    if not units:
        raise Http404("not an agendaris")
    token = request.POST.get("unggah") or request.GET.get("unggah", "")
    unggahan = unggah_get(actor=request.user, token=token) if token else None
    if token and unggahan is None:
        messages.warning(request, _("The uploaded file is no longer kept; choose it again."))
    duplicate, suggested = None, []
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES, units=units)
        new_files = _uploads(request, "berkas")
        if form.is_valid():
            d = form.cleaned_data
            files = new_files or (unggah_files(unggahan) if unggahan else [])
            try:
                surat = suratmasuk_register(
                    actor=request.user,
                    unit=d["unit"],
                    data=_data_surat(d),
                    files=files,
                    konfirmasi_duplikat=d["konfirmasi_duplikat"],
                )
            except ConflictError as error:
                if error.code != "duplicate":
                    raise
                duplicate = SuratMasuk.objects.filter(pk__in=error.extra["duplikat"])
                form.add_error(None, error.message)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                if unggahan:
                    unggah_discard(unggahan)
                messages.success(
                    request,
                    _("Registered with agenda number %(agenda)s.") % {"agenda": surat.nomor_agenda},
                )
                _tell_removed(request, surat.konten_aktif_dihapus)
                return redirect("masuk:suratmasuk_detail", pk=surat.pk)
        if new_files:
            # Keep what was just uploaded for the next try (a duplicate warning, a typo):
            # it need not be picked again.
            try:
                fresh = unggah_stage(actor=request.user, files=new_files)
            except ApplicationError as error:
                if not form.non_field_errors():
                    form.add_error(None, error.message)
            else:
                if unggahan:
                    unggah_discard(unggahan)
                unggahan = fresh
    else:
        form = RegisterForm(units=units)
        if unggahan and not unggahan.reading:
            suggested = form.suggested(unggahan.saran)
    return render(
        request,
        "masuk/daftar_baru.html",
        {
            "form": form,
            "duplicate": duplicate,
            "unggahan": unggahan,
            "suggested": suggested,
            "accept": ACCEPT,
        },
    )


ACCEPT = "application/pdf,image/jpeg,image/png"


@login_required
@require_POST
def suratmasuk_upload(request):
    """Step one: the scan. Checked, kept in the pending area, read at once (a text layer)
    or in the slow queue (OCR); then the form, which fills itself."""
    if not perms.register_units(request.user):
        raise Http404("not an agendaris")
    try:
        unggahan = unggah_stage(actor=request.user, files=_uploads(request, "berkas"))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("masuk:suratmasuk_new")
    return redirect(f"{reverse('masuk:suratmasuk_new')}?unggah={unggahan.token}")


@login_required
@require_POST
def suratmasuk_upload_retry(request):
    """Read the staged scan again after the reading failed (a button of the registration
    form): what was typed in the form meanwhile is kept."""
    units = perms.register_units(request.user)
    if not units:
        raise Http404("not an agendaris")
    token = request.POST.get("unggah", "")
    try:
        unggahan = unggah_retry(actor=request.user, token=token)
    except ApplicationError as error:
        messages.error(request, error.message)
        unggahan = unggah_get(actor=request.user, token=token)
        if unggahan is None:
            return redirect("masuk:suratmasuk_new")
    form = RegisterForm(units=units)
    typed = {k: v for k, v in request.POST.items() if k not in ("unggah", "csrfmiddlewaretoken")}
    form.suggested({}, typed=typed)
    return render(
        request,
        "masuk/daftar_baru.html",
        {"form": form, "unggahan": unggahan, "suggested": [], "accept": ACCEPT},
    )


@login_required
@require_GET
def suratmasuk_upload_status(request):
    """Polled while the scan is read: 204 (keep polling) until the suggestions are there,
    then the form's fields filled with them (what was typed meanwhile is kept)."""
    units = perms.register_units(request.user)
    if not units:
        raise Http404("not an agendaris")
    unggahan = unggah_get(actor=request.user, token=request.GET.get("unggah", ""))
    if unggahan is None:
        raise Http404("no such upload")
    if unggahan.reading:
        return HttpResponse(status=204)
    form = RegisterForm(units=units)
    typed = {k: v for k, v in request.GET.items() if k not in ("unggah", "berkas")}
    suggested = form.suggested(unggahan.saran, typed=typed)
    return render(
        request,
        "masuk/_register_fields.html",
        {"form": form, "unggahan": unggahan, "suggested": suggested},
    )


def _detail_context(request, surat: SuratMasuk) -> dict:
    user = request.user
    mine = selectors.my_open_branch(user, surat)
    for cabang in mine:
        if cabang.status == DisposisiPenerima.Status.BELUM_DIBACA:
            disposisi_mark_read(cabang=cabang, actor=user)
    open_letter = surat.status != SuratMasuk.Status.SELESAI
    root = perms.root_capacity(user, surat) if open_letter else None
    actions = []
    for cabang in mine:
        capacity = perms.branch_capacity(user, cabang) if cabang.terbuka and open_letter else None
        if capacity is None:
            continue
        actions.append(
            {
                "cabang": cabang,
                "forward": DisposisiForm(dari=capacity.jabatan, prefix=f"c{cabang.pk}"),
                "laporan": LaporanForm(prefix=f"l{cabang.pk}", user=user),
            }
        )
    roots = selectors.disposisi_tree(surat)
    files = list(surat.berkas.all())
    closable = set()
    if open_letter:
        for _depth, _act, node in selectors.flatten_tree(roots):
            if node.cabang.terbuka and perms.can_close_branch(user, node.cabang):
                closable.add(node.cabang.pk)
    return {
        "surat": surat,
        "berkas": files,
        "has_pdf": any(f.jenis == "application/pdf" for f in files),
        "tree": roots,
        "closable": closable,
        "actions": actions,
        "dispose_form": DisposisiForm(dari=root.jabatan, prefix="root") if root else None,
        "can_close_letter": root is not None,
        "can_manage": perms.can_manage_register(user, surat),
        "can_edit": perms.can_edit_register_entry(user, surat),
        **_saran(surat),
        "alasan_form": AlasanForm(),
        **_replies(user, surat),
    }


def _shown(name: str, value):
    """A suggested date is shown like every document date (DATE_FORMAT), not as stored."""
    if name == "tanggal_surat":
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return value
    return value


def _saran(surat: SuratMasuk) -> dict:
    """The suggestions still open, and whether the suggested number is another letter's
    (only then is the "register anyway" confirmation shown)."""
    nomor = surat.ocr_saran.get("nomor_surat", "")
    duplicate = bool(nomor) and bool(
        suratmasuk_find_duplicates(
            unit=surat.unit, pengirim=surat.pengirim, nomor_surat=nomor, exclude_pk=surat.pk
        )
    )
    return {
        "saran": [(f, _shown(f, surat.ocr_saran[f])) for f in SUGGESTABLE if f in surat.ocr_saran],
        "saran_duplikat": duplicate,
    }


def _replies(user, surat: SuratMasuk) -> dict:
    """Reply letters started from this letter that the user may see (a draft: its drafter
    only), and how many others there are."""
    from naskah.permissions import naskah_visible_to

    rows = list(surat.balasan.select_related("naskah__jenis", "dibuat_oleh"))
    visible = set(
        naskah_visible_to(user)
        .filter(pk__in=[r.naskah_id for r in rows])
        .values_list("pk", flat=True)
    )
    shown = [r for r in rows if r.naskah_id in visible]
    return {"replies": shown, "hidden_replies": len(rows) - len(shown)}


@login_required
@require_POST
def suratmasuk_reply(request, pk: int):
    """ "Buat konsep surat balasan": a new reply draft, opened in the editor."""
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    cabang = None
    if request.POST.get("cabang", "").isdigit():
        cabang = DisposisiPenerima.objects.filter(
            pk=int(request.POST["cabang"]), surat=surat
        ).first()
    try:
        naskah = suratmasuk_reply_draft(actor=request.user, surat=surat, cabang=cabang)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("masuk:suratmasuk_detail", pk=surat.pk)
    messages.success(request, _("A reply draft was started; complete it and submit it."))
    return redirect("naskah:edit", pk=naskah.pk)


@login_required
@require_GET
def suratmasuk_detail(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    return render(request, "masuk/detail.html", _detail_context(request, surat))


@login_required
def suratmasuk_edit(request, pk: int):
    """Correct a registered letter's metadata (the register's agendaris only)."""
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    if not perms.can_edit_register_entry(request.user, surat):
        raise PermissionDenied
    duplicate = None
    if request.method == "POST":
        form = EditForm(request.POST, surat=surat)
        if form.is_valid():
            d = form.cleaned_data
            try:
                _saved, changed = suratmasuk_update(
                    surat=surat,
                    actor=request.user,
                    data=_data_surat(d),
                    konfirmasi_duplikat=d["konfirmasi_duplikat"],
                )
            except ConflictError as error:
                if error.code != "duplicate":
                    raise
                duplicate = SuratMasuk.objects.filter(pk__in=error.extra["duplikat"])
                form.add_error(None, error.message)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                if changed:
                    messages.success(request, _("The letter's data was corrected."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("masuk:suratmasuk_detail", pk=surat.pk)
    else:
        form = EditForm(surat=surat, initial=edit_initial(surat))
    return render(
        request, "masuk/ubah.html", {"surat": surat, "form": form, "duplicate": duplicate}
    )


def _data_surat(d: dict) -> DataSurat:
    return DataSurat(
        pengirim=d["pengirim"],
        hal=d["hal"],
        tanggal_diterima=d["tanggal_diterima"],
        urgensi=d["urgensi"],
        klasifikasi_keamanan=d["klasifikasi_keamanan"],
        kode_klasifikasi=d["kode_klasifikasi"],
        jabatan_tujuan=d["jabatan_tujuan"],
        nomor_surat=d["nomor_surat"],
        tanggal_surat=d["tanggal_surat"],
        jumlah_lampiran=d["jumlah_lampiran"],
    )


@login_required
@require_GET
def suratmasuk_ocr_status(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    context = {
        "surat": surat,
        "can_manage": perms.can_manage_register(request.user, surat),
        **_saran(surat),
    }
    return render(request, "masuk/_ocr.html", context)


@login_required
@require_POST
def suratmasuk_ocr_retry(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    try:
        services.suratmasuk_ocr_retry(surat=surat, actor=request.user)
        messages.success(request, _("The OCR is queued again."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("masuk:suratmasuk_detail", pk=surat.pk)


@login_required
@require_POST
def suratmasuk_suggestion_apply(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    try:
        suratmasuk_apply_saran(
            surat=surat,
            actor=request.user,
            fields=request.POST.getlist("fields"),
            konfirmasi_duplikat=request.POST.get("konfirmasi_duplikat") == "on",
        )
        messages.success(request, _("The confirmed suggestions were saved."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("masuk:suratmasuk_detail", pk=surat.pk)


def _serve(field_file, *, name: str, content_type: str) -> HttpResponse:
    # The (user-supplied) name is encoded safely in Content-Disposition.
    return stored_file_response(field_file.name, content_type=content_type, filename=name)


@login_required
@require_GET
def suratmasuk_file(request, pk: int, berkas_id: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    item = get_object_or_404(surat.berkas, pk=berkas_id)
    return _serve(item.berkas, name=item.nama_asli, content_type=item.jenis)


@login_required
@require_GET
def suratmasuk_file_original(request, pk: int, berkas_id: int):
    """The PDF as received (evidence, with active content it may carry): only ever a
    download, never shown in the browser, to those who may read the letter."""
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    item = get_object_or_404(surat.berkas, pk=berkas_id)
    if not item.berkas_asli:
        raise Http404("no original kept")
    response = stored_file_response(
        item.berkas_asli.name,
        content_type="application/octet-stream",
        filename=item.nama_asli,
        attachment=True,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _tell_removed(request, removed: dict[str, dict[str, int]]) -> None:
    for name, items in removed.items():
        messages.warning(request, removed_message(items, name))


@login_required
@require_GET
def suratmasuk_pdf(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    if not surat.berkas_pdf:
        raise Http404("no searchable PDF yet")
    return _serve(
        surat.berkas_pdf, name=f"surat-masuk-{surat.pk}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def tindaklanjut_file(request, pk: int, berkas_id: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    item = get_object_or_404(BerkasTindakLanjut, pk=berkas_id, laporan__cabang__surat=surat)
    return _serve(item.berkas, name=item.nama_asli, content_type=item.jenis)


@login_required
@require_GET
def disposisi_sheet(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(lembar_disposisi_pdf(surat), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lembar-disposisi-{surat.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _fail(request, error: ApplicationError, surat_pk: int):
    messages.error(request, error.message)
    return redirect("masuk:suratmasuk_detail", pk=surat_pk)


@login_required
@require_POST
def disposisi_create(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    root = perms.root_capacity(request.user, surat)
    if root is None:
        return _fail(request, ApplicationError(_("You may not dispose this letter.")), surat.pk)
    form = DisposisiForm(request.POST, dari=root.jabatan, prefix="root")
    return _dispose(request, form, surat.pk, services.disposisi_create, _("Disposed."), surat=surat)


def _dispose(request, form, surat_pk: int, service, done: str, **where):
    """Validate a disposition form and hand it to `service` (a new disposition of the
    letter, or one passed on from a branch: `where` says which)."""
    if not form.is_valid():
        return _fail(request, ApplicationError(_form_errors(form)), surat_pk)
    d = form.cleaned_data
    try:
        service(
            actor=request.user,
            targets=d["targets"],
            utama=d["utama_index"],
            instruksi=list(d["instruksi"]),
            catatan=d["catatan"],
            batas_waktu=d["batas_waktu"],
            **where,
        )
    except ApplicationError as error:
        return _fail(request, error, surat_pk)
    messages.success(request, done)
    return redirect("masuk:suratmasuk_detail", pk=surat_pk)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def disposisi_forward(request, cabang_id: int):
    cabang = selectors.disposisipenerima_get_for_user(user=request.user, pk=cabang_id)
    capacity = perms.branch_capacity(request.user, cabang)
    if capacity is None:
        return _fail(request, ApplicationError(_("This is not your disposition.")), cabang.surat_id)
    form = DisposisiForm(request.POST, dari=capacity.jabatan, prefix=f"c{cabang.pk}")
    return _dispose(
        request,
        form,
        cabang.surat_id,
        services.disposisi_forward,
        _("Disposed further."),
        cabang=cabang,
    )


@login_required
@require_POST
def disposisi_report(request, cabang_id: int):
    cabang = selectors.disposisipenerima_get_for_user(user=request.user, pk=cabang_id)
    form = LaporanForm(request.POST, prefix=f"l{cabang.pk}", user=request.user)
    if not form.is_valid():
        return _fail(request, ApplicationError(_form_errors(form)), cabang.surat_id)
    try:
        report = services.disposisi_report(
            cabang=cabang,
            actor=request.user,
            teks=form.cleaned_data["teks"],
            files=_uploads(request, f"l{cabang.pk}-berkas"),
            selesai=form.cleaned_data["selesai"],
            balasan=form.cleaned_data["balasan"],
        )
    except ApplicationError as error:
        return _fail(request, error, cabang.surat_id)
    messages.success(request, _("Follow-up report saved."))
    _tell_removed(request, report.konten_aktif_dihapus)
    return redirect("masuk:suratmasuk_detail", pk=cabang.surat_id)


@login_required
@require_POST
def disposisi_close(request, cabang_id: int):
    cabang = selectors.disposisipenerima_get_for_user(user=request.user, pk=cabang_id)
    form = AlasanForm(request.POST)
    if not form.is_valid():
        return _fail(request, ApplicationError(_form_errors(form)), cabang.surat_id)
    try:
        services.disposisi_close(
            cabang=cabang, actor=request.user, alasan=form.cleaned_data["alasan"]
        )
    except ApplicationError as error:
        return _fail(request, error, cabang.surat_id)
    messages.success(request, _("Disposition closed."))
    return redirect("masuk:suratmasuk_detail", pk=cabang.surat_id)


@login_required
@require_POST
def suratmasuk_close(request, pk: int):
    surat = selectors.suratmasuk_get_for_user(user=request.user, pk=pk)
    form = AlasanForm(request.POST)
    if not form.is_valid():
        return _fail(request, ApplicationError(_form_errors(form)), surat.pk)
    try:
        services.suratmasuk_close(
            surat=surat, actor=request.user, catatan=form.cleaned_data["alasan"]
        )
    except ApplicationError as error:
        return _fail(request, error, surat.pk)
    messages.success(request, _("The letter is completed."))
    return redirect("masuk:suratmasuk_detail", pk=surat.pk)


@login_required
@require_GET
def suratmasuk_dashboard(request):
    from naskah.masuk.dasbor import disposisi_dashboard_linked

    context = disposisi_dashboard_linked(
        request.user, key=request.GET.get("siapa", ""), kolom=request.GET.get("kolom", "")
    )
    return render(request, "masuk/dasbor.html", context)
