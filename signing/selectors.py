"""Reads for the signing pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from signing.backends import SignerStatus, get_backend
from signing.models import CertificateRequest, SignerCertificate
from signing.permissions import can_decide_certificate_request, can_manage_certificates

if TYPE_CHECKING:
    from core.models import Pegawai


def signer_status(*, signer: Pegawai) -> SignerStatus:
    return get_backend().status(signer)


@dataclass(frozen=True)
class SigningMethod:
    """How `signer` signs in this installation: the backend, and the credentials they may
    give with a signature request (each used for that request only, never stored)."""

    backend: str  # "local" or "bsre"
    credentials: tuple[str, ...]  # of "passphrase", "totp"


def signing_method(*, signer: Pegawai) -> SigningMethod:
    backend = settings.NASKAH_SIGNING_BACKEND
    if backend != "bsre":
        return SigningMethod(backend, ("passphrase",))
    configured = settings.NASKAH_BSRE_CREDENTIALS
    kinds = tuple(k for k in ("passphrase", "totp") if k in configured)
    return SigningMethod(backend, kinds or ("passphrase",))


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


def certificate_request_latest(*, signer: Pegawai) -> CertificateRequest | None:
    return CertificateRequest.objects.filter(pegawai=signer).order_by("-created_at").first()


@dataclass(frozen=True)
class RequestRow:
    """One request in the registration officer's queue with the Pegawai record to check."""

    request: CertificateRequest
    positions: list[str]
    own: bool


def certificate_request_queue(*, officer: Pegawai) -> list[RequestRow]:
    """Open requests, oldest first, with the signer's positions and units today."""
    from core.selectors.organisasi import pegawai_jabatan_acting_on

    if not can_decide_certificate_request(officer):
        raise PermissionDenied
    rows = (
        CertificateRequest.objects.filter(status=CertificateRequest.Status.DIAJUKAN)
        .select_related("pegawai")
        .order_by("created_at")[:200]
    )
    return [
        RequestRow(
            request=row,
            positions=[
                (f"{p.jenis.capitalize()}. " if p.is_acting else "")
                + f"{p.jabatan.nama} — {p.jabatan.unit.nama}"
                for p in pegawai_jabatan_acting_on(row.pegawai)
            ],
            own=row.pegawai_id == officer.pk,
        )
        for row in rows
    ]


def certificate_request_get_for_officer(*, officer: Pegawai, pk: int) -> CertificateRequest:
    if not can_decide_certificate_request(officer):
        raise PermissionDenied
    return get_object_or_404(CertificateRequest.objects.select_related("pegawai"), pk=pk)


def signer_readiness(*, signer: Pegawai | None) -> SignerStatus:
    """Whether `signer` could sign now, for warnings on the drafting, submit and sign pages:
    the backend's status, and for the local CA a pending request is told apart."""
    if signer is None:
        return SignerStatus(False, "no_holder", _("Nobody holds the signing position today."))
    status = get_backend().status(signer)
    if status.ready or status.code not in {"no_certificate", "expired", "revoked"}:
        return status
    if CertificateRequest.objects.filter(
        pegawai=signer, status=CertificateRequest.Status.DIAJUKAN
    ).exists():
        return SignerStatus(
            False,
            "pending",
            _("The certificate request is waiting for a registration officer's approval."),
            status.certificate,
        )
    return status
