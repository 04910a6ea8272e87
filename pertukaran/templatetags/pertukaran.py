"""`{% pertukaran_naskah naskah internal as px %}`: what the letter page shows of the
exchange: the package link (for a signed letter) and, on the internal view, the deliveries
to peer instances with "retry" for the letter's drafter or signer."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def pertukaran_naskah(context, naskah, internal=False, record=None) -> dict:
    from naskah.permissions import can_retry_distribusi
    from pertukaran.models import PengirimanMitra

    if record is None or not getattr(record, "selesai", False):
        return {}
    user = context["request"].user
    out = {"paket_url": reverse("pertukaran:naskah_paket", args=[naskah.pk])}
    if internal:
        out["pengiriman"] = list(
            PengirimanMitra.objects.filter(naskah=naskah).select_related("mitra").order_by("pk")
        )
        out["can_retry"] = can_retry_distribusi(user, naskah)
    return out
