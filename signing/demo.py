"""Demo data of the signing app: a registration officer who approves the demo signers'
certificate requests (the same flow as on the pages)."""

from __future__ import annotations

from django.contrib.auth.models import Group

from core.models import Pegawai
from signing.permissions import registration_officer_group

# The head of the cryptography (persandian) field of Diskominfotik checks identities for the
# demo (the usual registration authority for signing certificates).
DEMO_OFFICER = "kabidsandi"


def demo_officer() -> Pegawai | None:
    """The demo registration officer, put in the officer group (idempotent)."""
    officer = Pegawai.objects.filter(username=DEMO_OFFICER).first()
    if officer is None:
        return None
    group, _ = Group.objects.get_or_create(name=registration_officer_group())
    group.user_set.add(officer)
    return officer


def demo_certificate_holders() -> list[str]:
    """Usernames of the demo users holding an active certificate, for the seed output."""
    from signing.models import SignerCertificate

    return list(
        SignerCertificate.objects.active()
        .order_by("pegawai__username")
        .values_list("pegawai__username", flat=True)
    )
