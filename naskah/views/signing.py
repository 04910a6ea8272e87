"""Signing screens: the letter's signature and distribution page, single and batch
signing (progress polled with htmx), the sealed PDF, distribution retries and withdrawal.
Thin views: reads through permissions/selectors, changes through one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ApplicationError
from core.files import stored_file_response
from naskah.forms.drafting import PencabutanForm
from naskah.models import BatchTTE, BatchTTEItem, Distribusi, Naskah, NaskahTTE, PencabutanNaskah
from naskah.permissions import (
    can_read_pertinggal,
    can_retry_distribusi,
    can_see_internal,
    can_withdraw_naskah,
    naskah_internal_to,
)
from naskah.selectors.access import naskah_get_for_user
from naskah.selectors.approval import naskah_signature_state_for
from naskah.selectors.drafting import naskah_withdraw_candidates
from naskah.selectors.signing import (
    batchtte_get_for_user,
    naskah_sign_check,
    naskah_sign_check_many,
)
from naskah.services import distribusi as distribusi_services
from naskah.services import pencabutan as pencabutan_services
from naskah.services.distribusi import (
    distribusi_email_retry,
    distribusi_read,
)
from naskah.services.signing import naskah_sign
from naskah.services.signing_batch import batch_mark_stale, naskah_batch_continue, naskah_batch_sign
from naskah.viewer import letter_pdf
from signing.selectors import signing_method


def _sign_state(naskah: Naskah, user) -> tuple[object | None, str]:
    try:
        return naskah_sign_check(naskah=naskah, signer=user), ""
    except ApplicationError as error:
        return None, error.message


@login_required
@sensitive_post_parameters("passphrase", "totp")
@require_http_methods(["GET", "POST"])
def naskah_tte(request, pk: int):
    if request.method == "POST":
        naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
        try:
            # The passphrase, or the BSrE TOTP code where the signer signs so
            # (signing.services.signer_credential checks which).
            naskah_sign(
                naskah=naskah,
                signer=request.user,
                passphrase=request.POST.get("passphrase") or None,
                totp=request.POST.get("totp") or None,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The letter is signed."))
        return redirect("naskah:tte", pk=naskah.pk)
    naskah = naskah_get_for_user(user=request.user, pk=pk)
    if not can_see_internal(request.user, naskah):
        return _sent_view(request, naskah)
    plan, reason = _sign_state(naskah, request.user)
    record = NaskahTTE.objects.filter(naskah=naskah).select_related("nomor").first()
    pencabutan = PencabutanNaskah.objects.filter(naskah=naskah).select_related("oleh").first()
    withdraw_form = None
    if pencabutan is None and record is not None and can_withdraw_naskah(request.user, naskah):
        withdraw_form = PencabutanForm(candidates=naskah_withdraw_candidates(request.user, naskah))
    # The signer who finds a problem returns the letter to its drafter from here.
    signature_state = (
        naskah_signature_state_for(naskah, request.user)
        if naskah.status == Naskah.Status.SIAP_TANDATANGAN and record is None
        else None
    )
    return render(
        request,
        "naskah/tte/detail.html",
        {
            "naskah": naskah,
            "plan": plan,
            "reason": reason,
            "record": record,
            "pencabutan": pencabutan,
            "withdraw_form": withdraw_form,
            "dokumen": record.dokumen.select_related("penandatangan", "jabatan") if record else [],
            "distribusi": Distribusi.objects.filter(naskah=naskah).select_related("pegawai"),
            "can_retry": can_retry_distribusi(request.user, naskah),
            "pertinggal": record.pertinggal_terakhir()
            if record and can_read_pertinggal(request.user, naskah)
            else None,
            "internal": True,
            "return_state": signature_state,
            "sign_credentials": signing_method(signer=request.user).credentials if plan else (),
            "pdf": letter_pdf(naskah, internal=True) if naskah.revisi_terakhir else None,
        },
    )


def _sent_view(request, naskah: Naskah):
    """The letter as sent, for someone it was delivered to: number, date, the sealed PDF,
    its lampiran, signatures and verification; nothing of its route, notes or drafts."""
    from naskah.models import Lampiran

    record = NaskahTTE.objects.filter(naskah=naskah).select_related("nomor").first()
    if record is None:
        raise Http404
    sent = naskah.revisi.filter(nomor=record.revisi).values_list("lampiran", flat=True).first()
    return render(
        request,
        "naskah/tte/detail.html",
        {
            "naskah": naskah,
            "record": record,
            "dokumen": record.dokumen.select_related("penandatangan", "jabatan"),
            "lampiran": Lampiran.objects.filter(naskah=naskah, pk__in=sent or []),
            "distribusi": [],
            "internal": False,
            "pdf": letter_pdf(naskah, internal=False),
            "pencabutan": PencabutanNaskah.objects.filter(naskah=naskah)
            .select_related("oleh")
            .first(),
        },
    )


@login_required
@require_POST
def naskah_dispatch_retry(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    try:
        distribusi_services.naskah_dispatch_retry(naskah=naskah, actor=request.user)
        messages.success(request, _("The dispatch is queued again."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("naskah:tte", pk=naskah.pk)


@login_required
@require_POST
def distribusi_retry(request, pk: int, distribusi_id: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    row = get_object_or_404(Distribusi, pk=distribusi_id, naskah=naskah)
    try:
        distribusi_email_retry(distribusi=row, actor=request.user)
        messages.success(request, _("The e-mail is queued again."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("naskah:tte", pk=naskah.pk)


@login_required
@require_POST
def naskah_withdraw(request, pk: int):
    """Record that a later signed letter withdraws this one (pencabutan)."""
    naskah = naskah_get_for_user(user=request.user, pk=pk, access="internal")
    if not can_withdraw_naskah(request.user, naskah):
        raise PermissionDenied
    form = PencabutanForm(request.POST, candidates=naskah_withdraw_candidates(request.user, naskah))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("naskah:tte", pk=naskah.pk)
    try:
        row = pencabutan_services.naskah_withdraw(
            naskah=naskah,
            by_naskah=form.cleaned_data["oleh"],
            user=request.user,
            reason=form.cleaned_data["alasan"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The letter is recorded as withdrawn by %(nomor)s.") % {"nomor": row.oleh.nomor},
        )
    return redirect("naskah:tte", pk=naskah.pk)


@login_required
@require_GET
def naskah_tte_pdf(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk)
    record = NaskahTTE.objects.filter(naskah=naskah).first()
    dokumen = record.dokumen_terakhir() if record else None
    if dokumen is None:
        raise Http404
    row = Distribusi.objects.filter(naskah=naskah, pegawai=request.user).first()
    if row is not None:
        distribusi_read(distribusi=row, actor=request.user)
    safe = "".join(c if c.isalnum() else "-" for c in naskah.nomor or str(naskah.pk))
    return stored_file_response(
        dokumen.berkas.name, content_type="application/pdf", filename=f"naskah-{safe}.pdf"
    )


@login_required
@require_GET
def naskah_tte_pertinggal(request, pk: int):
    """The sealed file copy with the paraf page: the drafting side only (permissions)."""
    naskah = naskah_get_for_user(user=request.user, pk=pk)
    if not can_read_pertinggal(request.user, naskah):
        raise Http404
    record = NaskahTTE.objects.filter(naskah=naskah).first()
    copy = record.pertinggal_terakhir() if record else None
    if copy is None:
        raise Http404
    safe = "".join(c if c.isalnum() else "-" for c in naskah.nomor or str(naskah.pk))
    return stored_file_response(
        copy.berkas.name, content_type="application/pdf", filename=f"pertinggal-{safe}.pdf"
    )


def _signable_for(user):
    """The letters the batch page offers: each passes the sign check, read for the page
    in a fixed number of queries plus the letters' own content checks."""
    letters = list(
        naskah_internal_to(user)
        .filter(status=Naskah.Status.SIAP_TANDATANGAN)
        .select_related("jenis", "unit", "penandatangan__unit", "tte")
        .prefetch_related("jenis__kewenangan")
        .order_by("updated_at")[:200]
    )
    checked = naskah_sign_check_many(letters=letters, signer=user)
    return [naskah for naskah, plan, _reason in checked if plan is not None]


