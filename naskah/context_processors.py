"""Navigation counters for the approval inbox. Add
"naskah.context_processors.naskah_nav" to TEMPLATES' context processors, and
``{% include "naskah/alur/_nav.html" %}`` where the menu should show them."""

from __future__ import annotations

from naskah.models import Naskah
from workflows.selectors import inbox_counts


def naskah_nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = inbox_counts(user)
    counts["dikembalikan"] = Naskah.objects.filter(
        konseptor=user, status=Naskah.Status.DIKEMBALIKAN
    ).count()
    return {"naskah_nav": counts}
