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

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from core.clock import office_now, office_time, office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.indonesian import tanggal_jam
from core.models import Jabatan, Pegawai, UnitKerja
from core.pdfsafe import findings_summary, pdf_active_content
from core.selectors.organisasi import jabatan_holder_on
from core.services.audit import audit_record
from core.services.storage import (
    storage_new_name,
    storage_read,
    storage_remove,
    storage_save_pending,
)
from naskah.events import NASKAH_SIGN
from naskah.models import (
    AturanTTE,
    DokumenTersegel,
    JenisNaskah,
    Naskah,
    NaskahRevisi,
    NaskahTTE,
    PertinggalTersegel,
    UnitPenomoran,
)
from naskah.models.signing import new_token
from naskah.services.periksa import naskah_content_problems, raise_for_problems
from penomoran.formats import DEFAULT_FORMAT
from signing.backends.base import UnlockedKey

DEFAULT_FORMATS = {
    "default": DEFAULT_FORMAT,  # the number service's own default: one source
    # circulars: "NOMOR 000.1.2.3/5 TAHUN 2026" (issue 13; observed Lampung circulars)
    "surat_edaran": "{kode}/{nomor} TAHUN {tahun}",
}
OPD_KOP = (UnitKerja.JenisKop.PERANGKAT_DAERAH, UnitKerja.JenisKop.UPTD)

logger = logging.getLogger(__name__)


# --- Numbering books -----------------------------------------------------------------------


def unit_penomoran_for(jabatan: Jabatan) -> UnitKerja:
    """The unit that numbers letters signed by `jabatan` (domain.md 3.1): the nearest
    `UnitPenomoran` row up the tree; else the nearest OPD/UPTD (letterhead kind); else the
    Setda numbering unit (`NASKAH_UNIT_PENOMORAN_SETDA`, default Biro Umum's code
    "BIRO-UMUM"); else the signer's own unit."""
    chain: list[UnitKerja] = []
    node, seen = jabatan.unit, set()
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.induk
    mapped = {
        row.unit_id: row.unit_penomoran
        for row in UnitPenomoran.objects.filter(unit__in=chain).select_related("unit_penomoran")
    }
    for unit in chain:
        if unit.pk in mapped:
            return mapped[unit.pk]
    for unit in chain:
        if unit.jenis_kop in OPD_KOP:
            return unit
    kode = settings.NASKAH_UNIT_PENOMORAN_SETDA
    return UnitKerja.objects.filter(kode=kode).first() or jabatan.unit


def nomor_format_for(jenis: JenisNaskah) -> str:
    """The number format of a letter family (`JenisNaskah.format_nomor` key), from the
    setting `NASKAH_NOMOR_FORMATS` ({key: format}); unknown keys use the default format."""
    formats = {**DEFAULT_FORMATS, **settings.NASKAH_NOMOR_FORMATS}
    return formats.get(jenis.format_nomor or "default", formats["default"])


def buku_for(*, naskah: Naskah, actor: Pegawai | None):
    """The numbering book of the letter: (numbering unit, family key), created on demand.
    Runs outside the signing transaction (creating a book writes an audit event, which
    must not come before `nomor_allocate` in one transaction)."""
    from naskah.services.seri_nomor import seri_buku, seri_nomor_for, seri_unit
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


def tte_signers(naskah: Naskah, revisi: NaskahRevisi) -> list[Jabatan]:
    """Positions that sign, in order: the letter's signer, then (types with several
    signers) the parties listed in the revision's "signers" fields."""
    signers = [naskah.penandatangan]
    if naskah.jenis.multi_penandatangan:
        ids = [
            row.get("jabatan_id")
            for spec in naskah.jenis.fields_schema
            if spec.get("type") == "signers"
            for row in revisi.fields.get(spec["name"], []) or []
        ]
        found = Jabatan.objects.select_related("unit").in_bulk([i for i in ids if i])
        signers += [found[i] for i in ids if i in found]
    return signers


def pelaksana_dilarang(jenis: JenisNaskah) -> list[str]:
    """Acting capacities that may not sign this type: the type's `AturanTTE` row, else
    the setting `NASKAH_TTE_PELAKSANA_DILARANG` ({subkelompok: [capacities]}, default
    empty; regional policy, UNVERIFIED)."""
    rule = AturanTTE.objects.filter(jenis=jenis).first()
    if rule is not None:
        return list(rule.pelaksana_dilarang or [])
    by_group = settings.NASKAH_TTE_PELAKSANA_DILARANG
    return list(by_group.get(jenis.subkelompok, []))


