"""Drafting services: create a letter, save a new revision, set recipients, add and remove
lampiran. Each runs in one transaction and ends with its audit event; a failed check
raises an ApplicationError and changes nothing."""

from __future__ import annotations

import hashlib
import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Jabatan, KodeKlasifikasi, Pegawai
from core.selectors.organisasi import pegawai_primary_unit
from core.services.audit import audit_record
from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.events import (
    NASKAH_CREATE,
    NASKAH_LAMPIRAN_ADD,
    NASKAH_LAMPIRAN_REMOVE,
    NASKAH_PENERIMA_SET,
    NASKAH_UPDATE,
)
from naskah.fields import body_max_chars
from naskah.markup import validate_blocks
from naskah.models import (
    JenisNaskah,
    Lampiran,
    Naskah,
    NaskahRevisi,
    Penerima,
    lampiran_max_bytes,
    lampiran_max_pages,
)
from naskah.selectors.drafting import Draft, _message, draft_check

logger = logging.getLogger(__name__)

# The note of a revision the form's autosave made (naskah.services.autosave); stored text,
# like the other notes, in the letters' language.
AUTOSAVE_CATATAN = "Tersimpan otomatis"


# --- Recipients ---------------------------------------------------------------------------------


def _penerima_store(naskah: Naskah, snapshot: list[dict]) -> None:
    naskah.penerima.all().delete()
    counters = {"tujuan": 0, "tembusan": 0}
    rows = []
    for snap in snapshot:
        counters[snap["jenis"]] += 1
        rows.append(
            Penerima(
                naskah=naskah,
                jenis=snap["jenis"],
                urutan=counters[snap["jenis"]],
                unit_id=snap["unit_id"],
                jabatan_id=snap["jabatan_id"],
                pegawai_id=snap["pegawai_id"],
                nama=snap["nama"],
                alamat=snap["alamat"],
                email=snap["email"],
                keterangan=snap["keterangan"],
                label=snap["label"],
            )
        )
    Penerima.objects.bulk_create(rows)


# --- Header and content -------------------------------------------------------------------------


def _revision_create(*, naskah: Naskah, actor: Pegawai, draft: Draft, nomor: int, catatan=""):
    try:
        with transaction.atomic():
            return NaskahRevisi.objects.create(
                naskah=naskah,
                nomor=nomor,
                dibuat_oleh=actor,
                catatan=catatan[:255],
                header=draft.header,
                fields=draft.fields,
                body=draft.body,
                penerima=draft.penerima,
                lampiran=draft.lampiran,
            )
    except IntegrityError:
        raise ConflictError(
            _("Someone saved this letter at the same time. Reload it and try again."),
            extra={"naskah": naskah.pk},
        ) from None


def _mirror(draft: Draft) -> dict:
    return {
        "hal": draft.header["hal"],
        "urgensi": draft.header["urgensi"],
        "klasifikasi_keamanan": draft.header["klasifikasi_keamanan"],
        "kode_klasifikasi_id": draft.header["kode_klasifikasi_id"],
        "penandatangan_id": draft.header["penandatangan_id"],
        "mandat": draft.header["mandat"],
        "tempat": draft.header["tempat"],
    }


@transaction.atomic
def naskah_create(
    *,
    actor: Pegawai,
    jenis: JenisNaskah,
    penandatangan: Jabatan,
    hal: str,
    body: list,
    fields: dict | None = None,
    penerima: list[dict] | None = None,
    mandat: str = "",
    urgensi: str = Urgensi.BIASA,
    klasifikasi_keamanan: str = KlasifikasiKeamanan.BIASA,
    kode_klasifikasi: KodeKlasifikasi | None = None,
    tempat: str = "",
    otomatis: bool = False,
) -> Naskah:
    """Create a draft with its first revision. A draft may still be incomplete (required
    typed fields, body): submission checks that. `otomatis`: made by the form's autosave
    (the revision's note and the audit event say so); such a draft may have no subject
    yet."""
    unit = pegawai_primary_unit(actor)
    if unit is None:
        raise PermissionDeniedError(_("You hold no position, so you cannot draft letters."))
    draft = draft_check(
        jenis=jenis,
        penandatangan=penandatangan,
        mandat=mandat,
        hal=hal,
        urgensi=urgensi,
        klasifikasi_keamanan=klasifikasi_keamanan,
        kode_klasifikasi=kode_klasifikasi or jenis.kode_klasifikasi_default,
        tempat=tempat,
        fields=fields or {},
        body=body,
        penerima=penerima or [],
        lampiran=[],
        complete=False,
        hal_required=not otomatis,
    )
    naskah = Naskah.objects.create(
        jenis=jenis, unit=unit, konseptor=actor, revisi_terakhir=1, **_mirror(draft)
    )
    _revision_create(
        naskah=naskah,
        actor=actor,
        draft=draft,
        nomor=1,
        catatan=AUTOSAVE_CATATAN if otomatis else "",
    )
    _penerima_store(naskah, draft.penerima)
    details = {"jenis": jenis.kode, "revisi": 1}
    if otomatis:
        details["otomatis"] = True
    audit_record(actor=actor, action=NASKAH_CREATE, obj=naskah, details=details)
    return naskah


