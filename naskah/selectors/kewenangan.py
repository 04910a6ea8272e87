"""Reads of the signing authority (DESIGN invariant 3): which positions the authority
matrix lets sign a letter type in a given form, the delegations (pelimpahan wewenang)
behind a.n. and u.b., and one check used by drafting and, again, by signing.

The matrix is turned into one `Q` over Jabatan, so the drafting form gets its signer
choices in one query; a single position is checked in memory against the type's rows
(read once per letter type instance)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from core.models import Jabatan
from naskah.models import JenisNaskah, Mandat
from naskah.models.kewenangan import (
    ESELON_URUTAN,
    UNIT_PERANGKAT_DAERAH,
    KewenanganTandaTangan,
    PelimpahanWewenang,
)

# The matrix column that allows each form of signing.
KOLOM_MANDAT = {Mandat.NONE: "sendiri", Mandat.AN: "atas_nama", Mandat.UB: "untuk_beliau"}
Peran = KewenanganTandaTangan.Peran


def _eselon_q(level: str) -> Q:
    if not level:
        return Q()
    return Q(eselon__in=ESELON_URUTAN[: ESELON_URUTAN.index(level) + 1])


def _rule_q(rule: KewenanganTandaTangan) -> Q:
    if rule.peran in {
        Peran.KEPALA_DAERAH,
        Peran.WAKIL_KEPALA_DAERAH,
        Peran.SEKDA,
        Peran.FUNGSIONAL,
        Peran.PELAKSANA,
    }:
        return Q(jenis=rule.peran)
    if rule.peran == Peran.KEPALA_PERANGKAT_DAERAH:
        return Q(
            jenis="struktural", kepala_unit=True, unit__jenis__in=UNIT_PERANGKAT_DAERAH
        ) & _eselon_q(rule.eselon_minimal)
    if rule.peran == Peran.KEPALA_UNIT:
        return Q(jenis="struktural", kepala_unit=True) & _eselon_q(rule.eselon_minimal)
    if rule.peran == Peran.STRUKTURAL:
        return Q(jenis="struktural") & _eselon_q(rule.eselon_minimal)
    if rule.peran == Peran.JABATAN and rule.jabatan_id:
        return Q(pk=rule.jabatan_id)
    return Q(pk__in=[])


def _rule_matches(rule: KewenanganTandaTangan, jabatan: Jabatan) -> bool:
    """`_rule_q` for one position already in memory (same rules; a test keeps them equal)."""
    if rule.peran == Peran.JABATAN:
        return rule.jabatan_id == jabatan.pk
    if rule.peran in {Peran.KEPALA_PERANGKAT_DAERAH, Peran.KEPALA_UNIT, Peran.STRUKTURAL}:
        if jabatan.jenis != "struktural":
            return False
        if (
            rule.eselon_minimal
            and jabatan.eselon not in ESELON_URUTAN[: ESELON_URUTAN.index(rule.eselon_minimal) + 1]
        ):
            return False
        if rule.peran == Peran.STRUKTURAL:
            return True
        if not jabatan.kepala_unit:
            return False
        return rule.peran == Peran.KEPALA_UNIT or jabatan.unit.jenis in UNIT_PERANGKAT_DAERAH
    return jabatan.jenis == rule.peran


def kewenangan_rows(jenis: JenisNaskah) -> list[KewenanganTandaTangan]:
    """The type's matrix rows, read once per JenisNaskah instance (the signing service
    checks on a freshly read, locked letter, so it always sees the matrix as it is)."""
    if "kewenangan" not in getattr(jenis, "_prefetched_objects_cache", {}):
        prefetch_related_objects([jenis], "kewenangan")
    return list(jenis.kewenangan.all())


def jabatan_signers(jenis: JenisNaskah, mandat: str = "") -> QuerySet[Jabatan]:
    """Active positions the matrix lets sign letters of the type in the form `mandat`
    ("" own right, "an", "ub"). A type without a matching row: nobody."""
    column = KOLOM_MANDAT[mandat]
    q = None
    for rule in kewenangan_rows(jenis):
        if getattr(rule, column):
            q = _rule_q(rule) if q is None else q | _rule_q(rule)
    if q is None:
        return Jabatan.objects.none()
    return Jabatan.objects.filter(q, aktif=True)


def jenis_allows_signer(jenis: JenisNaskah, jabatan: Jabatan, mandat: str = "") -> bool:
    """Whether the matrix lets the position sign the type in the form `mandat`."""
    column = KOLOM_MANDAT[mandat]
    return jabatan.aktif and any(
        getattr(rule, column) and _rule_matches(rule, jabatan) for rule in kewenangan_rows(jenis)
    )


def mandat_principal(jabatan: Jabatan, mandat: str) -> Jabatan | None:
    """On whose behalf the position signs: a.n. its direct superior, u.b. the superior's
    superior (domain.md 5.1). None for own right, or when the chain is too short."""
    if mandat == Mandat.AN:
        return jabatan.atasan
    if mandat == Mandat.UB and jabatan.atasan is not None:
        return jabatan.atasan.atasan
    return None


def pelimpahan_aktif(on: dt.date) -> Q:
    return Q(aktif=True, mulai__lte=on) & (Q(selesai__isnull=True) | Q(selesai__gte=on))


def pelimpahan_for(
    *, jenis: JenisNaskah, jabatan: Jabatan, mandat: str, on: dt.date
) -> PelimpahanWewenang | None:
    """The delegation in force on `on` by which the position signs the type a.n./u.b. its
    principal (still its superior, resp. the superior's superior, today)."""
    principal = mandat_principal(jabatan, mandat)
    if principal is None:
        return None
    return (
        PelimpahanWewenang.objects.filter(
            pelimpahan_aktif(on), jenis=mandat, kepada=jabatan, dari=principal, jenis_naskah=jenis
        )
        .select_related("dari", "kepada")
        .order_by("-mulai", "-pk")
        .first()
    )


def signer_problem(
    *, jenis: JenisNaskah, jabatan: Jabatan, mandat: str, on: dt.date
) -> tuple[str, str] | None:
    """Why the position may not sign the type in the form `mandat` on the date, as
    (code, message); None when it may. Own right: the matrix. a.n./u.b.: the matrix allows
    the form, the principal may sign the type in own right, and a delegation covering the
    type is in force on the date."""
    names = {"jabatan": jabatan.nama, "jenis": jenis.nama}
    if mandat not in KOLOM_MANDAT:
        return "invalid", _("Unknown mandate.")
    if not mandat:
        if jenis_allows_signer(jenis, jabatan):
            return None
        return "signer_not_allowed", _("%(jabatan)s may not sign a %(jenis)s.") % names
    label = Mandat(mandat).label
    if not jenis_allows_signer(jenis, jabatan, mandat):
        return (
            "mandate_not_allowed",
            _("%(jabatan)s may not sign a %(jenis)s as %(form)s.") % {**names, "form": label},
        )
    principal = mandat_principal(jabatan, mandat)
    if principal is None:
        if mandat == Mandat.AN:
            return "invalid", _("a.n. needs a superior position to sign on behalf of.")
        return "invalid", _("u.b. needs two levels of superior positions.")
    if not jenis_allows_signer(jenis, principal):
        return (
            "signer_not_allowed",
            _("%(principal)s may not sign a %(jenis)s, so nobody signs it on their behalf.")
            % {**names, "principal": principal.nama},
        )
    if pelimpahan_for(jenis=jenis, jabatan=jabatan, mandat=mandat, on=on) is None:
        return (
            "no_delegation",
            _(
                "No delegation in force on %(date)s lets %(jabatan)s sign a %(jenis)s on "
                "behalf of %(principal)s."
            )
            % {**names, "principal": principal.nama, "date": on.isoformat()},
        )
    return None


def signer_options(jenis: JenisNaskah, on: dt.date) -> dict[int, list[str]]:
    """Every position that may sign the type on the date, with the forms it may use
    ("" own right, "an", "ub"): a handful of queries, whatever the size of the organisation."""
    own = set(jabatan_signers(jenis).values_list("pk", flat=True))
    options: dict[int, list[str]] = {pk: [Mandat.NONE] for pk in own}
    for mandat in (Mandat.AN, Mandat.UB):
        allowed = jabatan_signers(jenis, mandat)
        rows = (
            PelimpahanWewenang.objects.filter(
                pelimpahan_aktif(on), jenis=mandat, jenis_naskah=jenis, kepada__in=allowed
            )
            .select_related("kepada__atasan")
            .distinct()
        )
        for row in rows:
            principal = mandat_principal(row.kepada, mandat)
            if principal is not None and principal.pk == row.dari_id and principal.pk in own:
                forms = options.setdefault(row.kepada_id, [])
                if mandat not in forms:
                    forms.append(mandat)
    return options
