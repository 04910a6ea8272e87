"""`{% reply_of naskah %}`: on an outgoing letter's pages, the incoming letter it answers
(a reply started with "Buat konsep surat balasan"). The incoming letter is linked only for
a user who may see it; a classified one shows its agenda number only."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("masuk/_membalas.html", takes_context=True)
def reply_of(context, naskah):
    from naskah.masuk import permissions as perms
    from naskah.masuk.models import SuratBalasan, SuratMasuk

    if naskah is None or not getattr(naskah, "pk", None):
        return {"link": None}
    link = SuratBalasan.objects.select_related("surat").filter(naskah_id=naskah.pk).first()
    if link is None:
        return {"link": None}
    request = context.get("request")
    user = getattr(request, "user", None)
    visible = bool(
        user is not None
        and user.is_authenticated
        and SuratMasuk.objects.filter(perms.visible_q(user), pk=link.surat_id).exists()
    )
    return {"link": link, "surat": link.surat, "visible": visible}
