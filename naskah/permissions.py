"""Who may see and change letters. Every view fetches letters through these querysets, so
a letter the user may not see is a 404, never a 403 that confirms it exists.

Visibility of a letter (DESIGN invariant 5), one filter used by every list and detail:

- a draft (``konsep``) is visible to its konseptor only, administrators included;
- once submitted: the konseptor; everyone on its approval route and whoever acts today
  (Plt/Plh) for a position on it (``workflows.selectors.route_visibility_q``); members of
  the group "Administrator Unit" (setting ``NASKAH_ADMIN_UNIT_GROUP``) whose unit is the
  letter's unit or one of its ancestors; people the letter was explicitly shared with
  (django-guardian object grants of ``naskah.view_naskah``, never model-wide rights);
  the people it was delivered to (``Distribusi`` rows naming them: recipients and
  tembusan once it is signed and dispatched);
- Rahasia and Sangat Rahasia letters only to named parties: konseptor, route, grants,
  recipients; never to unit administrators.

Two levels (issue 14 item 6): everyone above may read the letter **as sent** (the sealed
PDF, its lampiran, number, date, verification status: ``naskah_visible_to``); only the
insiders — everyone above except those who read it only because it was delivered to them
— may see its **internal history** (route, return notes, comments, revisions and their
diff, draft PDFs: ``naskah_internal_to``). A recipient or tembusan in another unit thus
gets a 404 on every kitchen page of a letter addressed to them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet

from core.clock import office_today
from core.models import Pegawai
from core.selectors.organisasi import pegawai_assignments_on
from core.vocabulary import CONFIDENTIAL
from naskah.models import Distribusi, Naskah, NaskahUserObjectPermission

# The pages of one letter that someone who only received it may open: the letter as sent
# (its page, the sealed PDF, the lampiran that were sent) and its public verification.
# Every other URL that names a letter is internal history
# (``naskah_get_for_user(..., access="internal")``) and a 404 for them.
# tests/naskah/test_sent_visibility.py walks every letter URL against this list, so a new
# letter URL must be classified there before the suite passes.
RECIPIENT_URL_NAMES = frozenset(
    {"naskah:tte", "naskah:tte_pdf", "naskah:lampiran_file", "verifikasi:token"}
)


def admin_unit_group() -> str:
    return settings.NASKAH_ADMIN_UNIT_GROUP


def _admin_unit_paths(user: Pegawai, day: dt.date) -> list[str]:
    """Paths of the units the user administers (their own units, if in the admin group)."""
    if not user.groups.filter(name=admin_unit_group()).exists():
        return []
    return sorted({row.jabatan.unit.path for row in pegawai_assignments_on(user, day)})


def naskah_visible_q(user: Pegawai, day: dt.date | None = None) -> Q:
    """The visibility rule as a filter on Naskah (module docstring): the letter as sent,
    for insiders and for the people it was delivered to."""
    delivered = Distribusi.objects.filter(pegawai=user).values("naskah_id")
    return naskah_internal_q(user, day) | (~Q(status=Naskah.Status.KONSEP) & Q(pk__in=delivered))


def naskah_internal_q(user: Pegawai, day: dt.date | None = None) -> Q:
    """Who may see a letter's internal history (module docstring): the konseptor; once
    submitted, the route, the shares, and the issuing unit's administrators by role."""
    from guardian.shortcuts import get_objects_for_user

    from workflows.selectors import route_visibility_q

    day = day or office_today()
    granted = get_objects_for_user(
        user,
        "naskah.view_naskah",
        klass=Naskah,
        use_groups=False,
        accept_global_perms=False,
        with_superuser=False,
    )
    named = route_visibility_q(Naskah, user, day) | Q(pk__in=granted.values("pk"))
    by_unit = Q()
    for path in _admin_unit_paths(user, day):
        by_unit |= Q(unit__path__startswith=path)
    if by_unit:
        named |= by_unit & ~Q(klasifikasi_keamanan__in=CONFIDENTIAL)
    return Q(konseptor=user) | (~Q(status=Naskah.Status.KONSEP) & named)


def naskah_reader_ids(naskah: Naskah, day: dt.date | None = None) -> set[int]:
    """The people who may read `naskah` by name, listed: the konseptor; once submitted,
    everyone `route_visibility_q` names (route participants, whoever acts that day for a
    position on the route, team leads) and the people it was shared with (object grants);
    and the people it was delivered to (``Distribusi`` rows with a person: they read the
    letter as sent, not its internal history). Not the unit administrators: they read by
    role, not by name. For apps that keep a copy of who may read a letter (the archive,
    which files the sealed copy); every id returned can open the letter as sent."""
    from workflows.selectors import route_reader_ids

    ids = {naskah.konseptor_id}
    if naskah.status != Naskah.Status.KONSEP:
        ids |= route_reader_ids(naskah, day)
        ids.update(
            NaskahUserObjectPermission.objects.filter(
                content_object_id=naskah.pk, permission__codename="view_naskah"
            ).values_list("user_id", flat=True)
        )
    ids.update(
        Distribusi.objects.filter(naskah_id=naskah.pk, pegawai__isnull=False).values_list(
            "pegawai_id", flat=True
        )
    )
    ids.discard(None)
    return ids


