"""`{% load naskah_signing %}{% tte_panel naskah request.user %}`: the signature and
distribution summary for the letter page (sign button when the user signs next)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("naskah/tte/_panel.html")
def tte_panel(naskah, user):
    from core.errors import ApplicationError
    from naskah.models import Distribusi, NaskahTTE
    from naskah.selectors.signing import naskah_sign_check

    record = NaskahTTE.objects.filter(naskah=naskah).first()
    can_sign = False
    if naskah.status == "siap_tandatangan" and user.is_authenticated:
        try:
            naskah_sign_check(naskah=naskah, signer=user)
            can_sign = True
        except ApplicationError:
            can_sign = False
    rows = list(Distribusi.objects.filter(naskah=naskah).values_list("status", "dibaca_pada"))
    return {
        "naskah": naskah,
        "record": record,
        "can_sign": can_sign,
        "delivered": sum(1 for s, _r in rows if s == "terkirim"),
        "read": sum(1 for _s, r in rows if r is not None),
        "failed": sum(1 for s, _r in rows if s == "gagal"),
        "total": len(rows),
    }
