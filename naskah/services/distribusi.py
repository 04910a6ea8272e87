"""Dispatch (distribusi) of a signed letter and read receipts.

Internal recipients and tembusan get the letter in their inbox ("Naskah masuk internal"):
a unit → whoever acts today for its head; a position → whoever acts for it today; a
person → that person. External recipients with an e-mail address get it by e-mail with
the sealed PDF attached; a Rahasia / Sangat Rahasia letter is never put in an e-mail: the
message only says that a classified letter is waiting. External recipients without an
address are listed for delivery by hand.

Idempotent: each delivery has a unique key (letter, channel, target), rows are created
with get_or_create and an e-mail is sent only while its row is not yet delivered, so the
dispatch task may run twice (django-q2 delivers at least once) without sending twice
unless a worker dies between sending and marking (the at-least-once trade-off). Each
e-mail is its own task in the mail queue, sent outside any transaction; its attempts,
error and next try are recorded on the delivery row (core.services.attempts).
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import hooks
from core.clock import office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Jabatan, Pegawai, UnitKerja
from core.selectors.organisasi import jabatan_holder_on, unit_head_holder_on
from core.services.attempts import (
    Slot,
    attempt_claim,
    attempt_done,
    attempt_failed,
    attempt_reset,
    max_attempts,
)
from core.services.audit import audit_record
from core.services.queue import MAIL
from core.validators import single_line
from core.vocabulary import CONFIDENTIAL
from naskah.events import (
    NASKAH_DISPATCH_EMAIL,
    NASKAH_DISPATCH_EMAIL_FAILED,
    NASKAH_DISPATCH_EMAIL_RETRY,
    NASKAH_DISPATCH_FAILED,
    NASKAH_DISPATCH_INTERNAL,
    NASKAH_DISPATCH_REGISTER_FAILED,
    NASKAH_DISPATCH_RETRY,
    NASKAH_READ,
)
from naskah.models import Distribusi, Naskah, NaskahRevisi, NaskahTTE

logger = logging.getLogger(__name__)


def _internal_target(snap: dict, on) -> tuple[Pegawai | None, Jabatan | None, str]:
    if snap.get("pegawai_id"):
        return Pegawai.objects.filter(pk=snap["pegawai_id"]).first(), None, ""
    if snap.get("jabatan_id"):
        jabatan = Jabatan.objects.filter(pk=snap["jabatan_id"]).first()
        holder = jabatan_holder_on(jabatan, on) if jabatan else None
        return (holder.pegawai if holder else None), jabatan, (holder.jenis if holder else "")
    unit = UnitKerja.objects.filter(pk=snap.get("unit_id")).first()
    holder = unit_head_holder_on(unit, on) if unit else None
    return (
        (holder.pegawai if holder else None),
        (holder.jabatan if holder else None),
        (holder.jenis if holder else ""),
    )


def distribusi_targets(naskah: Naskah) -> list[tuple[str, dict]]:
    """The deliveries a signed letter owes, from the signed revision's recipients: (unique
    key, row fields) for each, in the recipients' order (two recipients reaching the same
    person share a key). Reads only; distribusi_plan creates the rows, and the chaos run's
    checks compare what was delivered against it."""
    record = NaskahTTE.objects.filter(naskah=naskah).first()
    revisi = NaskahRevisi.objects.get(naskah=naskah, nomor=record.revisi)
    on = naskah.tanggal or office_today()
    targets = []
    for snap in revisi.penerima:
        internal = any(snap.get(k) for k in ("unit_id", "jabatan_id", "pegawai_id"))
        if internal:
            pegawai, jabatan, kapasitas = _internal_target(snap, on)
            if pegawai is None:
                key = f"{naskah.pk}:vacant:{snap.get('unit_id')}:{snap.get('jabatan_id')}"
                defaults = {
                    "saluran": Distribusi.Saluran.MANUAL,
                    "status": Distribusi.Status.TANPA_ALAMAT,
                    "kesalahan": _("Nobody holds the addressed position today."),
                }
            else:
                key = f"{naskah.pk}:internal:{pegawai.pk}"
                defaults = {
                    "saluran": Distribusi.Saluran.INTERNAL,
                    "pegawai": pegawai,
                    "jabatan": jabatan,
                    "kapasitas": kapasitas,
                }
        elif snap.get("email"):
            key = f"{naskah.pk}:email:{snap['email'].lower()}"
            defaults = {"saluran": Distribusi.Saluran.EMAIL, "email": snap["email"]}
        else:
            key = f"{naskah.pk}:manual:{snap.get('nama', '')}"[:200]
            defaults = {
                "saluran": Distribusi.Saluran.MANUAL,
                "status": Distribusi.Status.TANPA_ALAMAT,
            }
        defaults.update({"jenis": snap["jenis"], "label": snap.get("label", "")[:400]})
        targets.append((key, defaults))
    return targets


def distribusi_plan(naskah: Naskah) -> list[Distribusi]:
    """Create (idempotently) the delivery rows of a signed letter from the signed
    revision's recipients. Returns them all."""
    rows = []
    for key, defaults in distribusi_targets(naskah):
        row, _created = Distribusi.objects.get_or_create(
            naskah=naskah, kunci=key, defaults=defaults
        )
        rows.append(row)
    return rows