def naskah_visible_to(user: Pegawai) -> QuerySet[Naskah]:
    """Letters the user may read (module docstring)."""
    if not user.is_authenticated or not user.is_active:
        return Naskah.objects.none()
    return Naskah.objects.filter(naskah_visible_q(user))


def naskah_internal_to(user: Pegawai) -> QuerySet[Naskah]:
    """Letters whose internal history (route, notes, revisions, drafts) the user may see."""
    if not user.is_authenticated or not user.is_active:
        return Naskah.objects.none()
    return Naskah.objects.filter(naskah_internal_q(user))


def can_see_internal(user: Pegawai, naskah: Naskah) -> bool:
    return naskah_internal_to(user).filter(pk=naskah.pk).exists()


def can_read_lampiran(user: Pegawai, naskah: Naskah, lampiran) -> bool:
    """For a letter the user may read: insiders read every lampiran; someone who received
    it only the lampiran of the signed revision (what was sent)."""
    if can_see_internal(user, naskah):
        return True
    from naskah.models import NaskahTTE

    signed = NaskahTTE.objects.filter(naskah=naskah).values_list("revisi", flat=True).first()
    if signed is None:
        return False
    sent = naskah.revisi.filter(nomor=signed).values_list("lampiran", flat=True).first()
    return lampiran.pk in (sent or [])


def naskah_editable_by(user: Pegawai) -> QuerySet[Naskah]:
    """Letters the user may change: their own drafts, and their letters returned to them."""
    if not user.is_authenticated:
        return Naskah.objects.none()
    return Naskah.objects.filter(konseptor=user, status__in=Naskah.EDITABLE_STATUSES)


def can_edit_naskah(user: Pegawai, naskah: Naskah) -> bool:
    return (
        user.is_authenticated
        and naskah.konseptor_id == user.pk
        and naskah.status in Naskah.EDITABLE_STATUSES
    )


def can_share_naskah(user: Pegawai, naskah: Naskah) -> bool:
    """The konseptor shares a submitted letter with a named person."""
    return (
        user.is_authenticated
        and naskah.konseptor_id == user.pk
        and naskah.status != Naskah.Status.KONSEP
    )


def can_retry_distribusi(user: Pegawai, naskah: Naskah) -> bool:
    """The letter's drafter or a person who signed it retries a failed e-mail delivery.
    (`naskah.penandatangan` is the signing *position*; the people who signed are on the
    sealed versions.)"""
    if not user.is_authenticated:
        return False
    if user.pk == naskah.konseptor_id:
        return True
    from naskah.models import DokumenTersegel

    return DokumenTersegel.objects.filter(tte__naskah=naskah, penandatangan=user).exists()


def _unit_within(unit, ancestor) -> bool:
    """`unit` is `ancestor` or lies under it in the unit tree."""
    return unit.pk == ancestor.pk or unit.path.startswith(ancestor.path)


def can_withdraw_naskah(user: Pegawai, naskah: Naskah) -> bool:
    """Recording that a signed letter was withdrawn (pencabutan) is for people who hold a
    position today in the letter's issuing unit (its signer's unit) or a unit above it.
    The authority is the withdrawing letter itself, which must be signed."""
    if not user.is_authenticated or not user.is_active:
        return False
    if naskah.status != Naskah.Status.DITANDATANGANI:
        return False
    issuer = naskah.penandatangan.unit
    return any(
        _unit_within(issuer, row.jabatan.unit)
        for row in pegawai_assignments_on(user, office_today())
    )


# The archive's records staff (arsip.permissions.GROUP_ARSIPARIS; naskah cannot import arsip).
ARSIPARIS_GROUP = "Arsiparis"


def can_read_pertinggal(user: Pegawai, naskah: Naskah, day: dt.date | None = None) -> bool:
    """The file copy (pertinggal, with the paraf chain) is for the drafting side, never
    for recipients: the konseptor and the route's participants (paraf givers, signer and
    whoever acts for their positions), and, for letters that are not Rahasia or Sangat
    Rahasia, the drafting unit's administrators and the archive's records staff. Being a
    recipient (Distribusi) or having the letter shared gives no access."""
    from workflows.selectors import route_reader_ids

    if not user.is_authenticated or not user.is_active:
        return False
    if naskah.konseptor_id == user.pk:
        return True
    day = day or office_today()
    if user.pk in route_reader_ids(naskah, day):
        return True
    if naskah.klasifikasi_keamanan in CONFIDENTIAL:
        return False
    if user.groups.filter(name=ARSIPARIS_GROUP).exists():
        return True
    path = naskah.unit.path
    return any(path.startswith(p) for p in _admin_unit_paths(user, day))
