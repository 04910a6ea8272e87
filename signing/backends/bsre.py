"""BSrE (Balai Sertifikasi Elektronik, BSSN) backend: a client for the agency-installed
"esign-client" HTTP API, v2 JSON or v1 multipart, with HTTP Basic authentication.

Standard library only (http.client): one new connection per request, so there is no
pooled keep-alive connection whose silent death could be mistaken for a refused request.

Retries can never sign twice. The BSrE API has no idempotency key and no way to look up
a signature by a client request id, so a sign request is retried only when the TCP (and
TLS) connection could not be opened at all: then not one byte of the request left this
host. Once the request was sent, any failure (read timeout, reset, malformed answer) is
reported as "outcome unknown" and never retried automatically; the signer is told to
check the document before trying again. Read-only calls (status, verify, download) are
retried on any transport failure. docs/signing.md has the full reasoning.

The response and error fields follow domain.md section 6 and published observations of
the API (sign answers `{"file": [base64], "time": ms}`; status answers
`{"status_code", "status", "message"}` with ISSUE / NOT_REGISTERED / NO_CERTIFICATE; errors
`{"status_code", "error"}`). Error codes other than those are UNVERIFIED and are matched by
message text as a fallback.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import logging
import ssl
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from pyhanko.pdf_utils.reader import PdfFileReader

from core.errors import ApplicationError
from signing.backends.base import (
    CredentialKind,
    SignedResult,
    SignerStatus,
    SigningBackend,
    UnlockedKey,
)
from signing.crypto import CertificateInfo
from signing.pades import PadesError, pdf_inspect

if TYPE_CHECKING:
    from core.models import Pegawai

logger = logging.getLogger(__name__)

# Application status codes seen from esign-client (see module docstring).
CODE_NOT_REGISTERED = 2011
CODE_NO_CERTIFICATE = 2021
CODE_WRONG_PASSPHRASE = 2031  # UNVERIFIED: also matched by message text


class _Identity(TypedDict, total=False):
    """How BSrE knows the signer (NASKAH_BSRE_IDENTITY): exactly one of the two."""

    nik: str
    email: str


class BsreError(Exception):
    """A failed BSrE call. `message` is safe to show; it never contains the credential."""

    def __init__(self, message: str, *, code: str, http_status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status


@dataclass(frozen=True)
class BsreResponse:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


@dataclass(frozen=True)
class BsreUserStatus:
    status: str  # ISSUE, NOT_REGISTERED, NO_CERTIFICATE, EXPIRED, REVOKED, SUSPEND, ...
    code: int | None
    message: str


@dataclass(frozen=True)
class BsreAppearance:
    """Visible stamp placed by BSrE (v2 `signatureProperties`, v1 fields). Naskah draws
    its QR and TTE text itself, so the backend signs invisibly; this is for callers that
    want BSrE's own stamp."""

    page: int
    x: float
    y: float
    width: float
    height: float
    image_png: bytes | None = None
    anchor_text: str = ""
    qr_link: str = ""


