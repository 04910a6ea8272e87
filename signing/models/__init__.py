"""Keys and certificates of the local signing backend.

Private keys are stored only as sealed envelopes (signing/crypto.py): a signer's key is
opened by their signing passphrase, the CA's by a key derived from the instance secret.
Neither the passphrase nor a clear key is ever written to a row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CertificateAuthority(models.Model):
    """The instance's own root CA (one row, pk=1), created on first use."""

    certificate_pem = models.TextField(_("certificate (PEM)"))
    sealed_key = models.BinaryField(_("sealed private key"))
    subject = models.CharField(_("subject"), max_length=255)
    serial_hex = models.CharField(_("serial number"), max_length=64)
    not_after = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The delegated OCSP responder (signing/pki.py), its key sealed like the CA's.
    ocsp_certificate_pem = models.TextField(_("OCSP responder certificate (PEM)"), blank=True)
    ocsp_sealed_key = models.BinaryField(_("OCSP responder sealed key"), blank=True, null=True)
    # The current CRL, regenerated on every revocation and before its next update.
    crl_der = models.BinaryField(_("current CRL"), blank=True, null=True)
    crl_number = models.PositiveBigIntegerField(_("CRL number"), default=0)
    crl_next_update = models.DateTimeField(_("CRL next update"), null=True, blank=True)
    # CA lifecycle (signing/ca_lifecycle.py): the generation counts rotations; the key lives
    # sealed in `sealed_key` ("database") or in a PKCS#11 token under `key_label`.
    generation = models.PositiveIntegerField(_("generation"), default=1)
    key_backend = models.CharField(_("key storage"), max_length=16, default="database")
    key_label = models.CharField(_("PKCS#11 key label"), max_length=64, blank=True)
    # RFC 4210 4.4 link certificates to the previous generation (OldWithNew, NewWithOld).
    link_certificates_pem = models.TextField(_("link certificates (PEM)"), blank=True)

    class Meta:
        verbose_name = _("signing certificate authority")
        verbose_name_plural = _("signing certificate authorities")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="signing_ca_singleton"),
        ]

    def __str__(self) -> str:
        return self.subject


