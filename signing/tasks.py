"""Background tasks of the signing app (django-q2). Thin: each calls one service."""

from __future__ import annotations


def renewal_notice_task(certificate_id: int) -> bool:
    """One attempt at a certificate's renewal notice (retries land here)."""
    from signing.renewal import certificate_renewal_notify

    return certificate_renewal_notify(certificate_id=certificate_id)


def renewal_sweep_task() -> str:
    """Scheduled (daily): renewal notices of certificates entering their window."""
    from signing.renewal import certificate_renewal_sweep

    return f"renewal notices sent: {certificate_renewal_sweep()}"