def _lock_for_change(*, actor: Pegawai, naskah: Naskah, expected_revisi: int) -> Naskah:
    locked = (
        Naskah.objects.select_for_update(of=("self",)).select_related("jenis").get(pk=naskah.pk)
    )
    if locked.konseptor_id != actor.pk:
        raise PermissionDeniedError(_("Only the drafter may change this letter."))
    if locked.status not in Naskah.EDITABLE_STATUSES:
        raise ApplicationError(_("Only a draft can be changed."), code="not_draft")
    if locked.revisi_terakhir != expected_revisi:
        raise ConflictError(
            _(
                "This letter was changed (revision %(current)d) after you opened revision "
                "%(yours)d. Nothing was saved; reload to see the latest version."
            )
            % {"current": locked.revisi_terakhir, "yours": expected_revisi},
            extra={"current": locked.revisi_terakhir, "expected": expected_revisi},
        )
    return locked


def _save_revision(
    *, actor: Pegawai, locked: Naskah, draft: Draft, expected_revisi: int, catatan: str
) -> NaskahRevisi | None:
    """Store a new revision unless nothing changed. Returns None when unchanged."""
    latest = locked.revisi.get(nomor=expected_revisi)
    if (
        latest.header == draft.header
        and latest.fields == draft.fields
        and latest.body == draft.body
        and latest.penerima == draft.penerima
        and latest.lampiran == draft.lampiran
    ):
        return None
    nomor = expected_revisi + 1
    revisi = _revision_create(naskah=locked, actor=actor, draft=draft, nomor=nomor, catatan=catatan)
    updated = Naskah.objects.filter(pk=locked.pk, revisi_terakhir=expected_revisi).update(
        revisi_terakhir=nomor, **_mirror(draft)
    )
    if updated != 1:
        raise ConflictError(_("Someone saved this letter at the same time. Nothing was saved."))
    if latest.penerima != draft.penerima:
        _penerima_store(locked, draft.penerima)
    return revisi


def _draft_from_revision(naskah: Naskah, revisi: NaskahRevisi, **changes) -> Draft:
    header = revisi.header
    values = {
        "jenis": naskah.jenis,
        "penandatangan": Jabatan.objects.get(pk=header["penandatangan_id"]),
        "mandat": header["mandat"],
        "hal": header["hal"],
        "urgensi": header["urgensi"],
        "klasifikasi_keamanan": header["klasifikasi_keamanan"],
        "kode_klasifikasi": KodeKlasifikasi.objects.filter(
            pk=header.get("kode_klasifikasi_id")
        ).first(),
        "tempat": header.get("tempat", ""),
        "fields": revisi.fields,
        "body": revisi.body,
        "penerima": revisi.penerima,
        "lampiran": list(revisi.lampiran),
        "complete": False,
    }
    values.update(changes)
    return draft_check(**values)


@transaction.atomic
def naskah_update(
    *,
    actor: Pegawai,
    naskah: Naskah,
    expected_revisi: int,
    penandatangan: Jabatan,
    hal: str,
    body: list,
    fields: dict | None = None,
    penerima: list[dict] | None = None,
    mandat: str = "",
    urgensi: str = Urgensi.BIASA,
    klasifikasi_keamanan: str = KlasifikasiKeamanan.BIASA,
    kode_klasifikasi: KodeKlasifikasi | None = None,
    tempat: str = "",
    catatan: str = "",
) -> NaskahRevisi:
    """Save an edit as a new revision. `expected_revisi` is the revision the form was
    loaded from; if the letter moved on since, ConflictError and nothing is saved."""
    locked = _lock_for_change(actor=actor, naskah=naskah, expected_revisi=expected_revisi)
    latest = locked.revisi.get(nomor=expected_revisi)
    draft = draft_check(
        jenis=locked.jenis,
        penandatangan=penandatangan,
        mandat=mandat,
        hal=hal,
        urgensi=urgensi,
        klasifikasi_keamanan=klasifikasi_keamanan,
        kode_klasifikasi=kode_klasifikasi,
        tempat=tempat,
        fields=fields or {},
        body=body,
        penerima=penerima if penerima is not None else latest.penerima,
        lampiran=list(latest.lampiran),
        complete=False,
    )
    revisi = _save_revision(
        actor=actor, locked=locked, draft=draft, expected_revisi=expected_revisi, catatan=catatan
    )
    if revisi is None:
        return latest
    audit_record(actor=actor, action=NASKAH_UPDATE, obj=locked, details={"revisi": revisi.nomor})
    return revisi


