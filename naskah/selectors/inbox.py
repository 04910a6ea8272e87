"""Reads of the internal inbox: signed letters delivered to a person (`Distribusi`
rows, internal channel)."""

from __future__ import annotations

from core.models import Pegawai
from naskah.models import Distribusi


def inbox_unread_count(user: Pegawai) -> int:
    """Letters delivered to the user and not opened yet: one count query (the menu)."""
    return Distribusi.objects.filter(
        pegawai=user,
        saluran=Distribusi.Saluran.INTERNAL,
        status=Distribusi.Status.TERKIRIM,
        dibaca_pada__isnull=True,
    ).count()


def inbox_for(user: Pegawai):
    """'Naskah masuk internal': letters delivered to the user, newest first."""
    return (
        Distribusi.objects.filter(
            pegawai=user, saluran=Distribusi.Saluran.INTERNAL, status=Distribusi.Status.TERKIRIM
        )
        .select_related("naskah__jenis", "naskah__unit")
        .order_by("-dikirim_pada")
    )
