"""Signed paraf statements (issue 18 item 4; docs/signing.md, "Cryptographic paraf").

One row per paraf, return or correction of a letter in approval, written in the same
transaction as the step (naskah/services/paraf_statement.py). ``payload`` is the exact
canonical JSON that was signed (kept as text, never re-serialised), ``signature`` the
ECDSA P-256 / SHA-256 signature (DER) over its UTF-8 bytes by the official's paraf key,
``certificate_pem`` the paraf certificate the CA issued for that key. The audit event of
the action carries the statement's SHA-256, so the HMAC-chained audit trail seals it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ParafStatement(models.Model):
    class Action(models.TextChoices):
        PARAF = "paraf", _("Paraf (approve)")
        RETURN = "return", _("Return")
        CORRECT = "correct", _("Correction")

    naskah = models.ForeignKey(
        "naskah.Naskah", on_delete=models.PROTECT, related_name="paraf_statements"
    )
    revisi_nomor = models.PositiveIntegerField(_("revision"))
    step_state = models.ForeignKey(
        "workflows.StepState", on_delete=models.PROTECT, related_name="paraf_statements"
    )
    route_event = models.ForeignKey(
        "workflows.RouteEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paraf_statements",
    )
    audit_event = models.ForeignKey(
        "core.AuditEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="paraf_statements",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    pegawai = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.TextField(_("signed statement (canonical JSON)"))
    payload_sha256 = models.CharField(max_length=64)
    signature = models.BinaryField(_("signature"))
    certificate_pem = models.TextField(_("certificate (PEM)"))
    serial_hex = models.CharField(_("certificate serial"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("paraf statement")
        verbose_name_plural = _("paraf statements")
        ordering = ["naskah", "created_at", "pk"]
        indexes = [models.Index(fields=["naskah", "created_at"])]

    def __str__(self) -> str:
        return f"{self.naskah_id} {self.action} r{self.revisi_nomor} ({self.pegawai_id})"
