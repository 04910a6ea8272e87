"""Withdrawal (pencabutan) of a signed letter by a later signed letter that references it.

The withdrawn letter is not changed: its number stays used, its sealed PDF and signatures
stay as they were (still cryptographically valid). What changes is what Naskah says about
it: the letter page and the public verification page show "withdrawn by <number> dated
<date>". The withdrawing letter must be signed, later, issued by the same unit or a unit
above it, and mention the withdrawn letter's number in its signed content."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Pegawai
from core.services.audit import audit_record
from naskah.events import NASKAH_WITHDRAW
from naskah.models import Naskah, NaskahRevisi, NaskahTTE, PencabutanNaskah
from naskah.permissions import _unit_within, can_withdraw_naskah


def _signed_record(naskah: Naskah) -> NaskahTTE | None:
    if naskah.status != Naskah.Status.DITANDATANGANI:
        return None
    record = NaskahTTE.objects.filter(naskah=naskah, selesai=True).first()
    return record


def _signed_text(naskah: Naskah, record: NaskahTTE) -> str:
    revision = NaskahRevisi.objects.filter(naskah=naskah, nomor=record.revisi).first()
    parts = [naskah.hal]
    if revision is not None:
        parts.append(
            json.dumps([revision.header, revision.fields, revision.body], ensure_ascii=False)
        )
    return "\n".join(parts)


def naskah_withdraw(
    *, naskah: Naskah, by_naskah: Naskah, user: Pegawai, reason: str
) -> PencabutanNaskah:
    """Record that the signed letter `naskah` is withdrawn by the signed letter
    `by_naskah`. Audited as `naskah.withdraw`."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the withdrawal."), code="reason_required")
    with transaction.atomic():
        target = (
            Naskah.objects.select_for_update()
            .select_related("penandatangan__unit")
            .get(pk=naskah.pk)
        )
        if not can_withdraw_naskah(user, target):
            raise PermissionDeniedError(
                _("Only staff of the issuing unit may record the withdrawal of its letters.")
            )
        target_record = _signed_record(target)
        if target_record is None:
            raise ApplicationError(_("Only a signed letter can be withdrawn."), code="not_signed")
        existing = PencabutanNaskah.objects.filter(naskah=target).select_related("oleh").first()
        if existing is not None:
            raise ConflictError(
                _("The letter %(nomor)s is already withdrawn by %(oleh)s.")
                % {"nomor": target.nomor, "oleh": existing.oleh.nomor},
                code="already_withdrawn",
            )
        by = Naskah.objects.select_related("penandatangan__unit").get(pk=by_naskah.pk)
        if by.pk == target.pk:
            raise ApplicationError(_("A letter cannot withdraw itself."), code="self")
        by_record = _signed_record(by)
        if by_record is None:
            raise ApplicationError(
                _("The withdrawing letter must be signed first."), code="by_not_signed"
            )
        if by_record.dibuat_pada <= target_record.dibuat_pada:
            raise ApplicationError(
                _("The withdrawing letter must be signed after the letter it withdraws."),
                code="by_not_later",
            )
        if not _unit_within(target.penandatangan.unit, by.penandatangan.unit):
            raise ApplicationError(
                _(
                    "The withdrawing letter must be issued by the same unit as the letter "
                    "it withdraws, or by a unit above it."
                ),
                code="by_not_authorised",
            )
        if not target.nomor or target.nomor not in _signed_text(by, by_record):
            raise ApplicationError(
                _("The withdrawing letter must mention the number %(nomor)s.")
                % {"nomor": target.nomor},
                code="by_not_referencing",
            )
        row = PencabutanNaskah.objects.create(
            naskah=target, oleh=by, alasan=reason, dicatat_oleh=user
        )
        audit_record(
            actor=user,
            action=NASKAH_WITHDRAW,
            obj=target,
            details={
                "nomor": target.nomor,
                "oleh": by.pk,
                "nomor_oleh": by.nomor,
                "tanggal_oleh": by.tanggal,
                "alasan": reason,
            },
        )
    return row
