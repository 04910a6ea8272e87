"""Signing a letter (TTE): number, final render, PAdES seal, storage, route completion.

`naskah_sign` follows DESIGN "The main walk", step 4. Everything cheap is checked first,
then the signer's key is unlocked (scrypt is deliberately slow, so outside any lock), then
ONE transaction locks the route and the letter, checks everything again, takes the number
(as late as possible: the counter row stays locked until commit), renders the final PDF
with number, date, QR code and TTE footer, seals it, stores the sealed bytes and their
SHA-256, completes the route and writes the audit event. Any failure rolls the whole
transaction back: no number is consumed, the letter is unchanged, the signer may retry.
The sealed file is written to the pending area and published only after the commit
(core.services.storage): a crash before the commit leaves no signed PDF carrying a number
that a later letter will get.

Several signers (Berita Acara): the letter's signer signs first (that signature fixes
the number and the page); the parties listed in the letter's "signers" fields then sign in
order, each an incremental update of the previous sealed version (earlier signatures stay
valid). The letter is ``ditandatangani`` once the last party has signed.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from core.clock import office_now, office_today
from core.errors import ApplicationError, ConflictError
from core.models import Pegawai
from core.pdfsafe import findings_summary, pdf_active_content
from core.services.audit import audit_record
from core.services.storage import (
    storage_new_name,
    storage_read,
    storage_remove,
    storage_save_pending,
)
from naskah.events import NASKAH_SIGN
from naskah.models import (
    DokumenTersegel,
    Naskah,
    NaskahTTE,
    PertinggalTersegel,
)
from naskah.models.signing import new_token
from naskah.selectors.signing import (
    SignPlan,
    naskah_sign_check,
    nomor_format_for,
    paraf_chain,
    unit_penomoran_for,
    verification_url,
)
from signing.backends.base import UnlockedKey

logger = logging.getLogger(__name__)


# --- Numbering books -----------------------------------------------------------------------


def buku_for(*, naskah: Naskah, actor: Pegawai | None):
    """The numbering book of the letter: (numbering unit, family key), created on demand.
    Runs outside the signing transaction (creating a book writes an audit event, which
    must not come before `nomor_allocate` in one transaction)."""
    from naskah.selectors.seri_nomor import seri_nomor_for, seri_unit
    from naskah.services.seri_nomor import seri_buku
    from penomoran.models import BukuNomor
    from penomoran.services import bukunomor_create

    seri = seri_nomor_for(naskah)
    if seri is not None:
        seri_unit_penomoran = seri_unit(seri)
        if seri_unit_penomoran is not None:
            return seri_buku(seri=seri, unit=seri_unit_penomoran, actor=actor)
    unit = unit_penomoran_for(naskah.penandatangan)
    family = (naskah.jenis.format_nomor or "default")[:50]
    buku = BukuNomor.objects.filter(unit=unit, jenis=family).first()
    if buku is not None:
        return buku
    try:
        return bukunomor_create(
            unit=unit,
            jenis=family,
            nama=f"{unit.nama} — {family}",
            actor=actor,
            format=nomor_format_for(naskah.jenis),
        )
    except (IntegrityError, ApplicationError):
        # Created by a concurrent first signature (its unique check or constraint fired).
        existing = BukuNomor.objects.filter(unit=unit, jenis=family).first()
        if existing is None:
            raise
        return existing


# --- Authority -----------------------------------------------------------------------------


# --- Signing -------------------------------------------------------------------------------


def _store(pdf: bytes, written: list[str], folder: str = "tersegel") -> str:
    """Write the sealed bytes into the pending area under a new random name; they are
    published when the signing transaction commits, never before (core.services.storage).
    The pending file is added to `written`, for removal if the transaction fails."""
    name = storage_new_name(f"naskah/{folder}", ".pdf")
    try:
        return storage_save_pending(name, pdf, written)
    except OSError as error:
        raise ApplicationError(
            _("The sealed file could not be stored."), code="store_failed"
        ) from error


def tte_footer_text(issuer: str) -> str:
    """The footer sentence naming the certificate's issuer. `NASKAH_TTE_FOOTER` may replace
    the wording; it must contain ``{penerbit}`` (the issuer), so the footer never claims a
    certificate authority that did not issue the signer's certificate."""
    template = settings.NASKAH_TTE_FOOTER or ""
    if not issuer:
        return ""  # the renderer prints a sentence that names no issuer
    if "{penerbit}" not in template:
        template = (
            "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat "
            "elektronik yang diterbitkan oleh {penerbit}."
        )
    return template.replace("{penerbit}", issuer)


