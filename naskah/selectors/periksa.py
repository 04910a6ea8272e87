"""Whether a letter can be signed: ONE set of checks for submission and signing.

The signer must never be the first to learn that a letter cannot be signed (issue 14
item 3). `naskah_content_problems` is the rule on the letter itself (recipients for the
types addressed to someone, classification code, required type fields, lampiran) and runs
in `naskah_submit` and again in `naskah_sign_check`. `naskah_signer_problems` runs the sign
service's own authority check (`signer_authority`) for whoever acts today for each signing
position, and reads the signing backend's status of that person (certificate / BSrE). Each
problem names the edit form's field, so the submit page links to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.selectors.organisasi import jabatan_holder_on
from naskah.models import JenisNaskah, Lampiran, Naskah, NaskahRevisi

# Layouts that print an addressee ("Yth." / "Kepada"): a letter of these needs one.
LAYOUTS_WITH_ADDRESSEE = (JenisNaskah.LayoutKind.SURAT, JenisNaskah.LayoutKind.NOTA_DINAS)


@dataclass(frozen=True)
class Problem:
    """One reason the letter cannot be signed. `field` is the edit form's field name
    ("penerima", "kode_klasifikasi", "penandatangan", "f_<type field>", "lampiran"), or ""
    for the letter as a whole. A problem that is not `blocking` is shown but does not stop
    the submission (the signer can still fix it before signing, e.g. enrol a certificate)."""

    code: str
    message: str
    field: str = ""
    blocking: bool = True


def naskah_content_problems(naskah: Naskah, revisi: NaskahRevisi) -> list[Problem]:
    """The letter's own content, as the sign service requires it (module docstring)."""
    from naskah.fields import clean_values

    jenis = naskah.jenis
    problems: list[Problem] = []
    if not str((revisi.header or {}).get("hal") or "").strip():
        # An autosaved draft may not have its subject yet (naskah.services.autosave).
        problems.append(Problem("no_hal", _("The subject (hal) is required."), "hal"))
    if jenis.layout_kind in LAYOUTS_WITH_ADDRESSEE and not any(
        row.get("jenis") == "tujuan" for row in revisi.penerima or []
    ):
        problems.append(
            Problem(
                "no_recipient",
                _("A %(jenis)s needs at least one addressee (Yth.).") % {"jenis": jenis.nama},
                "penerima",
            )
        )
    if naskah.kode_klasifikasi_id is None:
        problems.append(
            Problem(
                "no_kode",
                _("The letter has no classification code; its number cannot be issued."),
                "kode_klasifikasi",
            )
        )
    content_fields = any(
        spec.get("required") and spec["type"] in {"blocks", "diktum", "lines"}
        for spec in jenis.fields_schema
    )
    if not revisi.body and not content_fields:
        # A draft may be saved before its body is written (autosave); it is not signed so.
        problems.append(Problem("no_body", _("The letter body is empty."), "body"))
    try:
        clean_values(jenis.fields_schema, revisi.fields or {})
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for name, messages in errors.items():
            problems.append(Problem("field", " ".join(messages), f"f_{name}" if name else ""))
    ids = list(revisi.lampiran or [])
    found = Lampiran.objects.filter(naskah_id=naskah.pk, pk__in=ids).in_bulk()
    for pk in ids:
        lampiran = found.get(pk)
        if lampiran is None or lampiran.dihapus:
            problems.append(
                Problem("lampiran", _("An attachment of this revision is missing."), "lampiran")
            )
        elif lampiran.jenis == Lampiran.Jenis.BERKAS and not (
            lampiran.berkas.name and lampiran.sha256
        ):
            problems.append(
                Problem(
                    "lampiran",
                    _("The attachment “%(judul)s” has no checked file.")
                    % {"judul": lampiran.judul},
                    "lampiran",
                )
            )
        elif lampiran.jenis == Lampiran.Jenis.HALAMAN and not lampiran.body:
            problems.append(
                Problem(
                    "lampiran",
                    _("The attachment “%(judul)s” has no pages.") % {"judul": lampiran.judul},
                    "lampiran",
                )
            )
    return problems


def naskah_signer_problems(
    naskah: Naskah, revisi: NaskahRevisi, on: dt.date | None = None, *, backend: bool = True
) -> list[Problem]:
    """For each signing position: someone acts for it today, the sign service's authority
    check passes for them (`signer_authority`, the same function `naskah_sign` calls),
    and the signing backend reports them ready (a valid certificate, or BSrE status)."""
    from core.clock import office_today
    from naskah.selectors.signing import signer_authority, tte_signers
    from signing.selectors import signer_status

    on = on or office_today()
    problems: list[Problem] = []
    for jabatan in tte_signers(naskah, revisi):
        holder = jabatan_holder_on(jabatan, on)
        if holder is None:
            problems.append(
                Problem(
                    "no_signer",
                    _("Nobody holds or acts for the position %(jabatan)s today.")
                    % {"jabatan": jabatan.nama},
                    "penandatangan",
                )
            )
            continue
        try:
            signer_authority(naskah=naskah, jabatan=jabatan, signer=holder.pegawai, on=on)
        except ApplicationError as exc:
            problems.append(Problem(exc.code, exc.message, "penandatangan"))
        if not backend:
            continue
        status = signer_status(signer=holder.pegawai)
        if not status.ready:
            who = f"{holder.pegawai.nama_lengkap} ({jabatan.nama})"
            messages = {
                "no_certificate": _("%(who)s has no signing certificate yet."),
                "expired": _("The signing certificate of %(who)s has expired."),
                "revoked": _("The signing certificate of %(who)s is revoked."),
            }
            message = messages.get(
                status.code, _("%(who)s cannot sign electronically now: %(reason)s")
            ) % {"who": who, "reason": status.message}
            problems.append(
                Problem(f"signer_{status.code}", message, "penandatangan", blocking=False)
            )
    return problems


def naskah_readiness_problems(
    naskah: Naskah, revisi: NaskahRevisi | None = None, *, backend: bool = True
) -> list[Problem]:
    """Everything the sign service will check that can be known before the route ends.
    `backend=False` leaves out the signing backend's status (never blocking; a remote
    backend is not asked while the submission holds its row locks)."""
    revisi = revisi or NaskahRevisi.objects.get(naskah=naskah, nomor=naskah.revisi_terakhir)
    return naskah_content_problems(naskah, revisi) + naskah_signer_problems(
        naskah, revisi, backend=backend
    )


def raise_for_problems(problems: list[Problem]) -> None:
    """An ApplicationError listing every blocking problem (``extra["problems"]``; the
    first message is the error's own), or nothing."""
    blocking = [p for p in problems if p.blocking]
    if blocking:
        raise ApplicationError(
            blocking[0].message,
            code=blocking[0].code,
            extra={"errors": [p.message for p in blocking], "problems": blocking},
        )
