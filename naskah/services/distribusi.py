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
unless a worker dies between sending and marking (the at-least-once trade-off).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks
from core.errors import ApplicationError, PermissionDeniedError
from core.models import Jabatan, Pegawai, UnitKerja
from core.selectors.organisasi import jabatan_holder_on, unit_head_holder_on
from core.services.audit import audit_record
from core.validators import single_line
from naskah.models import Distribusi, Naskah, NaskahRevisi, NaskahTTE
from naskah.permissions import CONFIDENTIAL

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


def distribusi_plan(naskah: Naskah) -> list[Distribusi]:
    """Create (idempotently) the delivery rows of a signed letter from the signed
    revision's recipients. Returns them all."""
    record = NaskahTTE.objects.filter(naskah=naskah).first()
    revisi = NaskahRevisi.objects.get(naskah=naskah, nomor=record.revisi)
    on = naskah.tanggal or timezone.localdate()
    rows = []
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
        row, _created = Distribusi.objects.get_or_create(
            naskah=naskah, kunci=key, defaults=defaults
        )
        rows.append(row)
    return rows


def _mail(naskah: Naskah, row: Distribusi, pdf: bytes) -> EmailMessage:
    nama = getattr(settings, "NASKAH", {}).get("NAMA_PEMERINTAH", "")
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
        "tanggal": naskah.tanggal.isoformat() if naskah.tanggal else "",
        "nama": nama,
        "hal": naskah.hal,
        "url": _verify_url(naskah),
    }
    message = EmailMessage(subject=subject, body=body, to=[row.email])
    filename = "naskah-" + "".join(c if c.isalnum() else "-" for c in naskah.nomor or "") + ".pdf"
    message.attach(filename, pdf, "application/pdf")
    return message


def _verify_url(naskah: Naskah) -> str:
    from naskah.services.tte import verification_url

    return verification_url(naskah.tte.token)


# Units that keep an incoming-letter register (agenda): a letter addressed to a position in a
# Bidang is registered by its Dinas, one in a Bagian by its Biro.
REGISTER_UNIT_KINDS = {"pemda", "setda", "biro", "dinas", "badan", "inspektorat", "uptd"}


def _register_unit(unit):
    from core.selectors.organisasi import unit_ancestors

    if unit.jenis in REGISTER_UNIT_KINDS:
        return unit
    for ancestor in reversed(list(unit_ancestors(unit))):
        if ancestor.jenis in REGISTER_UNIT_KINDS:
            return ancestor
    return unit


def _register_in_recipient_units(naskah: Naskah, rows: list[Distribusi], pdf: bytes) -> None:
    """Internal letters signed in Naskah are registered automatically in each addressed
    unit's incoming register (once per unit; idempotent). A unit whose registration fails
    is logged and audited; the delivery itself stands."""
    from core.selectors.organisasi import pegawai_assignments_on
    from naskah.masuk.services import suratmasuk_register_internal

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
                    pengirim=naskah.unit.nama,
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
                )
        except ApplicationError as error:
            logger.warning("registering letter %s in unit %s failed: %s", naskah.pk, unit.pk, error)
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="naskah.dispatch.register_failed",
                    obj=naskah,
                    object_repr=naskah.nomor,
                    details={"unit": unit.pk, "error": str(error)[:200]},
                )


def naskah_dispatch(*, naskah: Naskah) -> list[Distribusi]:
    """Deliver a signed letter (module docstring). Safe to run more than once."""
    from naskah.services.tte import sealed_bytes

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
                Distribusi.objects.filter(pk=row.pk, status="menunggu").update(
                    status=Distribusi.Status.TERKIRIM, dikirim_pada=now
                )
                delivered.append(row.label)
        if delivered:
            audit_record(
                actor=None,
                action="naskah.dispatch.internal",
                obj=naskah,
                object_repr=naskah.nomor,
                details={"penerima": len(delivered)},
            )
    pdf = None
    internal = [r for r in rows if r.saluran == Distribusi.Saluran.INTERNAL and r.jenis == "tujuan"]
    if internal:
        pdf = sealed_bytes(record.dokumen_terakhir())
        _register_in_recipient_units(naskah, internal, pdf)
    for row in rows:
        if row.saluran != Distribusi.Saluran.EMAIL:
            continue
        with transaction.atomic():
            locked = Distribusi.objects.select_for_update().get(pk=row.pk)
            if locked.status == Distribusi.Status.TERKIRIM:
                continue
            if pdf is None:
                pdf = sealed_bytes(record.dokumen_terakhir())
            locked.percobaan += 1
            try:
                _mail(naskah, locked, pdf).send(fail_silently=False)
            except Exception as error:  # noqa: BLE001 - any mail failure is logged on the row
                logger.warning("dispatch e-mail failed for delivery %s: %s", locked.pk, error)
                locked.status = Distribusi.Status.GAGAL
                locked.kesalahan = str(error)[:500]
                locked.save(update_fields=["status", "kesalahan", "percobaan"])
                audit_record(
                    actor=None,
                    action="naskah.dispatch.email_failed",
                    obj=naskah,
                    object_repr=naskah.nomor,
                    details={"distribusi": locked.pk, "error": str(error)[:200]},
                )
                continue
            locked.status = Distribusi.Status.TERKIRIM
            locked.dikirim_pada = timezone.now()
            locked.kesalahan = ""
            locked.save(update_fields=["status", "dikirim_pada", "kesalahan", "percobaan"])
            audit_record(
                actor=None,
                action="naskah.dispatch.email",
                obj=naskah,
                object_repr=naskah.nomor,
                details={
                    "distribusi": locked.pk,
                    "rahasia": naskah.klasifikasi_keamanan in CONFIDENTIAL,
                },
            )
    return list(Distribusi.objects.filter(naskah=naskah))


def distribusi_read(*, distribusi: Distribusi, actor: Pegawai) -> Distribusi:
    """Record the read receipt the first time the recipient opens the letter."""
    if distribusi.pegawai_id != actor.pk:
        raise PermissionDeniedError(_("This letter was not delivered to you."))
    with transaction.atomic():
        updated = Distribusi.objects.filter(pk=distribusi.pk, dibaca_pada__isnull=True).update(
            dibaca_pada=timezone.now()
        )
        if updated:
            audit_record(
                actor=actor,
                action="naskah.read",
                obj=distribusi.naskah,
                object_repr=distribusi.naskah.nomor or "",
                details={"distribusi": distribusi.pk},
            )
    distribusi.refresh_from_db()
    return distribusi


def inbox_for(user: Pegawai):
    """'Naskah masuk internal': letters delivered to the user, newest first."""
    return (
        Distribusi.objects.filter(
            pegawai=user, saluran=Distribusi.Saluran.INTERNAL, status=Distribusi.Status.TERKIRIM
        )
        .select_related("naskah__jenis", "naskah__unit")
        .order_by("-dikirim_pada")
    )