class BsreClient:
    @sensitive_variables()
    def __init__(
        self,
        base_url: str,
        *,
        username: str,
        password: str,
        api_version: str = "v2",
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        verify_timeout: float = 120.0,
        retries: int = 2,
        retry_backoff: float = 0.5,
        ca_file: str = "",
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ImproperlyConfigured(f"NASKAH_BSRE_URL is not an http(s) URL: {base_url!r}")
        if api_version not in {"v1", "v2"}:
            raise ImproperlyConfigured("NASKAH_BSRE_API_VERSION must be 'v1' or 'v2'.")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.prefix = parts.path.rstrip("/")
        self.api_version = api_version
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.verify_timeout = verify_timeout
        self.retries = max(0, retries)
        self.retry_backoff = retry_backoff
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._auth_header = f"Basic {token}"
        self._ssl_context = (
            ssl.create_default_context(cafile=ca_file or None) if self.scheme == "https" else None
        )

    def __repr__(self) -> str:
        return (
            f"<BsreClient {self.scheme}://{self.host}:{self.port}{self.prefix} {self.api_version}>"
        )

    # --- transport ----------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=self.connect_timeout, context=self._ssl_context
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)

    @sensitive_variables()
    def _request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str = "",
        idempotent: bool,
        read_timeout: float | None = None,
    ) -> BsreResponse:
        headers = {
            "Authorization": self._auth_header,
            "Accept": "application/json, application/pdf",
            "User-Agent": "Naskah-signing/1",
            "Connection": "close",
        }
        if content_type:
            headers["Content-Type"] = content_type
        attempt = 0
        while True:
            attempt += 1
            conn = self._connection()
            try:
                conn.connect()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                # Nothing was sent: safe to try again, even for a signature.
                logger.warning(
                    "BSrE %s %s: connection failed (attempt %d): %s", method, path, attempt, exc
                )
                if attempt > self.retries:
                    raise BsreError(
                        _("The BSrE signing service cannot be reached; nothing was signed."),
                        code="bsre_unavailable",
                    ) from exc
                time.sleep(self.retry_backoff * attempt)
                continue
            started = time.monotonic()
            try:
                if conn.sock is not None:
                    conn.sock.settimeout(read_timeout or self.read_timeout)
                conn.request(method, self.prefix + path, body=body, headers=headers)
                raw = conn.getresponse()
                data = raw.read()
                response = BsreResponse(
                    status=raw.status,
                    content_type=(raw.getheader("Content-Type") or "").split(";")[0].strip(),
                    body=data,
                    headers={k.lower(): v for k, v in raw.getheaders()},
                )
            except (OSError, http.client.HTTPException) as exc:
                logger.warning(
                    "BSrE %s %s: failed after sending (attempt %d, %.1fs): %s",
                    method,
                    path,
                    attempt,
                    time.monotonic() - started,
                    type(exc).__name__,
                )
                if idempotent:
                    if attempt <= self.retries:
                        time.sleep(self.retry_backoff * attempt)
                        continue
                    raise BsreError(
                        _("The BSrE signing service did not answer."), code="bsre_unavailable"
                    ) from exc
                raise BsreError(
                    _(
                        "The BSrE signing service did not answer in time after the document "
                        "was sent. It may or may not have been signed: check the document "
                        "before signing again."
                    ),
                    code="bsre_outcome_unknown",
                ) from exc
            finally:
                conn.close()
            logger.info(
                "BSrE %s %s -> %d in %.2fs",
                method,
                path,
                response.status,
                time.monotonic() - started,
            )
            return response

    @sensitive_variables()
    def _json_request(
        self, method: str, path: str, payload: dict | None, *, idempotent: bool, **kw
    ) -> BsreResponse:
        body = json.dumps(payload).encode() if payload is not None else None
        return self._request(
            method,
            path,
            body=body,
            content_type="application/json" if body is not None else "",
            idempotent=idempotent,
            **kw,
        )

    @sensitive_variables()
    def _multipart_request(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]], **kw
    ) -> BsreResponse:
        boundary = f"naskah-{uuid.uuid4().hex}"
        out = io.BytesIO()
        for name, value in fields.items():
            out.write(f"--{boundary}\r\n".encode())
            out.write(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(value.encode("utf-8"))
            out.write(b"\r\n")
        for name, (filename, data, ctype) in files.items():
            out.write(f"--{boundary}\r\n".encode())
            out.write(
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {ctype}\r\n\r\n".encode()
            )
            out.write(data)
            out.write(b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return self._request(
            "POST",
            path,
            body=out.getvalue(),
            content_type=f"multipart/form-data; boundary={boundary}",
            **kw,
        )

    # --- errors -------------------------------------------------------------------------

    @staticmethod
    def _raise_for_error(response: BsreResponse, *, credential_kind: str = "passphrase") -> None:
        if response.status == 401:
            raise BsreError(
                _(
                    "The BSrE signing service refused Naskah's client credentials; "
                    "tell the administrator."
                ),
                code="bsre_auth",
                http_status=401,
            )
        data = response.json()
        if response.status < 400 and not (isinstance(data, dict) and data.get("error")):
            return
        code = None
        text = ""
        if isinstance(data, dict):
            raw_code = data.get("status_code")
            code = int(str(raw_code)) if str(raw_code or "").isdigit() else None
            text = str(data.get("error") or data.get("message") or "")
        lowered = text.lower()
        if code == CODE_WRONG_PASSPHRASE or (
            ("passphrase" in lowered or "otp" in lowered)
            and any(w in lowered for w in ("salah", "wrong", "invalid", "tidak valid"))
        ):
            message = (
                _("The TOTP code is wrong or expired.")
                if credential_kind == "totp"
                else _("The signing passphrase is wrong.")
            )
            raise BsreError(message, code="wrong_passphrase", http_status=response.status)
        if code == CODE_NOT_REGISTERED or "tidak terdaftar" in lowered:
            raise BsreError(
                _("You are not registered with BSrE; register for a signing certificate first."),
                code="not_registered",
                http_status=response.status,
            )
        if code == CODE_NO_CERTIFICATE:
            raise BsreError(
                _("You have no BSrE certificate; ask the BSrE registration officer."),
                code="no_certificate",
                http_status=response.status,
            )
        if "expired" in lowered or "kedaluwarsa" in lowered or "kadaluarsa" in lowered:
            raise BsreError(
                _("Your BSrE certificate has expired; renew it with BSrE."),
                code="certificate_expired",
                http_status=response.status,
            )
        if "revoke" in lowered or "dicabut" in lowered:
            raise BsreError(
                _("Your BSrE certificate was revoked; ask BSrE for a new one."),
                code="certificate_revoked",
                http_status=response.status,
            )
        shown = text[:200] if text else f"HTTP {response.status}"
        raise BsreError(
            _("The BSrE signing service refused the request: %(reason)s") % {"reason": shown},
            code="bsre_refused",
            http_status=response.status,
        )

    # --- API ----------------------------------------------------------------------------

    def user_status(self, *, nik: str = "", email: str = "") -> BsreUserStatus:
        if self.api_version == "v2":
            payload = {"nik": nik} if nik else {"email": email}
            response = self._json_request(
                "POST", "/api/v2/user/check/status", payload, idempotent=True
            )
        else:
            if not nik:
                raise BsreError(_("The v1 API needs a NIK."), code="identity_missing")
            response = self._request(
                "GET", f"/api/user/status/{quote(nik, safe='')}", idempotent=True
            )
        if response.status == 401:
            self._raise_for_error(response)
        data = response.json()
        if not isinstance(data, dict):
            raise BsreError(
                _("The BSrE signing service gave an unreadable answer."),
                code="bsre_bad_response",
                http_status=response.status,
            )
        raw_code = data.get("status_code")
        code = int(str(raw_code)) if str(raw_code or "").isdigit() else None
        status = str(data.get("status") or "")
        if not status:
            status = {
                CODE_NOT_REGISTERED: "NOT_REGISTERED",
                CODE_NO_CERTIFICATE: "NO_CERTIFICATE",
            }.get(code or 0, "UNKNOWN")
        return BsreUserStatus(
            status=status.upper(),
            code=code,
            message=str(data.get("message") or data.get("error") or ""),
        )

    @sensitive_variables()
    def sign_pdf(
        self,
        pdf: bytes,
        *,
        credential: str,
        nik: str = "",
        email: str = "",
        credential_kind: CredentialKind = "passphrase",
        reason: str = "",
        location: str = "",
        appearance: BsreAppearance | None = None,
    ) -> bytes:
        """One signature request, never retried after it was sent (see module docstring)."""
        if self.api_version == "v2":
            return self._sign_v2(
                pdf, credential, nik, email, credential_kind, reason, location, appearance
            )
        if credential_kind != "passphrase" or not nik:
            raise BsreError(
                _("The v1 BSrE API signs with a NIK and a passphrase only."),
                code="credential_kind_unsupported",
            )
        return self._sign_v1(pdf, credential, nik, reason, location, appearance)

    @sensitive_variables()
    def _sign_v2(self, pdf, credential, nik, email, kind, reason, location, appearance) -> bytes:
        props: dict[str, Any] = {"tampilan": "VISIBLE" if appearance else "INVISIBLE"}
        if reason:
            props["reason"] = reason
        if location:
            props["location"] = location
        if appearance:
            props.update(
                page=appearance.page,
                originX=appearance.x,
                originY=appearance.y,
                width=appearance.width,
                height=appearance.height,
            )
            if appearance.image_png:
                props["imageBase64"] = base64.b64encode(appearance.image_png).decode("ascii")
        payload: dict[str, Any] = {"nik": nik} if nik else {"email": email}
        payload["totp" if kind == "totp" else "passphrase"] = credential
        payload["signatureProperties"] = [props]
        payload["file"] = [base64.b64encode(pdf).decode("ascii")]
        response = self._json_request("POST", "/api/v2/sign/pdf", payload, idempotent=False)
        self._raise_for_error(response, credential_kind=kind)
        data = response.json()
        try:
            return base64.b64decode(data["file"][0], validate=True)
        except (TypeError, KeyError, IndexError, ValueError) as exc:
            raise BsreError(
                _(
                    "The BSrE signing service answered without a signed file. It may or may "
                    "not have been signed: check before signing again."
                ),
                code="bsre_outcome_unknown",
                http_status=response.status,
            ) from exc

    @sensitive_variables()
    def _sign_v1(self, pdf, passphrase, nik, reason, location, appearance) -> bytes:
        fields = {
            "nik": nik,
            "passphrase": passphrase,
            "tampilan": "visible" if appearance else "invisible",
        }
        if reason:
            fields["reason"] = reason
        if location:
            fields["location"] = location
        files = {"file": ("naskah.pdf", pdf, "application/pdf")}
        if appearance:
            fields.update(
                page=str(appearance.page),
                xAxis=str(appearance.x),
                yAxis=str(appearance.y),
                width=str(appearance.width),
                height=str(appearance.height),
            )
            if appearance.anchor_text:
                fields["tag_koordinat"] = appearance.anchor_text
            if appearance.qr_link:
                fields["linkQR"] = appearance.qr_link
            if appearance.image_png:
                fields["image"] = "true"
                files["imageTTD"] = ("ttd.png", appearance.image_png, "image/png")
        response = self._multipart_request("/api/sign/pdf", fields, files, idempotent=False)
        self._raise_for_error(response)
        if response.content_type == "application/pdf":
            return response.body
        data = response.json()
        doc_id = data.get("id_dokumen") if isinstance(data, dict) else None
        doc_id = doc_id or response.headers.get("id_dokumen")
        if not doc_id:
            raise BsreError(
                _(
                    "The BSrE signing service answered without a signed file. It may or may "
                    "not have been signed: check before signing again."
                ),
                code="bsre_outcome_unknown",
                http_status=response.status,
            )
        return self.download(str(doc_id))

    def download(self, document_id: str) -> bytes:
        """v1: fetch a signed document by its id (read-only, retried)."""
        response = self._request(
            "GET", f"/api/sign/download/{quote(document_id, safe='')}", idempotent=True
        )
        self._raise_for_error(response)
        if not response.body.startswith(b"%PDF"):
            raise BsreError(
                _("The BSrE signing service returned something that is not a PDF."),
                code="bsre_bad_response",
                http_status=response.status,
            )
        return response.body

    def verify_pdf(self, pdf: bytes) -> dict:
        """BSrE's own verification report (JSON as returned), for display next to ours."""
        if self.api_version == "v2":
            response = self._json_request(
                "POST",
                "/api/v2/verify/pdf",
                {"file": base64.b64encode(pdf).decode("ascii")},
                idempotent=True,
                read_timeout=self.verify_timeout,
            )
        else:
            response = self._multipart_request(
                "/api/sign/verify",
                {},
                {"signed_file": ("naskah.pdf", pdf, "application/pdf")},
                idempotent=True,
                read_timeout=self.verify_timeout,
            )
        self._raise_for_error(response)
        data = response.json()
        if not isinstance(data, dict):
            raise BsreError(
                _("The BSrE signing service gave an unreadable answer."),
                code="bsre_bad_response",
                http_status=response.status,
            )
        return data


def _to_application_error(exc: BsreError) -> ApplicationError:
    return ApplicationError(exc.message, code=exc.code, extra={"http_status": exc.http_status})


# The certificate authority behind BSrE signatures, by its current name (formerly "Balai
# Sertifikasi Elektronik"; the issue brief gives the current name).
BSRE_ISSUER_NAME = "Balai Besar Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara"


class BsreUnlockedKey(UnlockedKey):
    """For BSrE the key stays at BSrE: "unlocking" keeps the credential in this process's
    memory for the batch (each document is a separate BSrE request) and drops it on exit."""

    backend_name = "bsre"
    issuer_name = BSRE_ISSUER_NAME

    def __init__(self, signer: Pegawai, credential: str, kind: CredentialKind):
        super().__init__(signer)
        self._credential: str | None = credential
        self.kind = kind

    def credential(self) -> str:
        if self._closed or self._credential is None:
            raise ApplicationError(
                _("The signing session has ended; enter the passphrase again."),
                code="key_locked",
            )
        return self._credential

    def _clear(self) -> None:
        self._credential = None


STATUS_CODES = {
    "ISSUE": "ready",
    "NOT_REGISTERED": "not_registered",
    "NO_CERTIFICATE": "no_certificate",
    "EXPIRED": "expired",
    "REVOKE": "revoked",
    "REVOKED": "revoked",
    "SUSPEND": "suspended",
    "SUSPENDED": "suspended",
}


def _last_signature_info(pdf: bytes) -> tuple[CertificateInfo, str, bool]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    sig = reader.embedded_signatures[-1]
    unsigned = sig.signer_info["unsigned_attrs"]
    timestamped = any(
        attr["type"].native == "signature_time_stamp_token"
        for attr in (unsigned if unsigned.native else [])
    )
    return CertificateInfo.from_der(sig.signer_cert.dump()), sig.field_name, timestamped


class BsreBackend(SigningBackend):
    name = "bsre"

    def __init__(self, client: BsreClient, *, identity: str = "nik"):
        if identity not in {"nik", "email"}:
            raise ImproperlyConfigured("NASKAH_BSRE_IDENTITY must be 'nik' or 'email'.")
        self.client = client
        self.identity = identity

    @classmethod
    def from_settings(cls) -> BsreBackend:
        url = settings.NASKAH_BSRE_URL
        if not url:
            raise ImproperlyConfigured(
                "NASKAH_SIGNING_BACKEND is 'bsre' but NASKAH_BSRE_URL is empty."
            )
        client = BsreClient(
            url,
            username=settings.NASKAH_BSRE_USERNAME,
            password=settings.NASKAH_BSRE_PASSWORD,
            api_version=settings.NASKAH_BSRE_API_VERSION,
            connect_timeout=float(settings.NASKAH_BSRE_CONNECT_TIMEOUT),
            read_timeout=float(settings.NASKAH_BSRE_READ_TIMEOUT),
            verify_timeout=float(settings.NASKAH_BSRE_VERIFY_TIMEOUT),
            retries=int(settings.NASKAH_BSRE_RETRIES),
            ca_file=settings.NASKAH_BSRE_CA_FILE,
        )
        return cls(client, identity=settings.NASKAH_BSRE_IDENTITY)

    def _identity(self, signer: Pegawai) -> _Identity:
        value = (signer.nik if self.identity == "nik" else signer.email) or ""
        if not value:
            label = _("NIK") if self.identity == "nik" else _("e-mail address")
            raise ApplicationError(
                _("Your %(what)s is not recorded; ask the administrator to add it.")
                % {"what": label},
                code="identity_missing",
            )
        return {"nik": value} if self.identity == "nik" else {"email": value}

    def status(self, signer: Pegawai) -> SignerStatus:
        try:
            identity = self._identity(signer)
            result = self.client.user_status(**identity)
        except ApplicationError as exc:
            return SignerStatus(False, exc.code, str(exc.message))
        except BsreError as exc:
            return SignerStatus(False, "unavailable", exc.message)
        code = STATUS_CODES.get(result.status, "unavailable")
        messages = {
            "ready": _("Your BSrE certificate is active."),
            "not_registered": _("You are not registered with BSrE."),
            "no_certificate": _("You have no BSrE certificate yet."),
            "expired": _("Your BSrE certificate has expired; renew it with BSrE."),
            "revoked": _("Your BSrE certificate was revoked."),
            "suspended": _("Your BSrE certificate is suspended."),
        }
        message = messages.get(code) or _("BSrE reported the status %(status)s.") % {
            "status": result.status
        }
        return SignerStatus(code == "ready", code, message)

    @sensitive_variables()
    def unlock(
        self, signer: Pegawai, credential: str, *, credential_kind: CredentialKind = "passphrase"
    ) -> BsreUnlockedKey:
        if not credential:
            raise ApplicationError(_("Enter your signing passphrase."), code="wrong_passphrase")
        status = self.status(signer)
        if not status.ready:
            raise ApplicationError(status.message, code=status.code)
        return BsreUnlockedKey(signer, credential, credential_kind)

    @sensitive_variables()
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
        if isinstance(credential, UnlockedKey):
            if not isinstance(credential, BsreUnlockedKey) or credential.signer.pk != signer.pk:
                raise ApplicationError(
                    _("This unlocked key belongs to another signer or service."),
                    code="key_mismatch",
                )
            secret, credential_kind = credential.credential(), credential.kind
        else:
            secret = credential
        if not secret:
            raise ApplicationError(_("Enter your signing passphrase."), code="wrong_passphrase")
        try:
            before = pdf_inspect(pdf)
        except PadesError as exc:
            raise ApplicationError(exc.message, code=exc.code) from exc
        identity = self._identity(signer)
        signed_at = timezone.now()
        try:
            out = self.client.sign_pdf(
                pdf,
                credential=secret,
                credential_kind=credential_kind,
                reason=reason,
                location=location,
                **identity,
            )
        except BsreError as exc:
            raise _to_application_error(exc) from exc
        try:
            after = pdf_inspect(out)
        except PadesError as exc:
            raise ApplicationError(
                _("The BSrE signing service returned a file that is not a valid PDF."),
                code="bsre_bad_response",
            ) from exc
        if after.signature_count <= before.signature_count:
            raise ApplicationError(
                _("The BSrE signing service returned the document without a new signature."),
                code="bsre_bad_response",
            )
        cert, actual_field, timestamped = _last_signature_info(out)
        return SignedResult(
            pdf=out,
            sha256=SignedResult.digest(out),
            certificate=cert,
            signed_at=signed_at,
            backend=self.name,
            field_name=actual_field,
            timestamped=timestamped,
        )
