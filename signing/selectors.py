"""Reads for the signing pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from signing.backends import SignerStatus, get_backend
from signing.models import SignerCertificate
from signing.permissions import can_manage_certificates

if TYPE_CHECKING:
    from core.models import Pegawai


def signer_status(*, signer: Pegawai) -> SignerStatus:
    return get_backend().status(signer)


def certificate_list_for_signer(*, signer: Pegawai) -> QuerySet[SignerCertificate]:
    return SignerCertificate.objects.for_signer(signer).order_by("-created_at")


def certificate_list_for_admin(
    *, user: Pegawai, status: str = "", query: str = ""
) -> QuerySet[SignerCertificate]:
    if not can_manage_certificates(user):
        raise PermissionDenied
    rows = SignerCertificate.objects.select_related("pegawai", "revoked_by").order_by("-created_at")
    if status in SignerCertificate.Status.values:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(pegawai__nama__icontains=query) | rows.filter(
            serial_hex__iexact=query.lower()
        )
    return rows


def certificate_get_for_admin(*, user: Pegawai, pk: int) -> SignerCertificate:
    if not can_manage_certificates(user):
        raise PermissionDenied
    return get_object_or_404(SignerCertificate.objects.select_related("pegawai"), pk=pk)
