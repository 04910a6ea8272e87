"""The per-official paraf credential (docs/signing.md, "Cryptographic paraf").

A key pair (ECDSA P-256) certified by the instance CA for one purpose: signing paraf
statements. Its certificate carries only the paraf extended key usage (``PARAF_EKU_OID``
in signing/paraf.py) and digitalSignature, never nonRepudiation or a document-signing EKU,
so it cannot pass for a PAdES signing certificate. The private key is stored only sealed
with a key derived from the person's sign-in password (scrypt, the envelope of
signing/crypto.py); the password is never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ParafCredential(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")

    pegawai = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="paraf_credentials",
        verbose_name=_("official"),
    )
    serial_hex = models.CharField(_("serial number"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    # Serial of the CA certificate that issued it (which CA generation answers for it).
    issuer_serial_hex = models.CharField(_("issuer serial number"), max_length=64, blank=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    # Sealed with the sign-in password (scrypt + AES-256-GCM, signing/crypto.py envelope).
    sealed_key = models.BinaryField(_("sealed private key"))
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # RFC 5280 reason name as cryptography's ReasonFlags spells it (superseded,
    # key_compromise, ...), the same values as SignerCertificate.revocation_reason_code.
    revocation_reason_code = models.CharField(
        _("revocation reason code"), max_length=32, blank=True
    )

    class Meta:
        verbose_name = _("paraf credential")
        verbose_name_plural = _("paraf credentials")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pegawai"],
                condition=Q(status="active"),
                name="signing_one_active_paraf_credential",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial_hex})"
