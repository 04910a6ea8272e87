"""Register pages: thin views over the selectors; the permission rule is in permissions.py."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from core.clock import office_today
from core.errors import ApplicationError
from penomoran import exports, permissions, services
from penomoran.formats import sifat_prefixes
from penomoran.models import Nomor
from penomoran.owners import nomor_owners
from penomoran.selectors import (
    bukunomor_get_for_user,
    bukunomor_list_for_user,
    bukunomor_years,
    nomor_get_for_user,
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
        cast(forms.ChoiceField, self.fields["tahun"]).choices = [("", _("All"))] + [
            (y, str(y)) for y in years
        ]


class ReserveForm(forms.Form):
    tanggal = forms.DateField(
        label=_("Letter date"), widget=forms.DateInput(attrs={"type": "date"})
    )
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


class CancelForm(forms.Form):
    alasan = forms.CharField(label=_("Reason"), max_length=1000)


def _filtered(request, pk: int):
    buku = bukunomor_get_for_user(user=request.user, pk=pk)
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
    """The printed register's filter line, in the reader's language."""
    parts = [_t("Year %(year)s") % {"year": tahun} if tahun else _t("All years")]
    if status in Nomor.Status.values:
        parts.append(str(Nomor.Status(status).label))
    else:
        parts.append(_t("All statuses"))
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
    owners = nomor_owners(request.user, page.object_list)
    return render(
        request,
        "penomoran/register.html",
        {
            "buku": buku,
            "form": form,
            "page": page,
            "rows": [(nomor, owners.get(nomor.pk)) for nomor in page.object_list],
            "query": query.urlencode(),
            "can_reserve": permissions.can_reserve(request.user),
            "can_cancel": permissions.can_cancel(request.user),
            "reserve_form": ReserveForm(initial={"tanggal": office_today()}),
        },
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


def _form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(map(str, errs))}"
        for name, errs in form.errors.items()
    )


@login_required
@require_POST
def nomor_reserve(request, pk: int):
    buku = bukunomor_get_for_user(user=request.user, pk=pk)
    if not permissions.can_reserve(request.user):
        raise PermissionDenied
    form = ReserveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("penomoran:register", pk=buku.pk)
    try:
        nomor = services.nomor_reserve(buku=buku, actor=request.user, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _t("Reserved number %(teks)s.") % {"teks": nomor.teks})
    return redirect("penomoran:register", pk=buku.pk)


@login_required
@require_POST
def nomor_cancel(request, pk: int):
    nomor = nomor_get_for_user(user=request.user, pk=pk)
    if not permissions.can_cancel(request.user):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.nomor_cancel(
                nomor=nomor, alasan=form.cleaned_data["alasan"], actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _t("Cancelled number %(teks)s.") % {"teks": nomor.teks})
    return redirect("penomoran:register", pk=nomor.buku_id)