def _render_final(
    locked: Naskah, record: NaskahTTE, plan: SignPlan, key: UnlockedKey | None = None
) -> tuple[bytes, dict, dict]:
    """The plan's revision was read under the lock; its holder is who acts for the signing
    position on the office date of the check (reused when that is the letter's date).
    `key`: the signer's unlocked key; its backend/certificate names the footer's issuer."""
    from naskah.context import naskah_render_context
    from naskah.rendering import RenderError, render_naskah

    revisi = plan.revisi
    revisi.naskah = locked  # carries the number and date just set
    layout, context = naskah_render_context(
        revisi,
        preview=False,
        signer_holder=plan.holder if plan.on == locked.tanggal else None,
    )
    issuer = getattr(key, "issuer_name", "") or ""
    context["tte"] = {
        "qr_url": verification_url(record.token),
        "issuer": issuer,
        "footer_text": tte_footer_text(issuer),
        "signed_at": office_now(),  # the PDF's creation date
    }
    try:
        return render_naskah(layout, context), layout, context
    except RenderError as error:
        logger.warning("final letter %s could not be laid out: %s", locked.pk, error)
        raise ApplicationError(
            _(
                "The final letter could not be laid out, so it was not signed. "
                "The administrator can find the reason in the server log."
            ),
            code="render_failed",
        ) from error


def _pertinggal_source(pdf: bytes, layout: dict, context: dict, rows: list[dict]) -> bytes:
    """The file copy before sealing: the letter as sent plus the paraf page."""
    from naskah.rendering import RenderError, append_pdf, render_paraf_page

    # The page is part of the official document: Indonesian, whatever the UI language.
    note = (
        "Pertinggal naskah dinas yang ditandatangani secara elektronik; tidak dikirim kepada "
        "penerima. Paraf di atas tercatat pada revisi yang ditandatangani."
    )
    try:
        page = render_paraf_page(layout, context, rows, note=note)
    except RenderError as error:
        raise ApplicationError(
            _("The final letter could not be laid out: %(error)s") % {"error": error},
            code="render_failed",
        ) from error
    return append_pdf(pdf, page)


def _complete_route(locked: Naskah, signer: Pegawai, route, state_id: int | None) -> None:
    """Approve the route's signature step (the route completes). `route`: the letter's open
    route, locked at the start of the signing transaction; `state_id`: its waiting
    signature step as the paraf check under that lock found it."""
    from workflows import services as alur
    from workflows.models import StepState
    from workflows.step_kinds import SIGNATURE_KINDS

    if route is None:
        raise ConflictError(_("The letter's approval route is not open."), code="no_route")
    if state_id is None:
        state_id = (
            StepState.objects.filter(
                route=route, status=StepState.Status.ACTIVE, kind__in=SIGNATURE_KINDS
            )
            .values_list("pk", flat=True)
            .first()
        )
    if state_id is None:
        raise ConflictError(_("The route is not waiting for the signature."), code="no_route")
    # The engine locks the route again (already ours) and reads the step under the lock.
    alur.step_approve(
        step_state=StepState(pk=state_id, route_id=route.pk),
        actor=signer,
        revision=str(locked.revisi_terakhir),
    )