class CaGeneration(models.Model):
    """A retired generation of the instance CA (signing/ca_lifecycle.py). It issues no new
    certificate, but stays a trust anchor and keeps signing the CRL and OCSP answers for
    the certificates it issued, so letters signed before a rotation keep validating."""

    generation = models.PositiveIntegerField(_("generation"), unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    sealed_key = models.BinaryField(_("sealed private key"), blank=True)
    key_backend = models.CharField(_("key storage"), max_length=16, default="database")
    key_label = models.CharField(_("PKCS#11 key label"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    serial_hex = models.CharField(_("serial number"), max_length=64, unique=True)
    not_after = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("created at"))
    retired_at = models.DateTimeField(_("retired at"), default=timezone.now)
    ocsp_certificate_pem = models.TextField(_("OCSP responder certificate (PEM)"), blank=True)
    ocsp_sealed_key = models.BinaryField(_("OCSP responder sealed key"), blank=True, null=True)
    crl_der = models.BinaryField(_("current CRL"), blank=True, null=True)
    crl_number = models.PositiveBigIntegerField(_("CRL number"), default=0)
    crl_next_update = models.DateTimeField(_("CRL next update"), null=True, blank=True)
    link_certificates_pem = models.TextField(_("link certificates (PEM)"), blank=True)

    class Meta:
        verbose_name = _("retired certificate authority generation")
        verbose_name_plural = _("retired certificate authority generations")
        ordering = ["-generation"]

    def __str__(self) -> str:
        return f"{self.subject} (#{self.generation})"


class SignerCertificateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=SignerCertificate.Status.ACTIVE)

    def for_signer(self, signer):
        return self.filter(pegawai=signer)


class SignerCertificate(models.Model):
    """A signer's certificate from the local CA with their sealed RSA key."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")
        SUPERSEDED = "superseded", _("superseded")

    class RevocationReason(models.TextChoices):
        # RFC 5280 5.3.1 reason codes (the values are cryptography's ReasonFlags names).
        UNSPECIFIED = "unspecified", _("unspecified")
        KEY_COMPROMISE = "key_compromise", _("key compromise")
        AFFILIATION_CHANGED = "affiliation_changed", _("affiliation changed")
        SUPERSEDED = "superseded", _("superseded")
        CESSATION = "cessation_of_operation", _("cessation of operation")

    class RenewalState(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    pegawai = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sertifikat_tte",
        verbose_name=_("signer"),
    )
    serial_hex = models.CharField(_("serial number"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    sealed_key = models.BinaryField(_("sealed private key"))
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    passphrase_changed_at = models.DateTimeField(
        _("passphrase last changed"), null=True, blank=True
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    revocation_reason_code = models.CharField(
        _("revocation reason code"),
        max_length=32,
        choices=RevocationReason.choices,
        default=RevocationReason.UNSPECIFIED,
    )
    # Which CA generation issued it (its serial); filled on issue (signing/ca_lifecycle.py).
    issuer_serial_hex = models.CharField(
        _("issuing CA serial number"), max_length=64, blank=True, db_index=True
    )
    # The renewal notice N days before expiry (signing/renewal.py), an attempt recorded
    # here (core.services.attempts): "" not due yet, then pending/running/sent/failed.
    renewal_state = models.CharField(
        _("renewal notice"), max_length=10, choices=RenewalState.choices, blank=True
    )
    renewal_attempts = models.PositiveSmallIntegerField(_("renewal notice attempts"), default=0)
    renewal_token = models.CharField(max_length=32, blank=True, editable=False)
    renewal_lease = models.CharField(max_length=200, blank=True, editable=False)
    renewal_started_at = models.DateTimeField(null=True, blank=True)
    renewal_error = models.CharField(_("renewal notice error"), max_length=500, blank=True)
    renewal_next_try = models.DateTimeField(null=True, blank=True)
    renewal_notified_at = models.DateTimeField(_("renewal notice sent"), null=True, blank=True)

    objects = SignerCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("signer certificate")
        verbose_name_plural = _("signer certificates")
        ordering = ["-created_at"]
        permissions = [("revoke_signercertificate", _("Can revoke signer certificates"))]
        constraints = [
            models.UniqueConstraint(
                fields=["pegawai"],
                condition=Q(status="active"),
                name="signing_one_active_certificate_per_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial_hex})"

    @property
    def is_expired(self) -> bool:
        return self.not_after <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.ACTIVE and not self.is_expired


class CertificateRequest(models.Model):
    """A signer's request for a certificate of the local CA (self-service enrolment).

    The key pair is generated when the signer asks, and the private key is sealed with the
    passphrase they type then (the passphrase is never stored). The certificate is issued
    only when a registration officer, after checking the signer's identity against the
    Pegawai record (NIP, position), approves: the CA then certifies the stored public key.
    """

    class Status(models.TextChoices):
        DIAJUKAN = "diajukan", _("Requested")
        DITOLAK = "ditolak", _("Rejected")
        DITERBITKAN = "diterbitkan", _("Approved and issued")

    pegawai = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="permohonan_sertifikat",
        verbose_name=_("signer"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DIAJUKAN
    )
    serial_hex = models.CharField(_("serial number"), max_length=64, unique=True)
    public_key_pem = models.TextField(_("public key (PEM)"))
    # Emptied once the request is decided: the issued certificate row keeps the key.
    sealed_key = models.BinaryField(_("sealed private key"), blank=True)
    nip = models.CharField(_("NIP at request time"), max_length=18, blank=True)
    jabatan = models.CharField(_("position at request time"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    diputuskan_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    diputuskan_pada = models.DateTimeField(_("decided at"), null=True, blank=True)
    alasan_penolakan = models.TextField(_("reason for rejection"), blank=True)
    sertifikat = models.OneToOneField(
        SignerCertificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permohonan",
        verbose_name=_("issued certificate"),
    )

    class Meta:
        verbose_name = _("certificate request")
        verbose_name_plural = _("certificate requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pegawai"],
                condition=Q(status="diajukan"),
                name="signing_one_open_request_per_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pegawai} ({self.get_status_display()})"


class PassphraseAttempts(models.Model):
    """Wrong signing passphrases in a row for one signer (signing/throttle.py). A guess
    reserves its place here, in its own committed transaction, before it is evaluated, so
    parallel guesses cannot all pass the check together."""

    pegawai = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("signer"),
    )
    failed = models.PositiveIntegerField(_("attempts counted"), default=0)
    last_attempt = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing passphrase attempts")
        verbose_name_plural = _("signing passphrase attempts")

    def __str__(self) -> str:
        return f"{self.pegawai_id}: {self.failed}"


from signing.models.paraf import ParafCredential  # noqa: E402, F401
