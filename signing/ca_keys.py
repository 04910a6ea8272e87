"""Where the instance CA's private key lives: sealed in the database, or in a PKCS#11 token.

`NASKAH_CA_KEY_BACKEND` chooses the storage of keys created from now on (the CA created on
first use, or the next generation made by `ca_rotate`); each CA row records its own
backend (`key_backend`, `key_label`), so a rotation can also move the CA into a token.

- ``database`` (default): the key is sealed with the CA secret (signing/crypto.py envelope,
  signing/backends/local.py `ca_secret`) and opened in memory to sign.
- ``pkcs11``: the key pair is generated inside the token (CKA_SENSITIVE, not
  CKA_EXTRACTABLE) and every CA signature (certificates, CRLs, the OCSP responder's
  certificate) is made by the token with CKM_SHA256_RSA_PKCS. Settings:
  `NASKAH_CA_PKCS11_MODULE` (the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so),
  `NASKAH_CA_PKCS11_TOKEN` (token label) and the user PIN `NASKAH_CA_PKCS11_PIN` (or
  `NASKAH_CA_PKCS11_PIN_FILE`). python-pkcs11 talks to the token.

cryptography's builders sign only with keys it holds, so a token signature is made on
the to-be-signed bytes: the builder first signs with a throw-away RSA key of this process
(same algorithm, sha256WithRSAEncryption, so the TBS is byte for byte the final one), the
TBS is signed by the token and the certificate or CRL is reassembled with asn1crypto.
`signing.crypto` calls `sign_builder` on any key object that has it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ApplicationError

if TYPE_CHECKING:
    from signing.ca_lifecycle import AnyCa

BACKEND_DATABASE = "database"
BACKEND_PKCS11 = "pkcs11"
BACKENDS = (BACKEND_DATABASE, BACKEND_PKCS11)

_lock = threading.Lock()
_throwaway: list[rsa.RSAPrivateKey] = []
_libs: dict[str, Any] = {}  # module path → its loaded pkcs11.lib


def configured_backend() -> str:
    value = str(settings.NASKAH_CA_KEY_BACKEND or BACKEND_DATABASE).lower()
    return value


def _throwaway_key() -> rsa.RSAPrivateKey:
    with _lock:
        if not _throwaway:
            _throwaway.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        return _throwaway[0]


class Pkcs11Error(ApplicationError):
    pass


def _pkcs11_token():
    import pkcs11

    module = str(settings.NASKAH_CA_PKCS11_MODULE or "")
    label = str(settings.NASKAH_CA_PKCS11_TOKEN or "")
    if not module or not label:
        raise Pkcs11Error(
            _(
                "The CA key is in a PKCS#11 token but NASKAH_CA_PKCS11_MODULE or "
                "NASKAH_CA_PKCS11_TOKEN is not set."
            ),
            code="pkcs11_not_configured",
        )
    with _lock:
        lib = _libs.get(module)
        if lib is None:
            try:
                lib = pkcs11.lib(module)
            except (OSError, RuntimeError, pkcs11.PKCS11Error) as exc:
                raise Pkcs11Error(
                    _("The PKCS#11 module %(module)s cannot be loaded.") % {"module": module},
                    code="pkcs11_module",
                ) from exc
            _libs[module] = lib
    try:
        return lib.get_token(token_label=label)
    except pkcs11.PKCS11Error as exc:
        raise Pkcs11Error(
            _("The PKCS#11 token %(label)s is not present.") % {"label": label},
            code="pkcs11_token_missing",
        ) from exc


def _pkcs11_session():
    import pkcs11

    pin = str(settings.NASKAH_CA_PKCS11_PIN or "")
    token = _pkcs11_token()
    try:
        return token.open(user_pin=pin, rw=True)
    except pkcs11.PKCS11Error as exc:
        raise Pkcs11Error(
            _("The PKCS#11 token refused the PIN (NASKAH_CA_PKCS11_PIN)."),
            code="pkcs11_login",
        ) from exc


def _int(value: bytes) -> int:
    return int.from_bytes(bytes(value), "big")


class Pkcs11CaKey:
    """The CA key in a token, addressed by its label. Quacks like the part of
    `rsa.RSAPrivateKey` the CA uses (`public_key()`), plus `sign_builder`."""

    def __init__(self, label: str):
        self.label = label
        self._public: rsa.RSAPublicKey | None = None

    def public_key(self) -> rsa.RSAPublicKey:
        if self._public is None:
            import pkcs11
            from pkcs11 import Attribute, ObjectClass

            with _pkcs11_session() as session:
                try:
                    pub = session.get_key(object_class=ObjectClass.PUBLIC_KEY, label=self.label)
                except (pkcs11.NoSuchKey, pkcs11.MultipleObjectsReturned) as exc:
                    raise Pkcs11Error(
                        _("The CA key %(label)s is not in the PKCS#11 token.")
                        % {"label": self.label},
                        code="pkcs11_key_missing",
                    ) from exc
                self._public = rsa.RSAPublicNumbers(
                    _int(pub[Attribute.PUBLIC_EXPONENT]), _int(pub[Attribute.MODULUS])
                ).public_key()
        return self._public

    def sign_raw(self, data: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 with SHA-256 over `data`, made by the token."""
        import pkcs11
        from pkcs11 import Mechanism, ObjectClass

        with _pkcs11_session() as session:
            try:
                key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=self.label)
            except (pkcs11.NoSuchKey, pkcs11.MultipleObjectsReturned) as exc:
                raise Pkcs11Error(
                    _("The CA key %(label)s is not in the PKCS#11 token.") % {"label": self.label},
                    code="pkcs11_key_missing",
                ) from exc
            return bytes(key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))

    def sign_builder(self, builder):
        """Sign a CertificateBuilder or CertificateRevocationListBuilder in the token."""
        draft = builder.sign(_throwaway_key(), hashes.SHA256())
        if isinstance(draft, x509.Certificate):
            parsed = asn1_x509.Certificate.load(draft.public_bytes(serialization.Encoding.DER))
            tbs = draft.tbs_certificate_bytes
            signature = self.sign_raw(tbs)
            cert = asn1_x509.Certificate(
                {
                    "tbs_certificate": parsed["tbs_certificate"],
                    "signature_algorithm": parsed["signature_algorithm"],
                    "signature_value": signature,
                }
            )
            result = x509.load_der_x509_certificate(cert.dump())
            result.public_key()  # parses
            return result
        if isinstance(draft, x509.CertificateRevocationList):
            parsed = asn1_crl.CertificateList.load(draft.public_bytes(serialization.Encoding.DER))
            signature = self.sign_raw(draft.tbs_certlist_bytes)
            crl = asn1_crl.CertificateList(
                {
                    "tbs_cert_list": parsed["tbs_cert_list"],
                    "signature_algorithm": parsed["signature_algorithm"],
                    "signature": signature,
                }
            )
            return x509.load_der_x509_crl(crl.dump())
        raise TypeError(f"cannot sign {type(draft).__name__} in a PKCS#11 token")