@sensitive_variables("passphrase", "totp", "secret", "key", "opened")
def naskah_sign(
    *,
    naskah: Naskah,
    signer: Pegawai,
    passphrase: str | None = None,
    totp: str | None = None,
    key: UnlockedKey | None = None,
) -> DokumenTersegel:
    """Sign the letter's next signature (module docstring). Give the passphrase (or, where
    the signer signs through BSrE with TOTP, the TOTP code), or an already unlocked key
    (batch signing). The credential is used for this call only. Returns the new sealed
    version."""
    from signing.services import signer_credential, signer_unlock

    if key is not None and (passphrase is not None or totp is not None):
        raise ApplicationError(_("Enter your signing passphrase."), code="no_passphrase")
    # The signer's unit and its parent: the numbering unit and the letterhead walk up from
    # there; the signing record: whether this is the first signature.
    fresh = Naskah.objects.select_related("jenis", "penandatangan__unit__induk", "unit", "tte").get(
        pk=naskah.pk
    )
    if key is not None:
        # Batch: the key is already open, so the full check runs once, under the lock.
        first = getattr(fresh, "tte", None) is None
        buku = buku_for(naskah=fresh, actor=signer) if first else None
        return _sign_locked(fresh.pk, signer, key, buku)
    # Single letter: check before the slow unlock, so a letter that cannot be signed
    # costs no scrypt run.
    plan = naskah_sign_check(naskah=fresh, signer=signer)
    buku = buku_for(naskah=fresh, actor=signer) if plan.first else None
    secret, kind = signer_credential(signer=signer, passphrase=passphrase, totp=totp)
    with signer_unlock(signer=signer, passphrase=secret, credential_kind=kind) as opened:
        return _sign_locked(fresh.pk, signer, opened, buku)


