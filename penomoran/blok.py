"""Outage fallback (docs/numbering.md, "Outage fallback"): emergency blocks of numbers.

Before a planned outage (or when one threatens) an administrator issues a block of numbers
from a book: `nomor_block_issue` reserves `count` consecutive running numbers in one
transaction (the book and its counter stay locked throughout, so nobody else's number falls
inside) and audits it; the block is printed as a sheet (`penomoran.exports.blok_sheet_pdf`)
that offices fill in by hand during the outage. Afterwards every letter signed on paper is
registered with its block number and scan (`surat_manual_register`, which attaches the
number with `nomor_use_reserved`), and the numbers not used are cancelled with a reason
(`blok_cancel_unused`). Every number of the block thus ends used or cancelled: the series
keeps no gap and no number is used twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.clock import office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Pegawai
from core.pdfsafe import pdf_sanitize
from core.services.audit import audit_record
from core.services.storage import storage_new_name, storage_remove, storage_save_pending
from penomoran import permissions
from penomoran.events import (
    PENOMORAN_BLOK_CANCEL_UNUSED,
    PENOMORAN_BLOK_ISSUE,
    PENOMORAN_NOMOR_RESERVE,
    PENOMORAN_SURAT_MANUAL_REGISTER,
)
from penomoran.models import BlokDarurat, BukuNomor, Nomor, SuratManual
from penomoran.services import (
    _active_book,
    _check_parts,
    _nomor_issue,
    nomor_cancel,
    nomor_use_reserved,
)

OBJECT_TYPE = "penomoran.suratmanual"


def block_max() -> int:
    return int(settings.NASKAH_NOMOR_BLOCK_MAX)


def nomor_block_issue(
    *,
    buku: BukuNomor,
    count: int,
    alasan: str,
    actor: Pegawai,
    kode_klasifikasi: str = "",
    sifat: str = "",
) -> BlokDarurat:
    """Reserve `count` consecutive numbers of `buku` (this year, dated today) as an
    emergency block. Only for holders of `penomoran.issue_blokdarurat`, with a reason."""
    if not permissions.can_issue_block(actor):
        raise PermissionDeniedError(
            _("You may not issue emergency blocks of numbers."), code="block_forbidden"
        )
    alasan = (alasan or "").strip()
    if not alasan:
        raise ApplicationError(
            _("Give the reason for the emergency block."), code="reason_required"
        )
    if not 1 <= count <= block_max():
        raise ApplicationError(
            _("An emergency block has between 1 and %(max)d numbers.") % {"max": block_max()},
            code="block_size",
        )
    today = office_today()
    with transaction.atomic():
        locked = BukuNomor.objects.select_for_update().filter(pk=buku.pk).first()
        if locked is None:
            raise ApplicationError(_("The numbering book no longer exists."), code="no_book")
        book = _active_book(locked)
        kode, sifat = _check_parts(book, kode_klasifikasi=kode_klasifikasi, sifat=sifat)
        numbers = [
            _nomor_issue(
                book,
                tanggal=today,
                kode=kode,
                sifat=sifat,
                actor=actor,
                action=PENOMORAN_NOMOR_RESERVE,
                details={"tanggal": today.isoformat(), "alasan": alasan, "blok": True},
                status=Nomor.Status.DICADANGKAN,
                cadangan=True,
                alasan=_("Emergency block: %(alasan)s") % {"alasan": alasan},
            )
            for _i in range(count)
        ]
        running = [n.urut for n in numbers]
        if running != list(range(running[0], running[0] + count)):
            # Cannot happen while the counter is held by this transaction; refuse loudly.
            raise ConflictError(_("The block is not contiguous."), code="block_gap")
        blok = BlokDarurat.objects.create(
            buku=book,
            tahun=today.year,
            urut_awal=running[0],
            urut_akhir=running[-1],
            alasan=alasan,
            dibuat_oleh=actor,
        )
        audit_record(
            actor=actor,
            action=PENOMORAN_BLOK_ISSUE,
            obj=blok,
            details={
                "buku": book.pk,
                "tahun": blok.tahun,
                "urut_awal": blok.urut_awal,
                "urut_akhir": blok.urut_akhir,
                "dari": numbers[0].teks,
                "sampai": numbers[-1].teks,
                "alasan": alasan,
            },
        )
    return blok


def surat_manual_register(
    *,
    blok: BlokDarurat,
    nomor: Nomor,
    tanggal: dt.date,
    hal: str,
    penandatangan: str,
    tujuan: str,
    scan: bytes,
    actor: Pegawai,
) -> SuratManual:
    """Register a letter signed on paper during the outage with its block number and its
    scan (a PDF, sanitised). The number must belong to the block and still be reserved."""
    if not permissions.can_register_manual(actor):
        raise PermissionDeniedError(
            _("You may not register letters signed on paper."), code="manual_forbidden"
        )
    if not (
        nomor.buku_id == blok.buku_id
        and nomor.tahun == blok.tahun
        and blok.urut_awal <= nomor.urut <= blok.urut_akhir
    ):
        raise ApplicationError(
            _("The number %(teks)s is not in this emergency block.") % {"teks": nomor.teks},
            code="not_in_block",
        )
    hal, penandatangan, tujuan = (
        (hal or "").strip(),
        (penandatangan or "").strip(),
        (tujuan or "").strip(),
    )
    if not (hal and penandatangan and tujuan):
        raise ApplicationError(
            _("Give the subject, the signer and the recipients of the letter."),
            code="fields_required",
        )
    if tanggal > office_today() or tanggal < blok.dibuat_pada.date() - dt.timedelta(days=1):
        raise ApplicationError(
            _("The letter date must lie between the block's issue and today."),
            code="bad_date",
        )
    cleaned = pdf_sanitize(scan)  # ApplicationError for anything that is not a usable PDF
    name = storage_new_name("manual", ".pdf")
    written: list[str] = []
    try:
        with transaction.atomic():
            row = Nomor.objects.select_for_update().filter(pk=nomor.pk).first()
            if row is None or row.status != Nomor.Status.DICADANGKAN:
                raise ConflictError(
                    _("The number %(teks)s is not reserved any more: it was used or cancelled.")
                    % {"teks": nomor.teks},
                    code="not_reserved",
                )
            surat = SuratManual.objects.create(
                blok=blok,
                nomor=nomor,
                tanggal=tanggal,
                hal=hal[:500],
                penandatangan=penandatangan[:300],
                tujuan=tujuan,
                berkas=name,
                sha256=hashlib.sha256(cleaned.data).hexdigest(),
                didaftarkan_oleh=actor,
            )
            # Refuses a number that is used or cancelled already (ConflictError).
            nomor_use_reserved(
                nomor=nomor, object_type=OBJECT_TYPE, object_id=surat.pk, actor=actor
            )
            storage_save_pending(name, cleaned.data, written)
            audit_record(
                actor=actor,
                action=PENOMORAN_SURAT_MANUAL_REGISTER,
                obj=surat,
                details={
                    "blok": blok.pk,
                    "nomor": nomor.teks,
                    "tanggal": tanggal.isoformat(),
                    "hal": surat.hal,
                    "sha256": surat.sha256,
                },
            )
    except Exception:
        storage_remove(written, after="surat_manual_register")
        raise
    return surat


def blok_cancel_unused(*, blok: BlokDarurat, alasan: str, actor: Pegawai) -> list[Nomor]:
    """Cancel every number of the block that no manual letter used, with the reason. Used
    numbers are left as they are (`nomor_cancel` refuses them)."""
    if not (permissions.can_cancel(actor) or permissions.can_issue_block(actor)):
        raise PermissionDeniedError(_("You may not cancel numbers."), code="cancel_forbidden")
    alasan = (alasan or "").strip()
    if not alasan:
        raise ApplicationError(
            _("Give the reason for cancelling the number."), code="reason_required"
        )
    with transaction.atomic():
        unused = list(blok.nomor_qs().filter(status=Nomor.Status.DICADANGKAN).order_by("urut"))
        cancelled = [nomor_cancel(nomor=n, alasan=alasan, actor=actor) for n in unused]
        audit_record(
            actor=actor,
            action=PENOMORAN_BLOK_CANCEL_UNUSED,
            obj=blok,
            details={"dibatalkan": [n.teks for n in cancelled], "alasan": alasan},
        )
    return cancelled
