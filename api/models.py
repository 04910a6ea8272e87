"""Who may call the API (issue 17): registered client applications, their hashed secrets
and bearer tokens, stored idempotency keys, and webhook subscriptions and deliveries.

Every secret and token is stored as an HMAC-SHA256 under a pepper derived from the
server's secret key (`api.services.clients.secret_digest`): they are 256-bit random
strings, so a slow password hash adds nothing but latency on every call, and the pepper
keeps a copy of the database alone from being usable to test guesses.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import UnitKerja


class Scope(models.TextChoices):
    LETTERS_READ = "letters:read", _("Read letters")
    DRAFTS_WRITE = "drafts:write", _("Create and submit drafts")
    INCOMING_WRITE = "incoming:write", _("Register incoming letters")
    ARCHIVE_READ = "archive:read", _("Search the archive")
    EVENTS_RECEIVE = "events:receive", _("Receive events (webhooks)")
    SIGN = "sign", _("Sign letters (personal tokens only, with the passphrase)")


class ApiClient(models.Model):
    """An application allowed to call the API, registered by an administrator."""

    client_id = models.CharField(max_length=40, unique=True, editable=False)
    nama = models.CharField(_("name"), max_length=200)
    keterangan = models.TextField(_("notes"), blank=True)
    scopes = models.JSONField(_("scopes"), default=list)
    unit = models.ManyToManyField(
        UnitKerja, verbose_name=_("units served"), related_name="api_clients", blank=True
    )
    akun = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        help_text=_(
            "The account in whose name the client drafts letters and registers incoming "
            "letters; its own rights apply. Empty: the client only reads."
        ),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients_served",
    )
    aktif = models.BooleanField(_("active"), default=True)
    berlaku_sampai = models.DateTimeField(_("valid until"), null=True, blank=True)
    batas_per_menit = models.PositiveIntegerField(_("requests per minute"), default=120)
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    dibuat_pada = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["nama"]

    def __str__(self) -> str:
        return f"{self.nama} ({self.client_id})"

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.aktif and (self.berlaku_sampai is None or self.berlaku_sampai > now)


class ApiSecret(models.Model):
    """One secret of a client. After a rotation the old one stays valid until `berakhir`."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="secrets")
    digest = models.CharField(max_length=64, unique=True)
    petunjuk = models.CharField(max_length=8, help_text="first characters, to tell secrets apart")
    dibuat_pada = models.DateTimeField(default=timezone.now)
    berakhir = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API client secret")
        verbose_name_plural = _("API client secrets")

    def __str__(self) -> str:
        return f"{self.petunjuk}…"


class ApiToken(models.Model):
    """A bearer token: short-lived from the client-credentials grant, or a personal access
    token carrying exactly one person's visibility."""

    class Jenis(models.TextChoices):
        CLIENT = "client", _("client credentials")
        PERSONAL = "personal", _("personal access token")

    jenis = models.CharField(max_length=10, choices=Jenis.choices)
    digest = models.CharField(max_length=64, unique=True)
    petunjuk = models.CharField(max_length=12)
    nama = models.CharField(_("label"), max_length=100, blank=True)
    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    pegawai = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    scopes = models.JSONField(default=list)
    dibuat_pada = models.DateTimeField(default=timezone.now)
    berakhir = models.DateTimeField()
    dicabut_pada = models.DateTimeField(null=True, blank=True)
    terakhir_dipakai = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(jenis="client", client__isnull=False))
                | models.Q(jenis="personal", pegawai__isnull=False),
                name="api_token_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.petunjuk}…"


class IdempotencyRecord(models.Model):
    """The stored response of a POST made with an `Idempotency-Key`, per caller and key."""

    pemanggil = models.CharField(max_length=60)  # "client:<id>" or "personal:<pegawai id>"
    kunci = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    dibuat_pada = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pemanggil", "kunci"], name="api_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pemanggil} {self.kunci}"


class WebhookEvent(models.TextChoices):
    """Events a client may subscribe to (what the services audit, api.services.webhooks)."""

    LETTER_SUBMITTED = "letter.submitted", _("Draft submitted")
    LETTER_PARAF_GIVEN = "letter.paraf_given", _("Paraf given")
    LETTER_RETURNED = "letter.returned", _("Returned to the drafter")
    LETTER_SIGNED = "letter.signed", _("Signed")
    LETTER_DISPATCHED = "letter.dispatched", _("Dispatched")
    LETTER_READ = "letter.read", _("Read by a recipient")
    INCOMING_REGISTERED = "incoming.registered", _("Incoming letter registered")
    DISPOSITION_CREATED = "disposition.created", _("Disposition created")
    DISPOSITION_CLOSED = "disposition.closed", _("Disposition closed")
    RECORD_TRANSFERRED = "record.transferred", _("Records transferred")
    RECORD_DISPOSED = "record.disposed", _("Records destroyed")


class WebhookSubscription(models.Model):
    """Where a client wants its events. The signing secret (Standard Webhooks `whsec_…`)
    is kept encrypted under a key derived from the server's secret key: it must be read to
    sign, so it cannot be a one-way hash."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    aktif = models.BooleanField(_("active"), default=True)
    dibuat_pada = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.client.nama} → {self.url}"


class WebhookDelivery(models.Model):
    """One event for one subscription; its attempts are recorded here
    (core.services.attempts, DESIGN invariant 11)."""

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", _("Pending")
        DIPROSES = "diproses", _("Sending")
        TERKIRIM = "terkirim", _("Delivered")
        GAGAL = "gagal", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    dibuat_pada = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MENUNGGU)
    percobaan = models.PositiveSmallIntegerField(_("attempts"), default=0)
    token = models.CharField(max_length=32, blank=True, editable=False)
    sewa = models.CharField(max_length=200, blank=True, editable=False)
    mulai_pada = models.DateTimeField(null=True, blank=True)
    kesalahan = models.CharField(_("last error"), max_length=500, blank=True)
    coba_lagi_pada = models.DateTimeField(_("next try"), null=True, blank=True)
    terkirim_pada = models.DateTimeField(_("delivered at"), null=True, blank=True)
    respons_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-dibuat_pada"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"
