"""SKKAAD in drafting: the default security class of a classification code, proposed when
the drafter picks a code (htmx fragment under the code field)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from naskah.skkaad import kelas_usulan_context


@login_required
@require_GET
def naskah_kelas_usulan(request):
    context = kelas_usulan_context(
        kode=request.GET.get("kode_klasifikasi", ""),
        kelas=request.GET.get("klasifikasi_keamanan", ""),
        usulan_lama=request.GET.get("kelas_usulan", ""),
    )
    return render(request, "naskah/_kelas_usulan.html", context)
