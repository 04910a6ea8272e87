"""The interface every signing backend implements.

A backend turns PDF bytes plus a signer identity (a Pegawai) and their credential into a
sealed PDF. It knows nothing about letters. Backends are chosen by the setting
`NASKAH_SIGNING_BACKEND` ("local" or "bsre"), see `signing.backends.get_backend`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Self

from signing.crypto import CertificateInfo

if TYPE_CHECKING:
    from core.models import Pegawai

CredentialKind = Literal["passphrase", "totp"]


@dataclass(frozen=True)
class SignedResult:
    pdf: bytes
    sha256: str
    certificate: CertificateInfo
    signed_at: dt.datetime
    backend: str
    field_name: str
    timestamped: bool = False
    level: str = ""  # PAdES level produced: B-B, B-T, B-LT, B-LTA ("" if unknown)

    @staticmethod
    def digest(pdf: bytes) -> str:
        return hashlib.sha256(pdf).hexdigest()


@dataclass(frozen=True)
class SignerStatus:
    """Whether a signer can sign now, and why not. `code` is one of: ready,
    no_certificate, expired, revoked, not_registered, suspended, unavailable."""

    ready: bool
    code: str
    message: str
    certificate: CertificateInfo | None = None


class UnlockedKey(ABC):
    """A signer's credential opened once for a batch: a context manager that keeps what
    is needed to sign in memory only and drops it on exit."""

    backend_name: str = ""
    # Who issues the certificate this key signs with, as a letter's TTE footer names it.
    issuer_name: str = ""

    def __init__(self, signer: Pegawai):
        self.signer = signer
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._clear()
        self._closed = True

    @abstractmethod
    def _clear(self) -> None: ...

    def __repr__(self) -> str:  # never show key material or a passphrase
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} signer={self.signer.pk} {state}>"

    def __reduce__(self):  # an unlocked key must never be pickled into a task queue
        raise TypeError("An unlocked signing key cannot be serialised.")


class SigningBackend(ABC):
    name: str = ""
    # True when this installation's own CA issues the signers' certificates (requests,
    # enrolment, passphrase change and renewal on the signing settings page); False when a
    # remote service holds them (BSrE).
    issues_certificates: bool = False

    @abstractmethod
    def sign(
        self,
        pdf: bytes,
        *,
        signer: Pegawai,
        credential: str | UnlockedKey,
        field_name: str,
        reason: str = "",
        location: str = "",
        credential_kind: CredentialKind = "passphrase",
    ) -> SignedResult:
        """Seal `pdf` for `signer`. Raises ApplicationError with a clear message (wrong
        passphrase, expired or revoked certificate, service unavailable)."""

    @abstractmethod
    def status(self, signer: Pegawai) -> SignerStatus: ...

    @abstractmethod
    def unlock(
        self, signer: Pegawai, credential: str, *, credential_kind: CredentialKind = "passphrase"
    ) -> UnlockedKey: ...
