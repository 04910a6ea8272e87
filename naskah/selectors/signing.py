"""Reads for signing a letter: who signs and in which order (`tte_signers`,
`sign_plan`), the authority check at sign time (`signer_authority`), everything
that can be checked without the key or a lock (`naskah_sign_check`, and
`naskah_sign_check_many` for the batch page), the numbering unit and format, and the
paraf page's rows (`paraf_chain`). Nothing here writes; `naskah.services.signing`
repeats the checks under its locks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.clock import office_time, office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.indonesian import tanggal_jam
from core.models import Jabatan, Pegawai, UnitKerja
from core.selectors.organisasi import jabatan_holder_on
from naskah.models import (
    AturanTTE,
    BatchTTE,
    JenisNaskah,
    Naskah,
    NaskahRevisi,
    NaskahTTE,
    UnitPenomoran,
)
from naskah.selectors.periksa import naskah_content_problems, raise_for_problems
from penomoran.formats import DEFAULT_FORMAT
from workflows.step_kinds import SIGNATURE_KINDS, STEP_KINDS

DEFAULT_FORMATS = {
    "default": DEFAULT_FORMAT,  # the number service's own default: one source
    # circulars: "NOMOR 000.1.2.3/5 TAHUN 2026" (issue 13; observed Lampung circulars)
    "surat_edaran": "{kode}/{nomor} TAHUN {tahun}",
}


OPD_KOP = (UnitKerja.JenisKop.PERANGKAT_DAERAH, UnitKerja.JenisKop.UPTD)


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
    from naskah.selectors.approval import naskah_paraf_check
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
        # The same content rule as at submission (naskah.selectors.periksa).
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

    from naskah.selectors.approval import naskah_routes_open
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


def verification_url(token: str) -> str:
    base = settings.NASKAH_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/verifikasi/{token}"


PARAF_CAPACITY = {
    "definitif": "Definitif",
    "plt": "Plt.",
    "plh": "Plh.",
    "pj": "Pj.",
    "ketua_tim": "Ketua Tim",
    "reassigned": "Dialihkan",
}


# The paraf page's kind column, from the step kinds' registry (workflows.step_kinds).
PARAF_KIND = {kind: spec.paraf_label for kind, spec in STEP_KINDS.items() if spec.paraf_label}


# The paraf page is part of the official document: Indonesian whatever the UI language.
PERNYATAAN_TIDAK_ADA = "Tanpa pernyataan bertanda tangan"


def paraf_chain(route, revision: str) -> list[dict]:
    """The paraf recorded on the signed revision, in route order: name, position,
    capacity (definitif, Plt., Plh. ...), kind and the date and time (HH.MM)."""
    from workflows.models import StepState

    if route is None:
        return []
    from naskah.selectors.paraf import step_statements_pdf_text

    statements = step_statements_pdf_text(route)
    rows = []
    for state in (
        StepState.objects.filter(
            route=route, status=StepState.Status.APPROVED, covers_revision=revision
        )
        .exclude(kind__in=SIGNATURE_KINDS)
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


def batchtte_get_for_user(*, user: Pegawai, pk: int) -> BatchTTE:
    """A signing batch of the user's own (only its signer sees it); Http404 otherwise."""
    return get_object_or_404(BatchTTE, pk=pk, penandatangan=user)
