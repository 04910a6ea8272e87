"""Drafting services: create a letter, save a new revision, set recipients, add and remove
lampiran. Each runs in one transaction and ends with its audit event; a failed check
raises an ApplicationError and changes nothing."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.clock import office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Jabatan, KodeKlasifikasi, Pegawai, UnitKerja
from core.selectors.organisasi import pegawai_primary_unit, unit_head
from core.services.audit import audit_record
from core.validators import has_line_break
from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.events import (
    NASKAH_CREATE,
    NASKAH_LAMPIRAN_ADD,
    NASKAH_LAMPIRAN_REMOVE,
    NASKAH_PENERIMA_SET,
    NASKAH_UPDATE,
)
from naskah.fields import body_max_chars, clean_values
from naskah.markup import validate_blocks
from naskah.models import (
    JenisNaskah,
    Lampiran,
    Mandat,
    Naskah,
    NaskahRevisi,
    Penerima,
    lampiran_max_bytes,
    lampiran_max_pages,
)
from naskah.selectors.kewenangan import jenis_allows_signer, signer_problem

logger = logging.getLogger(__name__)

# The note of a revision the form's autosave made (naskah.services.autosave); stored text,
# like the other notes, in the letters' language.
AUTOSAVE_CATATAN = "Tersimpan otomatis"


def _message(exc: ValidationError, schema: list[dict] | None = None) -> str:
    """One readable line; a typed field is named by its label, never by its key."""
    if hasattr(exc, "error_dict"):
        labels = {spec["name"]: spec.get("label") or spec["name"] for spec in schema or []}
        parts = []
        for key, messages in exc.message_dict.items():
            text = " ".join(messages)
            label = labels.get(key, "")
            parts.append(text if not label or text.startswith(label) else f"{label}: {text}")
        return "; ".join(parts)
    return " ".join(exc.messages)


# --- Recipients ---------------------------------------------------------------------------------


def penerima_resolve(rows: list[dict]) -> list[dict]:
    """Check recipient specs and return their snapshot form (with display labels).

    A spec: {"jenis": "tujuan"|"tembusan", and one of "unit_id", "jabatan_id", "pegawai_id"
    or "nama" (+ "alamat", "email"), optional "keterangan"}."""
    if not isinstance(rows, list):
        raise ApplicationError(_("Recipients must be a list."), code="invalid")
    out: list[dict] = []
    seen: set[tuple] = set()
    for row in rows:
        if not isinstance(row, dict) or row.get("jenis") not in Penerima.Jenis.values:
            raise ApplicationError(_("Each recipient must be an addressee or a copy."))
        targets = [k for k in ("unit_id", "jabatan_id", "pegawai_id") if row.get(k)]
        nama = str(row.get("nama") or "").strip()
        if len(targets) + (1 if nama else 0) != 1:
            raise ApplicationError(
                _("A recipient is a unit, a position, a person or an external name.")
            )
        snap = {
            "jenis": row["jenis"],
            "unit_id": None,
            "jabatan_id": None,
            "pegawai_id": None,
            "nama": "",
            "alamat": str(row.get("alamat") or "").strip()[:255],
            "email": str(row.get("email") or "").strip()[:254],
            "keterangan": str(row.get("keterangan") or "").strip()[:120],
        }
        if targets:
            key = targets[0]
            try:
                pk = int(row[key])
            except (TypeError, ValueError):
                raise ApplicationError(_("Unknown recipient.")) from None
            model = {"unit_id": UnitKerja, "jabatan_id": Jabatan, "pegawai_id": Pegawai}[key]
            obj = model.objects.filter(pk=pk).first()
            if obj is None:
                raise ApplicationError(_("Unknown recipient."))
            snap[key] = pk
            if isinstance(obj, Pegawai):
                label = obj.nama_lengkap
            elif isinstance(obj, UnitKerja):
                # A letter to a unit is addressed to its head ("Yth. Kepala Dinas ...").
                head = unit_head(obj)
                label = head.nama if head is not None else obj.nama
            else:
                label = obj.nama
        else:
            if len(nama) > 255:
                raise ApplicationError(_("The external recipient's name is too long."))
            if snap["email"]:
                from django.core.validators import validate_email

                try:
                    validate_email(snap["email"])
                except ValidationError:
                    raise ApplicationError(
                        _("%(email)s is not a valid e-mail address.") % {"email": snap["email"]}
                    ) from None
            snap["nama"] = nama
            label = nama
        snap["label"] = label[:400]
        identity = (snap["jenis"], snap["unit_id"], snap["jabatan_id"], snap["pegawai_id"], nama)
        if identity in seen:
            continue
        seen.add(identity)
        out.append(snap)
    return out


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


@dataclass
class Draft:
    """Everything a revision holds, checked."""

    header: dict
    fields: dict
    body: list
    penerima: list
    lampiran: list


def draft_check(
    *,
    jenis: JenisNaskah,
    penandatangan: Jabatan,
    mandat: str,
    hal: str,
    urgensi: str,
    klasifikasi_keamanan: str,
    kode_klasifikasi: KodeKlasifikasi | None,
    tempat: str,
    fields: dict,
    body: list,
    penerima: list[dict],
    lampiran: list[int],
    complete: bool = True,
    hal_required: bool = True,
) -> Draft:
    """Validate a draft's content against its type; raise ApplicationError on the first
    problem. Pure checks: nothing is written.

    `complete=False` (a draft being written: save, autosave, preview) lets required typed
    fields and the body still be empty; every value given is checked all the same.
    Submission checks completeness (naskah.services.periksa) before anyone signs.

    `hal_required=False` (autosave only) keeps a draft whose subject is not written yet,
    so that nothing typed before it is lost; saving by hand, submitting and signing still
    need it (`naskah_content_problems`)."""
    if not jenis.aktif:
        raise ApplicationError(_("This letter type is not in use."), code="invalid")
    hal = _checked_header(
        hal=hal,
        hal_required=hal_required,
        urgensi=urgensi,
        klasifikasi_keamanan=klasifikasi_keamanan,
        mandat=mandat,
    )
    # The authority matrix, and for a.n./u.b. a delegation in force today (the signing
    # service checks again on the signing date, under its lock).
    problem = signer_problem(jenis=jenis, jabatan=penandatangan, mandat=mandat, on=office_today())
    if problem is not None:
        raise ApplicationError(problem[1], code=problem[0])
    if kode_klasifikasi is not None and not kode_klasifikasi.aktif:
        raise ApplicationError(_("This classification code is not in use."))
    try:
        fields = clean_values(jenis.fields_schema, fields or {}, require=complete)
        body = validate_blocks(body or [], max_chars=body_max_chars())
    except ValidationError as exc:
        raise ApplicationError(_message(exc, jenis.fields_schema), code="invalid") from None
    _check_other_signers(jenis, penandatangan, fields)
    content_fields = any(
        spec.get("required") and spec["type"] in {"blocks", "diktum", "lines"}
        for spec in jenis.fields_schema
    )
    if complete and not body and not content_fields:
        raise ApplicationError(_("The letter body is empty."), code="invalid")
    snapshot = penerima_resolve(penerima or [])
    header = {
        "hal": hal,
        "urgensi": urgensi,
        "klasifikasi_keamanan": klasifikasi_keamanan,
        "kode_klasifikasi_id": kode_klasifikasi.pk if kode_klasifikasi else None,
        "kode_klasifikasi": kode_klasifikasi.kode if kode_klasifikasi else "",
        "penandatangan_id": penandatangan.pk,
        "penandatangan": penandatangan.nama,
        "mandat": mandat,
        "tempat": (tempat or "").strip()[:100],
    }
    return Draft(header=header, fields=fields, body=body, penerima=snapshot, lampiran=lampiran)


def _checked_header(
    *, hal: str, hal_required: bool, urgensi: str, klasifikasi_keamanan: str, mandat: str
) -> str:
    """draft_check's checks of the header's own values; returns the subject, stripped."""
    hal = (hal or "").strip()
    if not hal and hal_required:
        raise ApplicationError(_("The subject (hal) is required."), code="invalid")
    if len(hal) > 500:
        raise ApplicationError(_("The subject (hal) is too long."), code="invalid")
    if has_line_break(hal):
        raise ApplicationError(
            _("The subject must be a single line; remove the line break."), code="invalid"
        )
    if urgensi not in Urgensi.values:
        raise ApplicationError(_("Unknown urgency."), code="invalid")
    if klasifikasi_keamanan not in KlasifikasiKeamanan.values:
        raise ApplicationError(_("Unknown security classification."), code="invalid")
    if mandat not in Mandat.values:
        raise ApplicationError(_("Unknown mandate."), code="invalid")
    return hal


def _check_other_signers(jenis: JenisNaskah, penandatangan: Jabatan, fields: dict) -> None:
    """The co-signers listed in the type's "signers" fields: allowed by the type, each a
    position that may sign it, and not the main signer again."""
    signers = [
        row
        for spec in jenis.fields_schema
        if spec["type"] == "signers"
        for row in fields.get(spec["name"], [])
    ]
    if signers and not jenis.multi_penandatangan:
        raise ApplicationError(_("This letter type has a single signer."))
    if any(row["jabatan_id"] == penandatangan.pk for row in signers):
        raise ApplicationError(_("The main signer is listed again among the other signers."))
    for row in signers:
        other = Jabatan.objects.filter(pk=row["jabatan_id"]).first()
        if other is None or not jenis_allows_signer(jenis, other):
            raise ApplicationError(
                _("%(jabatan)s may not sign a %(jenis)s.")
                % {"jabatan": other.nama if other else "?", "jenis": jenis.nama},
                code="signer_not_allowed",
            )


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
