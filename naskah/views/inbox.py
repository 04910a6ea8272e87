"""The internal inbox ("Naskah masuk internal"): signed letters delivered to the reader's
positions, with read receipts (the delivery itself is naskah.services.distribusi)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from naskah.selectors.inbox import inbox_for


@login_required
@require_GET
def naskah_inbox(request):
    return render(request, "naskah/tte/masuk.html", {"rows": inbox_for(request.user)[:200]})