@transaction.atomic
def penerima_set(
    *, actor: Pegawai, naskah: Naskah, expected_revisi: int, penerima: list[dict]
) -> NaskahRevisi:
    """Replace the addressees and copies (a new revision)."""
    locked = _lock_for_change(actor=actor, naskah=naskah, expected_revisi=expected_revisi)
    latest = locked.revisi.get(nomor=expected_revisi)
    draft = _draft_from_revision(locked, latest, penerima=penerima)
    revisi = _save_revision(
        actor=actor, locked=locked, draft=draft, expected_revisi=expected_revisi, catatan=""
    )
    if revisi is None:
        return latest
    audit_record(
        actor=actor,
        action=NASKAH_PENERIMA_SET,
        obj=locked,
        details={"revisi": revisi.nomor, "jumlah": len(draft.penerima)},
    )
    return revisi


# --- Lampiran -----------------------------------------------------------------------------------


def lampiran_pdf_check(data: bytes) -> tuple[bytes, int]:
    """Check uploaded bytes are a real, readable, unencrypted PDF within the page limit.
    Returns the PDF without active content, rewritten by pypdf (normalised for later
    merging), and its page count."""
    pdf, pages, _removed = lampiran_pdf_clean(data)
    return pdf, pages


def lampiran_pdf_clean(data: bytes) -> tuple[bytes, int, dict[str, int]]:
    """lampiran_pdf_check, also returning what active content was removed ({kind: count},
    core.pdfsafe): scripts, actions, embedded files and external links never reach the
    stored file, so neither the sealed letter nor its e-mail can carry them."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError, PyPdfError

    from core.pdfsafe import pdf_active_content, pdf_sanitize

    max_bytes = lampiran_max_bytes()
    if len(data) > max_bytes:
        raise ApplicationError(
            _("The file is too large (%(size)s MB; at most %(max)s MB).")
            % {"size": f"{len(data) / 1048576:.1f}", "max": f"{max_bytes / 1048576:g}"},
            code="too_large",
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise ApplicationError(_("The file is not a PDF."), code="not_pdf")
    # Active content is removed from the upload as received (so the report to the user is
    # complete); the page checks and the pypdf rewrite then work on the cleaned copy.
    cleaned = pdf_sanitize(data)
    try:
        reader = PdfReader(io.BytesIO(cleaned.data), strict=False)
        if reader.is_encrypted:
            raise ApplicationError(
                _("The PDF is password-protected or encrypted. Upload an unprotected copy."),
                code="encrypted",
            )
        pages = len(reader.pages)
        if pages == 0:
            raise ApplicationError(_("The PDF has no pages."), code="broken")
        if pages > lampiran_max_pages():
            raise ApplicationError(
                _("The PDF has %(n)d pages; at most %(max)d are allowed.")
                % {"n": pages, "max": lampiran_max_pages()},
                code="too_many_pages",
            )
        writer = PdfWriter()
        for page in reader.pages:
            page.get_contents()
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except ApplicationError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.info("lampiran refused: unreadable PDF (%s)", exc)
        raise ApplicationError(
            _("The PDF is damaged and cannot be read. Save it again and re-upload it."),
            code="broken",
        ) from None
    result = out.getvalue()
    # The rewritten file must itself open: a last guard against half-broken structures.
    try:
        if len(PdfReader(io.BytesIO(result)).pages) != pages:
            raise ValueError("page count changed")
    except (PdfReadError, PyPdfError, ValueError) as exc:
        logger.info("lampiran refused: rewrite failed (%s)", exc)
        raise ApplicationError(
            _("The PDF is damaged and cannot be read. Save it again and re-upload it."),
            code="broken",
        ) from None
    if pdf_active_content(result):  # last guard: what is stored is checked, not assumed
        raise ApplicationError(
            _("The PDF contains active content that could not be removed; it was refused."),
            code="active_content",
        )
    return result, pages, cleaned.removed


def _read_upload(berkas) -> bytes:
    """Read an uploaded file, refusing it before reading when it is already too big."""
    limit = lampiran_max_bytes()
    size = getattr(berkas, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(
            _("The file is too large (%(size)s MB; at most %(max)s MB).")
            % {"size": f"{size / 1048576:.1f}", "max": f"{limit / 1048576:g}"},
            code="too_large",
        )
    berkas.seek(0)
    data = berkas.read(limit + 1)
    return data


def lampiran_add(
    *,
    actor: Pegawai,
    naskah: Naskah,
    expected_revisi: int,
    judul: str,
    berkas=None,
    body: list | None = None,
) -> Lampiran:
    """Attach an uploaded PDF (`berkas`) or typed pages (`body`); a new revision."""
    judul = (judul or "").strip()
    if not judul:
        raise ApplicationError(_("The attachment needs a title."), code="invalid")
    if len(judul) > 255:
        raise ApplicationError(_("The attachment title is too long."), code="invalid")
    if (berkas is None) == (body is None):
        raise ApplicationError(_("Attach either a PDF file or typed pages."), code="invalid")
    pdf, pages, digest, removed = b"", 0, "", {}
    if berkas is not None:
        pdf, pages, removed = lampiran_pdf_clean(_read_upload(berkas))
        digest = hashlib.sha256(pdf).hexdigest()
    else:
        try:
            body = validate_blocks(body, max_chars=body_max_chars())
        except ValidationError as exc:
            raise ApplicationError(_message(exc), code="invalid") from None
        if not body:
            raise ApplicationError(_("The typed attachment is empty."), code="invalid")
    stored_name = None
    try:
        with transaction.atomic():
            locked = _lock_for_change(actor=actor, naskah=naskah, expected_revisi=expected_revisi)
            latest = locked.revisi.get(nomor=expected_revisi)
            lampiran = Lampiran(
                naskah=locked,
                jenis=Lampiran.Jenis.BERKAS if berkas is not None else Lampiran.Jenis.HALAMAN,
                judul=judul,
                body=body or [],
                nama_berkas=(getattr(berkas, "name", "") or "")[:255],
                ukuran=len(pdf),
                jumlah_halaman=pages,
                sha256=digest,
                ditambahkan_oleh=actor,
            )
            if berkas is not None:
                lampiran.berkas.save("lampiran.pdf", ContentFile(pdf), save=False)
                stored_name = lampiran.berkas.name
            lampiran.save()
            draft = _draft_from_revision(locked, latest, lampiran=[*latest.lampiran, lampiran.pk])
            revisi = _save_revision(
                actor=actor,
                locked=locked,
                draft=draft,
                expected_revisi=expected_revisi,
                catatan="",
            )
            audit_record(
                actor=actor,
                action=NASKAH_LAMPIRAN_ADD,
                obj=locked,
                details={
                    "revisi": revisi.nomor,
                    "lampiran": lampiran.pk,
                    "jenis": lampiran.jenis,
                    "sha256": digest,
                    "halaman": pages,
                    "konten_aktif_dihapus": removed,
                },
            )
    except BaseException:
        if stored_name:
            _delete_file_quietly(stored_name)
        raise
    # Not stored on the row: what was removed is told to the uploader now and kept in the
    # audit event above.
    lampiran.konten_aktif_dihapus = removed
    return lampiran


def _delete_file_quietly(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("could not remove orphan lampiran file %s", name)


@transaction.atomic
def lampiran_remove(
    *, actor: Pegawai, naskah: Naskah, expected_revisi: int, lampiran: Lampiran
) -> NaskahRevisi:
    """Drop an attachment from the letter (a new revision). The file stays for the
    earlier revisions that list it."""
    locked = _lock_for_change(actor=actor, naskah=naskah, expected_revisi=expected_revisi)
    latest = locked.revisi.get(nomor=expected_revisi)
    if lampiran.naskah_id != locked.pk or lampiran.pk not in latest.lampiran:
        raise ApplicationError(_("This attachment is not part of the letter."), code="invalid")
    draft = _draft_from_revision(
        locked, latest, lampiran=[pk for pk in latest.lampiran if pk != lampiran.pk]
    )
    revisi = _save_revision(
        actor=actor, locked=locked, draft=draft, expected_revisi=expected_revisi, catatan=""
    )
    Lampiran.objects.filter(pk=lampiran.pk).update(dihapus=True)
    audit_record(
        actor=actor,
        action=NASKAH_LAMPIRAN_REMOVE,
        obj=locked,
        details={"revisi": revisi.nomor, "lampiran": lampiran.pk},
    )
    return revisi
