"""Home page sections of the archive (archivists only): open files, and disposal actions
still in progress. Registered under core.hooks.HOME_SECTIONS (apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from arsip.models import Berkas, Penyusutan
from arsip.permissions import can_manage_archive
from core.clock import office_today
from core.worklist import WorkItem, WorkSection, first_rows


def home_sections(user) -> list[WorkSection]:
    if not can_manage_archive(user):
        return []
    year = office_today().year
    group = _("Archive")
    # Files are closed at the end of their year: an open file of an earlier year is due.
    files = (
        Berkas.objects.filter(status=Berkas.Status.TERBUKA, dibuka__year__lt=year)
        .select_related("unit")
        .order_by("dibuka", "nomor")
    )
    files_count, file_rows = first_rows(files)
    active = [Penyusutan.Status.DIUSULKAN, Penyusutan.Status.DINILAI, Penyusutan.Status.DISETUJUI]
    proposals = Penyusutan.objects.filter(status__in=active).order_by("created_at")
    proposals_count, proposal_rows = first_rows(proposals)
    return [
        WorkSection(
            key="files_to_close",
            title=_("Files to close (opened in an earlier year)"),
            count=files_count,
            items=[
                WorkItem(
                    title=f"{b.nomor} — {b.judul}",
                    url=reverse("arsip:berkas_detail", args=[b.pk]),
                    meta=b.unit.nama,
                    deadline=b.dibuka.replace(month=12, day=31),
                )
                for b in file_rows
            ],
            all_url=reverse("arsip:berkas_list") + "?status=terbuka",
            order=60,
            group=group,
        ),
        WorkSection(
            key="disposal",
            title=_("Disposal actions in progress"),
            count=proposals_count,
            items=[
                WorkItem(
                    title=f"{p.nomor} — {p.get_jenis_display()}",
                    url=reverse("arsip:penyusutan_detail", args=[p.pk]),
                    meta=p.get_status_display(),
                )
                for p in proposal_rows
            ],
            all_url=reverse("arsip:penyusutan_list"),
            order=61,
            group=group,
        ),
    ]
