"""Navigation counters for the approval inbox. Add
"naskah.context_processors.naskah_nav" to TEMPLATES' context processors, and
``{% include "naskah/alur/_nav.html" %}`` where the menu should show them."""

from __future__ import annotations

from naskah.models import Naskah
from naskah.selectors.inbox import inbox_unread_count
from workflows.selectors import inbox_counts


def naskah_nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # An htmx partial (not a boosted whole page) renders no menu: skip the counts.
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return {}
    counts = inbox_counts(user)
    counts["dikembalikan"] = Naskah.objects.filter(
        konseptor=user, status=Naskah.Status.DIKEMBALIKAN
    ).count()
    counts["diterima"] = inbox_unread_count(user)  # "Naskah diterima" not opened yet
    return {"naskah_nav": counts}
