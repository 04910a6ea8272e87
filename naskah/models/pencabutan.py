"""Withdrawal (pencabutan) of a signed letter by a later signed letter that references it.

A signed letter is never changed and its number is never cancelled or reused (DESIGN
invariants 1 and 2). It is withdrawn by a later letter or decision of the same or a higher
issuing unit that says so; the withdrawn letter's signatures stay cryptographically valid,
and the verification page says "withdrawn by <number> dated <date>".

Imported at the end of naskah/models/naskah.py so Django sees this model in the naskah app."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Pegawai


class PencabutanNaskah(models.Model):
    naskah = models.OneToOneField(
        "naskah.Naskah",
        verbose_name=_("withdrawn letter"),
        on_delete=models.PROTECT,
        related_name="pencabutan",
    )
    oleh = models.ForeignKey(
        "naskah.Naskah",
        verbose_name=_("withdrawing letter"),
        on_delete=models.PROTECT,
        related_name="mencabut",
    )
    alasan = models.TextField(_("reason for withdrawing"))
    dicatat_oleh = models.ForeignKey(
        Pegawai, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    dicatat_pada = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("letter withdrawal")
        verbose_name_plural = _("letter withdrawals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(naskah=F("oleh")), name="naskah_pencabutan_not_itself"
            ),
            models.CheckConstraint(condition=~Q(alasan=""), name="naskah_pencabutan_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.naskah_id} ← {self.oleh_id}"