@sensitive_variables("key")
def _sign_locked(naskah_pk: int, signer: Pegawai, key: UnlockedKey, buku) -> DokumenTersegel:
    from naskah.selectors.approval import naskah_route_open
    from naskah.services.seri_nomor import seri_kode_unit
    from penomoran.services import nomor_allocate
    from signing.services import pdf_sign

    written: list[str] = []
    try:
        with transaction.atomic():
            # Lock order: route, then letter. Both are held to the end, so what is read from
            # them below is passed on rather than read again.
            route = naskah_route_open(Naskah(pk=naskah_pk), lock=True)
            locked = (
                Naskah.objects.select_for_update(of=("self",))
                .select_related(
                    "jenis", "penandatangan__unit__induk", "unit", "kode_klasifikasi", "tte"
                )
                .get(pk=naskah_pk)
            )
            plan = naskah_sign_check(naskah=locked, signer=signer, route=route)
            today = office_today()
            holder = plan.holder
            if plan.first:
                if buku is None:
                    raise ConflictError(_("Reload the page and sign again."), code="stale")
                from penomoran.formats import sifat_prefix_for

                record = NaskahTTE(
                    naskah=locked,
                    token=new_token(),
                    revisi=locked.revisi_terakhir,
                    jumlah_penandatangan=plan.total,
                    selesai=plan.total == 1,  # a single signature completes the record at once
                )
                # The number, as late as possible (the counter stays locked until commit).
                nomor = nomor_allocate(
                    buku=buku,
                    kode_klasifikasi=locked.kode_klasifikasi.kode,
                    tanggal=today,
                    sifat=sifat_prefix_for(locked.klasifikasi_keamanan)
                    if "{sifat}" in buku.format
                    else "",
                    object_type="naskah.naskah",
                    object_id=locked.pk,
                    actor=signer,
                    kode_unit=seri_kode_unit(locked, buku),
                )
                record.nomor = nomor
                record.save()
                # Written to the letter row with its new status below (same transaction).
                locked.nomor, locked.tanggal = nomor.teks, nomor.tanggal
                source, layout, context = _render_final(locked, record, plan, key)
                rows = paraf_chain(route, str(locked.revisi_terakhir))
                pertinggal_source = _pertinggal_source(source, layout, context, rows)
            else:
                record = NaskahTTE.objects.select_for_update().get(naskah=locked)
                previous = record.dokumen_terakhir()
                source = storage_read(previous.berkas.name)
                if hashlib.sha256(source).hexdigest() != previous.sha256:
                    raise ApplicationError(
                        _("The stored sealed file does not match its hash; signing stopped."),
                        code="stored_file_changed",
                    )
                # The file copy carries every signature too (none before this feature).
                copy = record.pertinggal_terakhir()
                pertinggal_source, rows = None, []
                if copy is not None:
                    pertinggal_source = sealed_bytes(copy)
                    if hashlib.sha256(pertinggal_source).hexdigest() != copy.sha256:
                        raise ApplicationError(
                            _("The stored sealed file does not match its hash; signing stopped."),
                            code="stored_file_changed",
                        )
                    rows = [None] * copy.jumlah_paraf
            found = pdf_active_content(source)
            if found:  # invariant 10: nothing active is ever sealed (lampiran are cleaned)
                raise ApplicationError(
                    _("The letter's PDF contains active content (%(items)s); signing stopped.")
                    % {"items": findings_summary(found)},
                    code="active_content",
                )
            result = pdf_sign(
                pdf=source,
                signer=signer,
                credential=key,
                field_name=f"TTE_{plan.urutan}",
                reason=_("Electronic signature of an official letter"),
                location=settings.NASKAH_KOTA,
            )
            name = _store(result.pdf, written)
            dokumen = DokumenTersegel(
                tte=record,
                urutan=plan.urutan,
                sha256=result.sha256,
                ukuran=len(result.pdf),
                penandatangan=signer,
                jabatan=plan.jabatan,
                kapasitas=holder.jenis,
                field_name=result.field_name,
                signed_at=result.signed_at,
                timestamped=result.timestamped,
                sertifikat_serial=result.certificate.serial_hex[:80],
                sertifikat_subjek=str(result.certificate.subject)[:400],
            )
            dokumen.berkas.name = name
            dokumen.save()
            pertinggal = None
            if pertinggal_source is not None:
                sealed_copy = pdf_sign(
                    pdf=pertinggal_source,
                    signer=signer,
                    credential=key,
                    field_name=f"TTE_{plan.urutan}",
                    reason=_("Electronic signature of an official letter"),
                    location=settings.NASKAH_KOTA,
                )
                pertinggal = PertinggalTersegel(
                    tte=record,
                    urutan=plan.urutan,
                    sha256=sealed_copy.sha256,
                    ukuran=len(sealed_copy.pdf),
                    penandatangan=signer,
                    signed_at=sealed_copy.signed_at,
                    jumlah_paraf=len(rows),
                )
                pertinggal.berkas.name = _store(sealed_copy.pdf, written, folder="pertinggal")
                pertinggal.save()
            if plan.first:
                _complete_route(locked, signer, route, plan.signature_state_id)
            last = plan.urutan == plan.total
            if last and not record.selesai:
                NaskahTTE.objects.filter(pk=record.pk).update(selesai=True)
            letter = {
                "status": Naskah.Status.DITANDATANGANI if last else Naskah.Status.SIAP_TANDATANGAN,
                "updated_at": timezone.now(),
            }
            if plan.first:
                letter.update(nomor=locked.nomor, tanggal=locked.tanggal)
            Naskah.objects.filter(pk=locked.pk).update(**letter)
            audit_record(
                actor=signer,
                action=NASKAH_SIGN,
                obj=locked,
                object_repr=f"{locked.jenis.nama} {record.nomor.teks}",
                details={
                    "nomor": record.nomor.teks,
                    "revisi": locked.revisi_terakhir,
                    "urutan": plan.urutan,
                    "dari": plan.total,
                    "jabatan": plan.jabatan.pk,
                    "kapasitas": holder.jenis,
                    "sha256": result.sha256,
                    "pertinggal_sha256": pertinggal.sha256 if pertinggal else "",
                    "field": result.field_name,
                    "timestamped": result.timestamped,
                },
            )
            if last:
                _enqueue_dispatch(locked.pk)
    except BaseException:
        # No row refers to them (their signature, number and audit event rolled back); a
        # retry writes them again. A process that dies here leaves its pending file to
        # storage_sweep: it was never published.
        storage_remove(written, after="a failed signature")
        raise
    return dokumen


def _enqueue_dispatch(naskah_pk: int) -> None:
    """Dispatch once the signing transaction commits (the queue row commits with it)."""
    from core.services.queue import task_enqueue

    task_enqueue("naskah.tasks.naskah_dispatch_task", naskah_pk, task_name=f"dispatch-{naskah_pk}")


def sealed_bytes(dokumen) -> bytes:
    """The stored bytes of a sealed version (DokumenTersegel or PertinggalTersegel)."""
    return storage_read(dokumen.berkas.name)


__all__ = [
    "buku_for",
    "naskah_sign",
    "sealed_bytes",
]
