"""Who may do what with signing certificates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from core.models import Pegawai


def can_manage_certificates(user: Pegawai) -> bool:
    """See the list of all signers' certificates (administrators only)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("signing.revoke_signercertificate"))
    )


def can_revoke_certificate(user: Pegawai) -> bool:
    return can_manage_certificates(user)


def registration_officer_group() -> str:
    """The Django group of registration officers (NASKAH_REGISTRATION_OFFICER_GROUP)."""
    return settings.NASKAH_REGISTRATION_OFFICER_GROUP or "Petugas Pendaftaran"


def can_decide_certificate_request(user: Pegawai) -> bool:
    """Approve or reject certificate requests: members of the registration officer group.
    (Not deciding one's own request is checked by the service.)"""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=registration_officer_group()).exists()
    )


def signer_needs_second_factor(user: Pegawai) -> bool:
    """Signers (an active signing certificate) and whoever manages certificates must pass a
    second factor at sign-in (core.second_factor; docs/security.md)."""
    from signing.models import SignerCertificate

    if can_manage_certificates(user):
        return True
    return SignerCertificate.objects.for_signer(user).active().exists()
