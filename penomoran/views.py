"""Register pages: thin views over the selectors; the permission rule is in permissions.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from penomoran import exports
from penomoran.models import Nomor
from penomoran.selectors import (
    bukunomor_get_for_user,
    bukunomor_list_for_user,
    bukunomor_years,
    nomor_register,
)

PAGE_SIZE = 100


class RegisterFilterForm(forms.Form):
    tahun = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Nomor.Status.choices),
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].choices = [("", _("All"))] + [(y, str(y)) for y in years]


def _filtered(request, pk: int):
    buku = bukunomor_get_for_user(request.user, pk)
    years = bukunomor_years(buku)
    data = request.GET.copy()
    if "tahun" not in data and years:
        data["tahun"] = str(years[0])
    form = RegisterFilterForm(data, years=years)
    tahun = status = None
    if form.is_valid():
        tahun, status = form.cleaned_data["tahun"], form.cleaned_data["status"] or None
    rows = nomor_register(buku=buku, tahun=tahun, status=status)
    return buku, form, rows, tahun, status


def _filter_title(tahun: int | None, status: str | None) -> str:
    parts = [f"Tahun {tahun}" if tahun else "Semua tahun"]
    parts.append(exports.STATUS_ID.get(status, "Semua status") if status else "Semua status")
    return ", ".join(parts)


@login_required
@require_GET
def buku_list(request):
    books = bukunomor_list_for_user(request.user)
    return render(request, "penomoran/buku_list.html", {"books": books})


@login_required
@require_GET
def register(request, pk: int):
    buku, form, rows, tahun, status = _filtered(request, pk)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "penomoran/register.html",
        {"buku": buku, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def register_csv(request, pk: int):
    buku, _form, rows, tahun, status = _filtered(request, pk)
    response = HttpResponse(exports.register_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"register-{buku.unit.kode}-{buku.jenis}-{tahun or 'semua'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def register_pdf(request, pk: int):
    buku, _form, rows, tahun, status = _filtered(request, pk)
    pdf = exports.register_pdf(buku=buku, rows=rows, judul_filter=_filter_title(tahun, status))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"register-{buku.unit.kode}-{buku.jenis}-{tahun or 'semua'}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