def _mail(naskah: Naskah, row: Distribusi, pdf: bytes) -> EmailMessage:
    nama = settings.NASKAH_NAMA_PEMERINTAH
    if naskah.klasifikasi_keamanan in CONFIDENTIAL:
        subject = single_line(_("Classified official letter %(nomor)s") % {"nomor": naskah.nomor})
        body = _(
            "A classified official letter (%(kelas)s) number %(nomor)s from %(nama)s is "
            "addressed to you. For its security class it is not sent by e-mail; it will be "
            "delivered to you through a secure channel."
        ) % {
            "kelas": naskah.get_klasifikasi_keamanan_display(),
            "nomor": naskah.nomor,
            "nama": nama,
        }
        return EmailMessage(subject=subject, body=body, to=[row.email])
    # single_line: a letter saved before subjects were checked may still hold a line break,
    # which EmailMessage refuses as a header injection
    subject = single_line(f"{naskah.jenis.nama} {naskah.nomor}: {naskah.hal}")[:250]
    body = _(
        "Attached is the official letter number %(nomor)s dated %(tanggal)s from %(nama)s, "
        "subject: %(hal)s.\n\nThe letter is signed electronically; verify it at %(url)s"
    ) % {
        "nomor": naskah.nomor,
        "tanggal": formats.date_format(naskah.tanggal, "DATE_FORMAT") if naskah.tanggal else "",
        "nama": nama,
        "hal": naskah.hal,
        "url": _verify_url(naskah),
    }
    message = EmailMessage(subject=subject, body=body, to=[row.email])
    filename = "naskah-" + "".join(c if c.isalnum() else "-" for c in naskah.nomor or "") + ".pdf"
    message.attach(filename, pdf, "application/pdf")
    return message


def _verify_url(naskah: Naskah) -> str:
    from naskah.selectors.signing import verification_url

    return verification_url(naskah.tte.token)


def _register_unit(unit):
    """The unit whose incoming register receives the letter: one rule for the agendaris's
    permissions and for delivery (the setting NASKAH_MASUK_REGISTER_UNIT_JENIS)."""
    from naskah.masuk.permissions import register_unit_of

    return register_unit_of(unit)


def arrival_notice_text(naskah: Naskah, jenis: str) -> str:
    """The arrival notice (and its e-mail): for Rahasia / Sangat Rahasia letters only the
    classification marker and the number, never the subject or the sender."""
    from core.models import confidential_marker
    from workflows.notice_text import notice_text

    copy = jenis == "tembusan"
    marker = confidential_marker(naskah.klasifikasi_keamanan)
    if marker:
        text = (
            gettext_noop("Copy of a letter received: %(marker)s %(nomor)s")
            if copy
            else gettext_noop("Letter received: %(marker)s %(nomor)s")
        )
        return notice_text(text, {"marker": marker, "nomor": naskah.nomor})
    text = (
        gettext_noop("Copy of a letter received: %(jenis)s %(nomor)s from %(unit)s — %(hal)s")
        if copy
        else gettext_noop("Letter received: %(jenis)s %(nomor)s from %(unit)s — %(hal)s")
    )
    return notice_text(
        text,
        {
            "jenis": naskah.jenis.nama,
            "nomor": naskah.nomor,
            "unit": naskah.unit.nama if naskah.unit_id else "",
            "hal": naskah.hal,
        },
    )


