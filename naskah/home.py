"""Home page sections of outgoing letters: letters returned to their drafter, own drafts,
and letters delivered to this person not opened yet. Registered under
core.hooks.HOME_SECTIONS (apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.worklist import WorkItem, WorkSection, first_rows
from naskah.models import Naskah
from naskah.models.signing import Distribusi


def _letter(naskah: Naskah) -> WorkItem:
    return WorkItem(
        title=naskah.hal_label,
        url=reverse("naskah:edit", args=[naskah.pk]),
        meta=naskah.jenis.nama,
    )


def home_sections(user) -> list[WorkSection]:
    mine = Naskah.objects.filter(konseptor=user).select_related("jenis").order_by("-updated_at")
    group = _("Outgoing letters")
    returned_count, returned = first_rows(mine.filter(status=Naskah.Status.DIKEMBALIKAN))
    drafts_count, drafts = first_rows(mine.filter(status=Naskah.Status.KONSEP))
    received = (
        Distribusi.objects.filter(
            pegawai=user,
            saluran=Distribusi.Saluran.INTERNAL,
            status=Distribusi.Status.TERKIRIM,
            dibaca_pada__isnull=True,
        )
        .select_related("naskah__jenis", "naskah__unit")
        .order_by("-dikirim_pada")
    )
    received_count, received_rows = first_rows(received)
    listing = reverse("naskah:list")
    return [
        WorkSection(
            key="returned",
            title=_("Returned to me"),
            count=returned_count,
            items=[_letter(n) for n in returned],
            all_url=listing,
            order=30,
            group=group,
        ),
        WorkSection(
            key="received",
            title=_("Letters received, not opened yet"),
            count=received_count,
            items=[
                WorkItem(
                    title=d.naskah.hal,
                    url=reverse("naskah:tte", args=[d.naskah_id]),
                    meta=f"{d.naskah.nomor} · {d.naskah.unit.nama}",
                    unread=True,
                )
                for d in received_rows
            ],
            all_url=reverse("naskah:inbox"),
            order=45,
            group=_("Incoming letters"),
        ),
        WorkSection(
            key="drafts",
            title=_("My drafts"),
            count=drafts_count,
            items=[_letter(n) for n in drafts],
            all_url=listing,
            order=90,
            group=group,
        ),
    ]