def signer_authority(
    *, naskah: Naskah, jabatan: Jabatan, signer: Pegawai, on: dt.date, holders=None
):
    """DESIGN invariant 3, checked at sign time: the signer acts today for the position
    (holder, or Plt/Plh/Pj by a dated assignment), the authority matrix lets the position
    sign this type in the letter's form (a.n./u.b. with a delegation in force on `on`), and
    the type allows that acting capacity. Returns the Pemangku. `holders`: a dict that
    keeps who holds each position on `on` across the letters of one page."""
    from naskah.selectors.kewenangan import signer_problem

    if holders is None:
        holder = jabatan_holder_on(jabatan, on)
    else:
        if jabatan.pk not in holders:
            holders[jabatan.pk] = jabatan_holder_on(jabatan, on)
        holder = holders[jabatan.pk]
    if holder is None or holder.pegawai.pk != signer.pk:
        raise PermissionDeniedError(
            _("You do not hold or act for the position %(jabatan)s today%(who)s.")
            % {
                "jabatan": jabatan.nama,
                "who": (_(" (%(name)s does)") % {"name": holder.pegawai.nama_lengkap})
                if holder
                else "",
            },
            code="not_signer",
        )
    # The authority matrix as it is now (an administrator may have narrowed it since the
    # letter was drafted) and, for a.n./u.b., a delegation in force on the signing date.
    # The letter's mandate is the main signer's; other parties sign in their own right.
    mandat = naskah.mandat if jabatan.pk == naskah.penandatangan_id else ""
    problem = signer_problem(jenis=naskah.jenis, jabatan=jabatan, mandat=mandat, on=on)
    if problem is not None:
        raise PermissionDeniedError(problem[1], code="position_not_allowed")
    if holder.is_acting and holder.jenis in pelaksana_dilarang(naskah.jenis):
        raise PermissionDeniedError(
            _("A %(capacity)s may not sign a %(jenis)s; the definitive holder must sign.")
            % {"capacity": holder.prefix.strip(" ."), "jenis": naskah.jenis.nama},
            code="acting_not_allowed",
        )
    return holder


@dataclass
class SignPlan:
    """What the next signature of a letter is: which position, which number in order."""

    jabatan: Jabatan
    urutan: int
    total: int
    first: bool
    holder: object = None  # the Pemangku found by the authority check
    revisi: NaskahRevisi | None = None  # the letter's current revision, as read for the plan
    on: dt.date | None = None  # the office date the authority was checked for
    signature_state_id: int | None = None  # the route's waiting signature step (first)


def sign_plan(naskah: Naskah, revisi: NaskahRevisi | None = None) -> SignPlan:
    """The next signature due on the letter, or ApplicationError when none is. The signing
    record comes with the letter when it was read with ``select_related("tte")`` (the
    signing transaction's locked read), else it is read here; so does the current
    revision when the caller has it."""
    if revisi is None:
        revisi = NaskahRevisi.objects.get(naskah=naskah, nomor=naskah.revisi_terakhir)
    signers = tte_signers(naskah, revisi)
    if Naskah.tte.is_cached(naskah):
        record = getattr(naskah, "tte", None)
    else:
        record = NaskahTTE.objects.filter(naskah=naskah).first()
    if record is None:
        if naskah.status != Naskah.Status.SIAP_TANDATANGAN:
            raise ConflictError(
                _("This letter is “%(status)s”, not ready for signature.")
                % {"status": naskah.get_status_display()},
                code="not_ready",
            )
        return SignPlan(signers[0], 1, len(signers), True, revisi=revisi)
    done = record.dokumen.count()
    if record.selesai or done >= len(signers):
        raise ConflictError(_("This letter is already signed."), code="already_signed")
    if record.revisi != naskah.revisi_terakhir:
        raise ConflictError(_("The letter changed after its first signature."), code="changed")
    return SignPlan(signers[done], done + 1, len(signers), False, revisi=revisi)


@dataclass
class SignCheckReads:
    """What `naskah_sign_check_many` reads once for many letters."""

    revisi: dict[int, NaskahRevisi]  # letter pk -> current revision
    approvals: dict[int, object]  # letter pk -> its open route's RouteApprovals
    holders: dict[int, object]  # position pk -> who holds it today (filled as met)


def naskah_sign_check(
    *, naskah: Naskah, signer: Pegawai, route=None, reads: SignCheckReads | None = None
) -> SignPlan:
    """Everything that can be checked without the key or a lock (views use it to offer the
    sign button; `naskah_sign` repeats it inside its transaction, giving the open `route`
    it has locked, with `naskah` the letter row it has locked, so neither is read again).
    `reads`: what `naskah_sign_check_many` read once for a page of letters."""
    from naskah.services.approval import naskah_paraf_check
    from workflows.selectors import NOT_APPROVED

    plan = sign_plan(naskah, reads.revisi.get(naskah.pk) if reads else None)
    plan.on = office_today()
    plan.holder = signer_authority(
        naskah=naskah,
        jabatan=plan.jabatan,
        signer=signer,
        on=plan.on,
        holders=reads.holders if reads else None,
    )
    if plan.first:
        # The same content rule as at submission (naskah.services.periksa).
        raise_for_problems(naskah_content_problems(naskah, plan.revisi))
        if reads is not None:
            complete, plan.signature_state_id = naskah_paraf_check(
                naskah, approvals=reads.approvals.get(naskah.pk, NOT_APPROVED)
            )
        else:
            complete, plan.signature_state_id = naskah_paraf_check(naskah, route=route)
        if not complete:
            raise ConflictError(
                _("Not every required paraf is recorded on the current revision."),
                code="paraf_incomplete",
            )
    return plan


