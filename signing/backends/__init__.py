"""Signing backends: `get_backend()` returns the one named by NASKAH_SIGNING_BACKEND."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from signing.backends.base import SignedResult, SignerStatus, SigningBackend, UnlockedKey

__all__ = ["SignedResult", "SignerStatus", "SigningBackend", "UnlockedKey", "get_backend"]


def get_backend(name: str | None = None) -> SigningBackend:
    name = name or settings.NASKAH_SIGNING_BACKEND
    if name == "local":
        from signing.backends.local import LocalBackend

        return LocalBackend()
    if name == "bsre":
        from signing.backends.bsre import BsreBackend

        return BsreBackend.from_settings()
    raise ImproperlyConfigured(f"NASKAH_SIGNING_BACKEND must be 'local' or 'bsre', not {name!r}.")
