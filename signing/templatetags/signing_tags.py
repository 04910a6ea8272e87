"""`{% signer_certificate_warning %}`: a warning on the drafting, submit and sign pages
when the chosen signer could not sign (no certificate, a request still pending, expired or
revoked; with BSrE a user status other than ISSUE)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()

ENROLABLE = {"no_certificate", "expired", "revoked"}


def _holder(jabatan):
    from core.models import Jabatan
    from core.selectors.organisasi import jabatan_holder_on

    if jabatan in (None, ""):
        return None, None
    if not isinstance(jabatan, Jabatan):
        try:
            jabatan = Jabatan.objects.filter(pk=int(jabatan)).first()
        except (TypeError, ValueError):
            return None, None
        if jabatan is None:
            return None, None
    holder = jabatan_holder_on(jabatan)
    return jabatan, holder.pegawai if holder else None


def _message(code: str, name: str, detail: str) -> str:
    messages = {
        "no_holder": _("Nobody holds the chosen signing position today."),
        "no_certificate": _("%(name)s has no signing certificate yet."),
        "pending": _(
            "The certificate request of %(name)s is still waiting for a registration "
            "officer's approval."
        ),
        "expired": _("The signing certificate of %(name)s has expired."),
        "revoked": _("The signing certificate of %(name)s was revoked."),
    }
    text = messages.get(code)
    if text is None:
        text = _("%(name)s cannot sign now: %(detail)s")
    return text % {"name": name, "detail": detail}


@register.inclusion_tag("signing/_certificate_warning.html")
def signer_certificate_warning(jabatan=None, pegawai=None, next_url="", own=False):
    """Render nothing when the signer is ready. `jabatan` (a Jabatan or its pk): warn about
    today's holder of that position; `pegawai`: about that person. With `own` the text
    speaks to the signer and links to enrolment, returning to `next_url`."""
    from signing.selectors import signer_readiness

    if pegawai is None:
        jabatan, pegawai = _holder(jabatan)
        if jabatan is None:
            return {"show": False}
    status = signer_readiness(signer=pegawai)
    if status.ready:
        return {"show": False}
    from signing.backends import backend_issues_certificates

    local = backend_issues_certificates()
    if own:
        text = status.message
    else:
        text = _message(status.code, str(pegawai) if pegawai else "", status.message)
    return {
        "show": True,
        "text": text,
        "code": status.code,
        "enrol": bool(own and local and status.code in ENROLABLE),
        "next_url": next_url,
    }