def naskah_sign_check_many(*, letters: list[Naskah], signer: Pegawai) -> list[tuple]:
    """`naskah_sign_check` for a page of letters (the batch page): (letter, plan or None,
    the reason when None) each, with the current revisions, the open routes' approvals and
    the positions' holders read once for all. The letters should come with
    ``select_related("jenis", "penandatangan__unit", "tte")`` and
    ``prefetch_related("jenis__kewenangan")``."""
    from django.db.models import Q

    from naskah.services.approval import naskah_routes_open
    from workflows.selectors import route_approvals_many

    if not letters:
        return []
    current = Q()
    for naskah in letters:
        current |= Q(naskah_id=naskah.pk, nomor=naskah.revisi_terakhir)
    revisi = {r.naskah_id: r for r in NaskahRevisi.objects.filter(current)}
    routes = naskah_routes_open(letters)  # letter pk -> open route
    by_route = route_approvals_many(
        {
            route: str(naskah.revisi_terakhir)
            for naskah in letters
            if (route := routes.get(naskah.pk)) is not None
        }
    )
    approvals = {pk: by_route[route.pk] for pk, route in routes.items()}
    reads = SignCheckReads(revisi=revisi, approvals=approvals, holders={})
    result = []
    for naskah in letters:
        try:
            plan = naskah_sign_check(naskah=naskah, signer=signer, reads=reads)
        except ApplicationError as error:
            result.append((naskah, None, error.message))
        else:
            result.append((naskah, plan, ""))
    return result


# --- Signing -------------------------------------------------------------------------------


def verification_url(token: str) -> str:
    base = settings.NASKAH_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/verifikasi/{token}"


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


PARAF_CAPACITY = {
    "definitif": "Definitif",
    "plt": "Plt.",
    "plh": "Plh.",
    "pj": "Pj.",
    "ketua_tim": "Ketua Tim",
    "reassigned": "Dialihkan",
}
PARAF_KIND = {"paraf_hierarki": "Hierarki", "paraf_koordinasi": "Koordinasi"}
# The paraf page is part of the official document: Indonesian whatever the UI language.
PERNYATAAN_TIDAK_ADA = "Tanpa pernyataan bertanda tangan"


def paraf_chain(route, revision: str) -> list[dict]:
    """The paraf recorded on the signed revision, in route order: name, position,
    capacity (definitif, Plt., Plh. ...), kind and the date and time (HH.MM)."""
    from workflows.models import StepKind, StepState

    if route is None:
        return []
    from naskah.services.paraf_statement import step_statements_pdf_text

    statements = step_statements_pdf_text(route)
    rows = []
    for state in (
        StepState.objects.filter(
            route=route, status=StepState.Status.APPROVED, covers_revision=revision
        )
        .exclude(kind=StepKind.TANDATANGAN)
        .select_related("acted_by", "jabatan")
        .order_by("stage_index", "acted_at", "pk")
    ):
        when = office_time(state.acted_at) if state.acted_at else None
        rows.append(
            {
                "nama": state.acted_by.nama_lengkap if state.acted_by else "-",
                "jabatan": state.jabatan.nama if state.jabatan else "-",
                "kapasitas": PARAF_CAPACITY.get(state.acted_capacity, state.acted_capacity),
                "jenis": PARAF_KIND.get(state.kind, state.kind),
                "waktu": tanggal_jam(when) if when else "-",
                # The signed paraf statement and its verification state (issue 18 item 4).
                "pernyataan": statements.get(state.pk, PERNYATAAN_TIDAK_ADA),
            }
        )
    return rows


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
    from workflows.models import StepKind, StepState

    if route is None:
        raise ConflictError(_("The letter's approval route is not open."), code="no_route")
    if state_id is None:
        state_id = (
            StepState.objects.filter(
                route=route, status=StepState.Status.ACTIVE, kind=StepKind.TANDATANGAN
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
    from naskah.services.approval import naskah_route_open
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
    "naskah_sign_check",
    "naskah_sign_check_many",
    "paraf_chain",
    "sealed_bytes",
    "sign_plan",
    "signer_authority",
    "tte_signers",
    "unit_penomoran_for",
    "verification_url",
]