def _arrival_notice(naskah: Naskah, row: Distribusi) -> None:
    """Tell an internal recipient (the holder on the day, acting holders included) that a
    letter arrived: a notice, and an e-mail where they have an address (workflows)."""
    from django.urls import reverse

    from workflows.services import notifikasi_create

    if row.pegawai_id is None:
        return
    notifikasi_create(
        recipient=row.pegawai,
        kind="naskah_diterima",
        text=arrival_notice_text(naskah, row.jenis),
        # The letter as sent, drawn in the page (a phone shows a bare PDF link poorly);
        # its viewer fetches the sealed PDF, which records the read receipt.
        link=reverse("naskah:tte", args=[naskah.pk]),
        key=f"naskah-diterima:{row.pk}",
    )


def internal_sender(naskah: Naskah) -> str:
    """Who sent an internal letter, as the recipient's register shows it: the signer's
    position and unit (the drafting unit is only where it was written)."""
    jabatan = naskah.penandatangan
    unit = jabatan.unit.nama if jabatan.unit_id else ""
    if not unit or unit.lower() in jabatan.nama.lower():
        return jabatan.nama
    return f"{jabatan.nama}, {unit}"


def _register_in_recipient_units(naskah: Naskah, rows: list[Distribusi], pdf: bytes) -> None:
    """Internal letters signed in Naskah are registered automatically in each addressed
    unit's incoming register (once per unit; idempotent). A unit whose registration fails
    is logged and audited; the delivery itself stands."""
    from core.selectors.organisasi import pegawai_assignments_on
    from naskah.masuk.services import suratmasuk_register_internal
    from naskah.selectors.drafting import naskah_active_lampiran

    pengirim = internal_sender(naskah)
    lampiran = naskah_active_lampiran(naskah).count()
    seen = set()
    for row in rows:
        jabatan = row.jabatan
        if jabatan is None and row.pegawai_id is not None:
            held = pegawai_assignments_on(row.pegawai)
            jabatan = held[0].jabatan if held else None
        if jabatan is None:
            continue
        unit = _register_unit(jabatan.unit)
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        try:
            with transaction.atomic():
                suratmasuk_register_internal(
                    unit=unit,
                    jabatan_tujuan=jabatan,
                    pengirim=pengirim,
                    nomor_surat=naskah.nomor,
                    tanggal_surat=naskah.tanggal,
                    hal=naskah.hal,
                    urgensi=naskah.urgensi,
                    klasifikasi_keamanan=naskah.klasifikasi_keamanan,
                    kode_klasifikasi=naskah.kode_klasifikasi,
                    pdf=pdf,
                    nama_berkas=f"naskah-{naskah.pk}.pdf",
                    sumber_type="naskah.naskah",
                    sumber_id=naskah.pk,
                    jumlah_lampiran=lampiran,
                )
        except ApplicationError as error:
            logger.warning("registering letter %s in unit %s failed: %s", naskah.pk, unit.pk, error)
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action=NASKAH_DISPATCH_REGISTER_FAILED,
                    obj=naskah,
                    object_repr=naskah.nomor,
                    details={"unit": unit.pk, "error": str(error)[:200]},
                )