def pkcs11_key_generate(label: str, bits: int) -> Pkcs11CaKey:
    """Generate a CA key pair inside the token (private half sensitive, not extractable)."""
    import pkcs11
    from pkcs11 import Attribute, KeyType, ObjectClass

    with _pkcs11_session() as session:
        existing = list(session.get_objects({Attribute.LABEL: label}))
        if existing:
            raise Pkcs11Error(
                _("The PKCS#11 token already holds a key labelled %(label)s.") % {"label": label},
                code="pkcs11_label_taken",
            )
        try:
            session.generate_keypair(
                KeyType.RSA,
                bits,
                label=label,
                id=label.encode(),
                store=True,
                public_template={Attribute.TOKEN: True, Attribute.VERIFY: True},
                private_template={
                    Attribute.TOKEN: True,
                    Attribute.PRIVATE: True,
                    Attribute.SENSITIVE: True,
                    Attribute.EXTRACTABLE: False,
                    Attribute.SIGN: True,
                },
            )
        except pkcs11.PKCS11Error as exc:
            raise Pkcs11Error(
                _("The PKCS#11 token could not generate the CA key."), code="pkcs11_keygen"
            ) from exc
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)
        if key[Attribute.EXTRACTABLE] or not key[Attribute.SENSITIVE]:
            raise Pkcs11Error(
                _("The PKCS#11 token made an exportable CA key; refusing it."),
                code="pkcs11_extractable",
            )
    return Pkcs11CaKey(label)


def ca_key_for(ca: AnyCa):
    """The signing key of a CA row (current or retired generation): an RSA key opened
    from its sealed envelope, or a `Pkcs11CaKey`."""
    if ca.key_backend == BACKEND_PKCS11:
        return Pkcs11CaKey(ca.key_label)
    from signing.backends.local import _ca_private_key

    return _ca_private_key(ca)
