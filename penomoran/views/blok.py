"""Outage fallback pages (penomoran/blok.py): issue an emergency block, print its sheet,
register the letters signed on paper, cancel the numbers not used. Thin views; the rules
are in permissions.py and the services."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ApplicationError
from core.files import stored_file_response
from penomoran import exports, permissions
from penomoran.blok import blok_cancel_unused, nomor_block_issue, surat_manual_register
from penomoran.formats import sifat_prefixes
from penomoran.models import BlokDarurat, Nomor, SuratManual
from penomoran.selectors import (
    blokdarurat_get_for_user,
    bukunomor_get_for_user,
    suratmanual_get_for_user,
)


class BlokForm(forms.Form):
    jumlah = forms.IntegerField(label=_("How many numbers"), min_value=1, initial=20)
    kode_klasifikasi = forms.CharField(
        label=_("Classification code"), max_length=30, required=False
    )
    sifat = forms.ChoiceField(label=_("Security prefix"), required=False)
    alasan = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prefixes = sorted(set(sifat_prefixes().values()))
        cast(forms.ChoiceField, self.fields["sifat"]).choices = [("", "—")] + [
            (p, p) for p in prefixes
        ]
        for name, field in self.fields.items():
            css = "form-select" if name == "sifat" else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")


class SuratManualForm(forms.Form):
    nomor = forms.ModelChoiceField(label=_("Number"), queryset=Nomor.objects.none())
    tanggal = forms.DateField(
        label=_("Letter date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hal = forms.CharField(label=_("Subject"), max_length=500)
    penandatangan = forms.CharField(label=_("Signed by (name and position)"), max_length=300)
    tujuan = forms.CharField(label=_("Recipients"), widget=forms.Textarea(attrs={"rows": 2}))
    berkas = forms.FileField(label=_("Scan of the signed letter (PDF)"))

    def __init__(self, *args, blok: BlokDarurat, **kwargs):
        super().__init__(*args, **kwargs)
        nomor = cast(forms.ModelChoiceField, self.fields["nomor"])
        nomor.queryset = blok.nomor_qs().filter(status=Nomor.Status.DICADANGKAN).order_by("urut")
        nomor.label_from_instance = lambda n: n.teks  # type: ignore[assignment]  # Django's documented hook
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class CancelUnusedForm(forms.Form):
    alasan = forms.CharField(label=_("Reason"), max_length=1000)


def _errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(map(str, errs))}"
        for name, errs in form.errors.items()
    )


@login_required
@require_http_methods(["GET", "POST"])
def blok_list(request, pk: int):
    buku = bukunomor_get_for_user(user=request.user, pk=pk)
    can_issue = permissions.can_issue_block(request.user)
    form = BlokForm(request.POST or None)
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                blok = nomor_block_issue(
                    buku=buku,
                    count=data["jumlah"],
                    alasan=data["alasan"],
                    kode_klasifikasi=data["kode_klasifikasi"],
                    sifat=data["sifat"],
                    actor=request.user,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _t("Emergency block issued: print its sheet."))
                return redirect("penomoran:blok_detail", pk=blok.pk)
        else:
            messages.error(request, _errors(form))
    blocks = BlokDarurat.objects.filter(buku=buku).select_related("dibuat_oleh")
    return render(
        request,
        "penomoran/blok_list.html",
        {"buku": buku, "blocks": blocks, "form": form, "can_issue": can_issue},
    )


@login_required
@require_GET
def blok_detail(request, pk: int):
    blok = blokdarurat_get_for_user(user=request.user, pk=pk)
    numbers = list(blok.nomor_qs().select_related("dibatalkan_oleh").order_by("urut"))
    letters = {s.nomor_id: s for s in SuratManual.objects.filter(blok=blok)}
    rows = [(n, letters.get(n.pk)) for n in numbers]
    unused = sum(1 for n in numbers if n.status == Nomor.Status.DICADANGKAN)
    return render(
        request,
        "penomoran/blok_detail.html",
        {
            "blok": blok,
            "rows": rows,
            "unused": unused,
            "can_register": permissions.can_register_manual(request.user),
            "can_cancel": permissions.can_cancel(request.user)
            or permissions.can_issue_block(request.user),
            "register_form": SuratManualForm(blok=blok),
            "cancel_form": CancelUnusedForm(),
        },
    )


@login_required
@require_GET
def blok_sheet(request, pk: int):
    blok = blokdarurat_get_for_user(user=request.user, pk=pk)
    pdf = exports.blok_sheet_pdf(blok=blok, numbers=blok.nomor_qs().order_by("urut"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"blok-darurat-{blok.buku.unit.kode}-{blok.tahun}-{blok.urut_awal}-{blok.urut_akhir}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def blok_register(request, pk: int):
    blok = blokdarurat_get_for_user(user=request.user, pk=pk)
    if not permissions.can_register_manual(request.user):
        raise PermissionDenied
    form = SuratManualForm(request.POST, request.FILES, blok=blok)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("penomoran:blok_detail", pk=blok.pk)
    data = form.cleaned_data
    try:
        surat = surat_manual_register(
            blok=blok,
            nomor=data["nomor"],
            tanggal=data["tanggal"],
            hal=data["hal"],
            penandatangan=data["penandatangan"],
            tujuan=data["tujuan"],
            scan=data["berkas"].read(),
            actor=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _t("Registered the letter numbered %(teks)s.") % {"teks": surat.nomor.teks}
        )
    return redirect("penomoran:blok_detail", pk=blok.pk)


@login_required
@require_POST
def blok_cancel(request, pk: int):
    blok = blokdarurat_get_for_user(user=request.user, pk=pk)
    form = CancelUnusedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("penomoran:blok_detail", pk=blok.pk)
    try:
        cancelled = blok_cancel_unused(
            blok=blok, alasan=form.cleaned_data["alasan"], actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _t("Cancelled %(count)d unused numbers.") % {"count": len(cancelled)}
        )
    return redirect("penomoran:blok_detail", pk=blok.pk)


@login_required
@require_GET
def surat_manual_scan(request, pk: int):
    surat = suratmanual_get_for_user(user=request.user, pk=pk)
    if not surat.berkas.name:
        raise Http404
    return stored_file_response(
        surat.berkas.name, content_type="application/pdf", filename=f"{surat.nomor.teks}.pdf"
    )