def naskah_dispatch(*, naskah: Naskah) -> list[Distribusi]:
    """Deliver a signed letter (module docstring). Safe to run more than once."""
    from naskah.services.signing import sealed_bytes

    naskah = Naskah.objects.select_related("jenis").get(pk=naskah.pk)
    record = NaskahTTE.objects.filter(naskah=naskah, selesai=True).first()
    if naskah.status != Naskah.Status.DITANDATANGANI or record is None:
        raise ApplicationError(_("Only a signed letter can be dispatched."), code="not_signed")
    with transaction.atomic():
        rows = distribusi_plan(naskah)
        # The people it is delivered to may read it: apps keeping a copy of the readers
        # (the archive) learn of them through this hook.
        hooks.notify(hooks.READERS_CHANGED, naskah)
        delivered = []
        now = timezone.now()
        for row in rows:
            if row.saluran == Distribusi.Saluran.INTERNAL and row.status == "menunggu":
                if Distribusi.objects.filter(pk=row.pk, status="menunggu").update(
                    status=Distribusi.Status.TERKIRIM, dikirim_pada=now
                ):
                    _arrival_notice(naskah, row)
                delivered.append(row.label)
        if delivered:
            audit_record(
                actor=None,
                action=NASKAH_DISPATCH_INTERNAL,
                obj=naskah,
                object_repr=naskah.nomor,
                details={"penerima": len(delivered)},
            )
        # E-mail is sent by its own task after this commits, never inside a transaction
        # (a hanging mail server must not hold the database). A row is queued once: its
        # first try becomes due now; rows already due or tried keep their task or retry.
        for row in rows:
            if row.saluran == Distribusi.Saluran.EMAIL and Distribusi.objects.filter(
                pk=row.pk,
                status=Distribusi.Status.MENUNGGU,
                percobaan=0,
                coba_lagi_pada__isnull=True,
            ).update(coba_lagi_pada=now):
                _enqueue_email(row.pk)
        # External recipients that are registered peer instances are delivered over the
        # API by the app that keeps the peers (pertukaran), each delivery queued once.
        hooks.notify(hooks.LETTER_DISPATCHED, naskah)
    pdf = None
    internal = [r for r in rows if r.saluran == Distribusi.Saluran.INTERNAL and r.jenis == "tujuan"]
    if internal:
        pdf = sealed_bytes(record.dokumen_terakhir())
        _register_in_recipient_units(naskah, internal, pdf)
    return list(Distribusi.objects.filter(naskah=naskah))


# --- The dispatch task: one attempt recorded on the signing record ----------------------------

DISPATCH_SLOT = Slot(
    model=NaskahTTE,
    kind="naskah.dispatch",
    task="naskah.tasks.naskah_dispatch_attempt_task",
    status="kirim_status",
    attempts="kirim_percobaan",
    claim="kirim_token",
    lease="kirim_sewa",
    started="kirim_mulai_pada",
    error="kirim_kesalahan",
    next_try="kirim_coba_lagi_pada",
    pending=NaskahTTE.StatusKirim.MENUNGGU,
    running=NaskahTTE.StatusKirim.DIPROSES,
    failed=NaskahTTE.StatusKirim.GAGAL,
)


def _dispatch_failed(attempt, naskah: Naskah, *, error: str, reason: str, retry=True) -> str:
    with transaction.atomic():
        state = attempt_failed(DISPATCH_SLOT, attempt, error=error, retry=retry)
        if state is None:
            return NaskahTTE.objects.get(pk=attempt.pk).kirim_status
        audit_record(
            actor=None,
            action=NASKAH_DISPATCH_FAILED,
            obj=naskah,
            object_repr=naskah.nomor,
            details={"percobaan": attempt.number, "status": state, "error": reason[:200]},
        )
    return state


def naskah_dispatch_run(*, tte_id: int) -> str:
    """The dispatch task's attempt: `naskah_dispatch` with its attempt, error and retry
    recorded on the signing record; after the last attempt the letter's page shows the
    failure with a retry action (`naskah_dispatch_retry`). Returns the dispatch status."""
    attempt = attempt_claim(DISPATCH_SLOT, tte_id)
    if attempt is None:
        return NaskahTTE.objects.filter(pk=tte_id).values_list("kirim_status", flat=True).first()
    naskah = Naskah.objects.get(tte__pk=tte_id)
    if attempt.exhausted:
        return _dispatch_failed(
            attempt,
            naskah,
            error=_("The dispatch stopped after %(n)d attempts that did not finish.")
            % {"n": attempt.number - 1},
            reason="exhausted",
            retry=False,
        )
    try:
        naskah_dispatch(naskah=naskah)
    except Exception as error:  # noqa: BLE001 - recorded on the record, retried
        logger.exception("dispatch of letter %s failed", naskah.pk)
        shown = error.message if isinstance(error, ApplicationError) else _("The dispatch failed.")
        message = f"{shown} " + _("(attempt %(n)d of %(max)d)") % {
            "n": attempt.number,
            "max": max_attempts(),
        }
        return _dispatch_failed(attempt, naskah, error=message, reason=type(error).__name__)
    attempt_done(DISPATCH_SLOT, attempt, status=NaskahTTE.StatusKirim.SELESAI)
    return NaskahTTE.StatusKirim.SELESAI


