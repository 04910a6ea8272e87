"""Pages: a signed letter's package (for whoever may see the letter), a failed delivery to
a peer retried from the letter page, and the agendaris's import of a package."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from core.models import UnitKerja
from naskah.masuk import permissions as masuk_perms
from naskah.models import NaskahTTE
from naskah.selectors.access import naskah_get_for_user
from pertukaran import services
from pertukaran.models import PengirimanMitra
from pertukaran.paket import paket_build


@login_required
@require_GET
def naskah_paket(request, pk: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk)
    if not NaskahTTE.objects.filter(naskah=naskah, selesai=True).exists():
        raise Http404("not signed")
    response = HttpResponse(paket_build(naskah), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="paket-naskah-{naskah.pk}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def pengiriman_retry(request, pk: int, pengiriman_id: int):
    naskah = naskah_get_for_user(user=request.user, pk=pk)
    row = get_object_or_404(PengirimanMitra, pk=pengiriman_id, naskah=naskah)
    try:
        services.pengiriman_retry(actor=request.user, pengiriman=row)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The delivery to %(peer)s is queued again.") % {"peer": row.mitra.nama}
        )
    return redirect("naskah:tte", pk=naskah.pk)


class ImporForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Register"), queryset=UnitKerja.objects.none())
    paket = forms.FileField(
        label=gettext_lazy("Letter package (zip)"),
        help_text=gettext_lazy(
            "A package exported by Naskah or another system: surat.json, surat.pdf and lampiran/."
        ),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = UnitKerja.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk


@login_required
def paket_import(request):
    units = masuk_perms.register_units(request.user)
    if not units:
        raise Http404("not an agendaris")
    form = ImporForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.paket_import(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                data=form.cleaned_data["paket"].read(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            for item in error.extra.get("errors", [])[:10]:
                form.add_error(None, f"{'/'.join(item['loc']) or 'surat.json'}: {item['msg']}")
        else:
            surat = result.penerimaan.surat_masuk
            if result.created:
                messages.success(
                    request,
                    _("Registered with agenda number %(agenda)s.") % {"agenda": surat.nomor_agenda},
                )
            else:
                messages.info(
                    request,
                    _("This letter was already received (agenda %(agenda)s).")
                    % {"agenda": surat.nomor_agenda},
                )
            return redirect("masuk:suratmasuk_detail", pk=surat.pk)
    return render(request, "pertukaran/impor.html", {"form": form})