@login_required
@sensitive_post_parameters("passphrase")
@require_http_methods(["GET", "POST"])
def naskah_tte_batch(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("naskah") if i.isdigit()]
        allowed = {n.pk for n in _signable_for(request.user)}
        try:
            if not set(ids) <= allowed:
                raise ApplicationError(_("Some selected letters are not yours to sign now."))
            batch = naskah_batch_sign(
                signer=request.user, naskah_ids=ids, passphrase=request.POST.get("passphrase", "")
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("naskah:tte_batch")
        return redirect("naskah:tte_batch_detail", pk=batch.pk)
    return render(
        request,
        "naskah/tte/batch.html",
        {
            "letters": _signable_for(request.user),
            "batches": BatchTTE.objects.filter(penandatangan=request.user)[:10],
        },
    )


@login_required
@require_GET
def naskah_tte_batch_detail(request, pk: int):
    batch = batchtte_get_for_user(user=request.user, pk=pk)
    batch_mark_stale(batch)  # a run silent past its lease: shown (and recorded) interrupted
    items = list(batch.items.select_related("naskah__jenis"))
    signed = sum(1 for i in items if i.status == BatchTTEItem.Status.BERHASIL)
    done = sum(1 for i in items if i.status in ("berhasil", "gagal"))
    context = {
        "batch": batch,
        "stale": batch.status == BatchTTE.Status.TERHENTI,
        "items": items,
        "done": done,
        "signed": signed,
        "not_signed": len(items) - signed,
        "total": len(items),
        "percent": int(100 * done / len(items)) if items else 100,
        "failed": [i for i in items if i.status == "gagal"],
        "can_continue": batch.status != BatchTTE.Status.BERJALAN and signed < len(items),
    }
    template = (
        "naskah/tte/_batch_progress.html"
        if request.headers.get("HX-Request")
        else "naskah/tte/batch_detail.html"
    )
    return render(request, template, context)


@login_required
@sensitive_post_parameters("passphrase")
@require_POST
def naskah_tte_batch_continue(request, pk: int):
    """Continue a batch: the passphrase again, and only the letters not signed."""
    batch = batchtte_get_for_user(user=request.user, pk=pk)
    try:
        naskah_batch_continue(
            batch=batch, signer=request.user, passphrase=request.POST.get("passphrase", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("naskah:tte_batch_detail", pk=batch.pk)