def naskah_dispatch_retry(*, naskah: Naskah, actor: Pegawai) -> NaskahTTE:
    """The drafter or signer asks for the failed dispatch again: queued on commit, audited."""
    from naskah.permissions import can_retry_distribusi
    from naskah.services.signing import _enqueue_dispatch

    if not can_retry_distribusi(actor, naskah):
        raise PermissionDeniedError(_("Only the letter's drafter or signer may retry sending."))
    record = NaskahTTE.objects.filter(naskah=naskah).first()
    with transaction.atomic():
        if record is None or not attempt_reset(DISPATCH_SLOT, record.pk):
            raise ConflictError(
                _("The dispatch of this letter has not failed; there is nothing to retry."),
                code="not_failed",
            )
        audit_record(
            actor=actor,
            action=NASKAH_DISPATCH_RETRY,
            obj=naskah,
            object_repr=naskah.nomor,
            details={},
        )
        _enqueue_dispatch(naskah.pk)
    record.refresh_from_db()
    return record


# --- E-mail, one delivery per task (core.services.attempts) ------------------------------------

EMAIL_SLOT = Slot(
    model=Distribusi,
    kind="naskah.email",
    task="naskah.tasks.distribusi_email_task",
    status="status",
    attempts="percobaan",
    claim="token",
    lease="sewa",
    started="mulai_pada",
    error="kesalahan",
    next_try="coba_lagi_pada",
    pending=Distribusi.Status.MENUNGGU,
    running=Distribusi.Status.MENGIRIM,
    failed=Distribusi.Status.GAGAL,
    queue=MAIL,
)


def _enqueue_email(distribusi_id: int) -> None:
    from core.services.queue import task_enqueue

    task_enqueue(
        "naskah.tasks.distribusi_email_task",
        distribusi_id,
        task_name=f"email-{distribusi_id}",
        queue=MAIL,
    )


def _mail_error(error: Exception) -> str:
    """What the sender is told about a failed e-mail (the detail is in the log)."""
    cause = error
    while cause is not None:  # smtplib re-raises a timeout as "server disconnected"
        if isinstance(cause, TimeoutError):
            return _("The mail server did not answer in time.")
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _("The mail server closed the connection.")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("The mail server refused the address.")
    if isinstance(error, smtplib.SMTPException):
        return _("The mail server refused the message.")
    if isinstance(error, OSError):
        return _("The mail server could not be reached.")
    return _("The e-mail could not be sent.")


def _email_state(distribusi_id: int) -> str:
    return (
        Distribusi.objects.filter(pk=distribusi_id).values_list("status", flat=True).first() or ""
    )


def _email_failed(attempt, naskah: Naskah, *, error: str, reason: str, retry: bool = True) -> str:
    with transaction.atomic():
        state = attempt_failed(EMAIL_SLOT, attempt, error=error, retry=retry)
        if state is None:
            return _email_state(attempt.pk)
        audit_record(
            actor=None,
            action=NASKAH_DISPATCH_EMAIL_FAILED,
            obj=naskah,
            object_repr=naskah.nomor,
            details={
                "distribusi": attempt.pk,
                "percobaan": attempt.number,
                "status": state,
                "error": reason[:200],
            },
        )
    return state


