"""Who may see and change letters. Every view fetches letters through these querysets, so
a letter the user may not see is a 404, never a 403 that confirms it exists."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.models import Pegawai
from naskah.models import Naskah


def naskah_visible_to(user: Pegawai) -> QuerySet[Naskah]:
    """Letters the user may read. A draft (konsep) is visible only to its konseptor until
    it is submitted; nobody else, administrators included, sees it."""
    if not user.is_authenticated:
        return Naskah.objects.none()
    return Naskah.objects.filter(konseptor=user, status=Naskah.Status.KONSEP)


def naskah_editable_by(user: Pegawai) -> QuerySet[Naskah]:
    """Letters the user may change: their own drafts."""
    if not user.is_authenticated:
        return Naskah.objects.none()
    return Naskah.objects.filter(konseptor=user, status=Naskah.Status.KONSEP)


def naskah_get_visible(user: Pegawai, pk: int) -> Naskah:
    return get_object_or_404(
        naskah_visible_to(user).select_related("jenis", "penandatangan", "unit"), pk=pk
    )


def naskah_get_editable(user: Pegawai, pk: int) -> Naskah:
    return get_object_or_404(
        naskah_editable_by(user).select_related("jenis", "penandatangan", "unit"), pk=pk
    )


def can_edit_naskah(user: Pegawai, naskah: Naskah) -> bool:
    return (
        user.is_authenticated
        and naskah.konseptor_id == user.pk
        and naskah.status == Naskah.Status.KONSEP
    )
