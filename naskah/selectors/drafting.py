"""Reads for the drafting screens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.clock import office_today
from core.errors import ApplicationError
from core.models import Jabatan, KodeKlasifikasi, Pegawai, UnitKerja
from core.selectors.organisasi import jabatan_superior_chain, pegawai_assignments_on, unit_head
from core.validators import has_line_break
from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.fields import body_max_chars, clean_values
from naskah.markup import validate_blocks
from naskah.models import JenisNaskah, Lampiran, Mandat, Naskah, NaskahRevisi, Penerima
from naskah.permissions import naskah_visible_to
from naskah.selectors.kewenangan import (
    jenis_allows_signer,
    signer_options,
    signer_problem,
)


def naskah_drafts_for_user(user: Pegawai) -> QuerySet[Naskah]:
    return (
        naskah_visible_to(user)
        .filter(konseptor=user, status__in=Naskah.EDITABLE_STATUSES)
        .select_related("jenis", "penandatangan")
        .order_by("-updated_at")
    )


def jenis_naskah_active() -> QuerySet[JenisNaskah]:
    return JenisNaskah.objects.filter(aktif=True).order_by("urutan", "nama")


def signer_choices(jenis: JenisNaskah, user: Pegawai, on: dt.date | None = None) -> list[Jabatan]:
    """Positions that may sign this type on the date (the authority matrix, and for a.n./
    u.b. a delegation in force); the user's own line of superiors first. Each carries
    `mandat_options`: the forms it may sign in ("" own right, "an", "ub")."""
    options = signer_options(jenis, on or office_today())
    candidates = list(
        Jabatan.objects.filter(pk__in=options, aktif=True)
        .select_related("unit", "atasan__atasan")
        .order_by("unit__path")
    )
    for jabatan in candidates:
        jabatan.mandat_options = options[jabatan.pk]
    near: list[int] = []
    for row in pegawai_assignments_on(user):
        near.append(row.jabatan_id)
        near.extend(j.pk for j in jabatan_superior_chain(row.jabatan))
    rank = {pk: i for i, pk in enumerate(dict.fromkeys(near))}
    return sorted(candidates, key=lambda j: (rank.get(j.pk, len(rank)), j.unit.path))


def signer_default(jenis: JenisNaskah, user: Pegawai, choices: list[Jabatan]) -> Jabatan | None:
    """The usual signer: the nearest unit head above (or at) the user that may sign the
    type; failing that, the first permitted position."""
    allowed = {j.pk: j for j in choices}
    for row in pegawai_assignments_on(user):
        for jabatan in [row.jabatan, *jabatan_superior_chain(row.jabatan)]:
            if jabatan.pk in allowed and jabatan.kepala_unit and jabatan.jenis == "struktural":
                return allowed[jabatan.pk]
    for row in pegawai_assignments_on(user):
        for jabatan in [row.jabatan, *jabatan_superior_chain(row.jabatan)]:
            if jabatan.pk in allowed:
                return allowed[jabatan.pk]
    return choices[0] if choices else None


def naskah_revisions(naskah: Naskah) -> QuerySet[NaskahRevisi]:
    return naskah.revisi.select_related("dibuat_oleh").order_by("-nomor")


def naskah_latest_revision(naskah: Naskah) -> NaskahRevisi:
    return naskah.revisi.get(nomor=naskah.revisi_terakhir)


def naskah_active_lampiran(naskah: Naskah) -> QuerySet[Lampiran]:
    return naskah.lampiran.filter(dihapus=False).order_by("pk")


def penerima_search(query: str, *, limit: int = 8) -> dict[str, list]:
    """Units, positions and people matching the query, for the recipient picker."""
    query = (query or "").strip()
    if len(query) < 2:
        return {"unit": [], "jabatan": [], "pegawai": []}
    units = UnitKerja.objects.filter(
        Q(nama__icontains=query) | Q(singkatan__icontains=query) | Q(kode__icontains=query),
        aktif=True,
    ).order_by("path")[:limit]
    positions = (
        Jabatan.objects.filter(nama__icontains=query, aktif=True)
        .select_related("unit")
        .order_by("unit__path")[:limit]
    )
    people = Pegawai.objects.filter(
        Q(nama__icontains=query) | Q(nip__startswith=query), is_active=True
    ).order_by("nama")[:limit]
    return {"unit": list(units), "jabatan": list(positions), "pegawai": list(people)}


def naskah_withdraw_candidates(user, naskah):
    """Signed letters the user can read that may withdraw `naskah`: issued by its unit or
    one above it, signed after it (the service checks the rest)."""
    from naskah.models import NaskahTTE

    record = NaskahTTE.objects.filter(naskah=naskah).first()
    if record is None:
        return Naskah.objects.none()
    unit = naskah.penandatangan.unit
    # The unit's own path and its ancestors' (materialised paths end in ".").
    prefixes = [unit.path[: i + 1] for i, char in enumerate(unit.path) if char == "."]
    return (
        naskah_visible_to(user)
        .filter(
            status=Naskah.Status.DITANDATANGANI,
            tte__selesai=True,
            tte__dibuat_pada__gt=record.dibuat_pada,
            penandatangan__unit__path__in=prefixes,
        )
        .exclude(pk=naskah.pk)
        .order_by("-tanggal", "-pk")
    )


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
    Submission checks completeness (naskah.selectors.periksa) before anyone signs.

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