def distribusi_email_send(*, distribusi_id: int) -> str:
    """Send the e-mail of one delivery: one attempt, recorded on the row. It runs outside
    any transaction with the mail server's answer bounded by EMAIL_TIMEOUT; a failure is
    stored with a readable error and tried again with backoff, the last one leaves the row
    "failed" with a retry action (`distribusi_email_retry`). Returns the row's status."""
    attempt = attempt_claim(EMAIL_SLOT, distribusi_id)
    if attempt is None:
        return _email_state(distribusi_id)
    row = Distribusi.objects.select_related("naskah__jenis").get(pk=distribusi_id)
    naskah = row.naskah
    if attempt.exhausted:
        return _email_failed(
            attempt,
            naskah,
            error=_("Sending stopped after %(n)d attempts that did not finish.")
            % {"n": attempt.number - 1},
            reason="exhausted",
            retry=False,
        )
    try:
        pdf = b""
        if naskah.klasifikasi_keamanan not in CONFIDENTIAL:
            from naskah.services.signing import sealed_bytes

            pdf = sealed_bytes(NaskahTTE.objects.get(naskah=naskah).dokumen_terakhir())
        _mail(naskah, row, pdf).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any mail failure is recorded on the row
        logger.warning("dispatch e-mail failed for delivery %s: %r", row.pk, error)
        message = (
            _mail_error(error)
            + " "
            + _("(attempt %(n)d of %(max)d)")
            % {
                "n": attempt.number,
                "max": max_attempts(),
            }
        )
        return _email_failed(attempt, naskah, error=message, reason=type(error).__name__)
    with transaction.atomic():
        if not attempt_done(
            EMAIL_SLOT, attempt, status=Distribusi.Status.TERKIRIM, dikirim_pada=timezone.now()
        ):
            logger.warning("delivery %s was sent by a superseded attempt", row.pk)
        audit_record(
            actor=None,
            action=NASKAH_DISPATCH_EMAIL,
            obj=naskah,
            object_repr=naskah.nomor,
            details={
                "distribusi": row.pk,
                "percobaan": attempt.number,
                "rahasia": naskah.klasifikasi_keamanan in CONFIDENTIAL,
            },
        )
    return Distribusi.Status.TERKIRIM


def distribusi_email_retry(*, distribusi: Distribusi, actor: Pegawai) -> Distribusi:
    """The sender asks for another try of a failed e-mail: back to waiting with a fresh
    count, queued on commit, audited."""
    from naskah.permissions import can_retry_distribusi

    if not can_retry_distribusi(actor, distribusi.naskah):
        raise PermissionDeniedError(_("Only the letter's drafter or signer may retry sending."))
    with transaction.atomic():
        if distribusi.saluran != Distribusi.Saluran.EMAIL or not attempt_reset(
            EMAIL_SLOT, distribusi.pk
        ):
            raise ConflictError(
                _("This delivery has not failed; there is nothing to retry."), code="not_failed"
            )
        audit_record(
            actor=actor,
            action=NASKAH_DISPATCH_EMAIL_RETRY,
            obj=distribusi.naskah,
            object_repr=distribusi.naskah.nomor,
            details={"distribusi": distribusi.pk},
        )
        Distribusi.objects.filter(pk=distribusi.pk).update(coba_lagi_pada=timezone.now())
        _enqueue_email(distribusi.pk)
    distribusi.refresh_from_db()
    return distribusi


def distribusi_read(*, distribusi: Distribusi, actor: Pegawai) -> Distribusi:
    """Record the read receipt the first time the recipient opens the letter."""
    if distribusi.pegawai_id != actor.pk:
        raise PermissionDeniedError(_("This letter was not delivered to you."))
    with transaction.atomic():
        updated = Distribusi.objects.filter(pk=distribusi.pk, dibaca_pada__isnull=True).update(
            dibaca_pada=timezone.now()
        )
        if updated:
            from workflows.models import Notifikasi

            # Reading the letter also reads its arrival notice.
            Notifikasi.objects.filter(
                key=f"naskah-diterima:{distribusi.pk}", read_at__isnull=True
            ).update(read_at=timezone.now())
            audit_record(
                actor=actor,
                action=NASKAH_READ,
                obj=distribusi.naskah,
                object_repr=distribusi.naskah.nomor or "",
                details={"distribusi": distribusi.pk},
            )
    distribusi.refresh_from_db()
    return distribusi
