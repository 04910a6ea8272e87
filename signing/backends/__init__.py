"""Signing backends: `get_backend()` returns the one named by NASKAH_SIGNING_BACKEND."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from signing.backends.base import SignedResult, SignerStatus, SigningBackend, UnlockedKey

__all__ = [
    "SignedResult",
    "SignerStatus",
    "SigningBackend",
    "UnlockedKey",
    "backend_class",
    "backend_issues_certificates",
    "get_backend",
]


def backend_class(name: str | None = None) -> type[SigningBackend]:
    """The class of the backend named `name` (default: NASKAH_SIGNING_BACKEND), without
    making one (BSrE's reads its settings when made)."""
    name = name or settings.NASKAH_SIGNING_BACKEND
    if name == "local":
        from signing.backends.local import LocalBackend

        return LocalBackend
    if name == "bsre":
        from signing.backends.bsre import BsreBackend

        return BsreBackend
    raise ImproperlyConfigured(f"NASKAH_SIGNING_BACKEND must be 'local' or 'bsre', not {name!r}.")


def get_backend(name: str | None = None) -> SigningBackend:
    cls = backend_class(name)
    from_settings = getattr(cls, "from_settings", None)
    return from_settings() if from_settings is not None else cls()


def backend_issues_certificates() -> bool:
    """Whether the configured backend's certificates come from this installation's CA."""
    return backend_class().issues_certificates
