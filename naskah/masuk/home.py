"""Home page sections of the incoming register: letters waiting for this person's
disposition, new dispositions to them, follow-ups due, and (agendaris) the register's
queue. Registered under core.hooks.HOME_SECTIONS (apps.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.worklist import HOME_LIMIT, WorkItem, WorkSection, first_rows
from naskah.masuk import permissions as perms
from naskah.masuk import selectors
from naskah.masuk.models import DisposisiPenerima, SuratMasuk

# A disposition whose deadline falls within this many days is a follow-up due.
FOLLOW_UP_DAYS = 3


def _letter_item(surat: SuratMasuk, *, meta: str = "") -> WorkItem:
    return WorkItem(
        title=surat.hal,
        url=reverse("masuk:suratmasuk_detail", args=[surat.pk]),
        meta=meta or f"{surat.nomor_agenda} · {surat.pengirim}",
    )


def _branch_item(cabang: DisposisiPenerima) -> WorkItem:
    surat = cabang.surat
    return WorkItem(
        title=surat.hal,
        url=reverse("masuk:suratmasuk_detail", args=[surat.pk]),
        meta=f"{surat.pengirim} · {cabang.disposisi.dari_jabatan}",
        deadline=cabang.batas_waktu,
        unread=cabang.status == DisposisiPenerima.Status.BELUM_DIBACA,
    )


def _overdue_badge(n: int) -> list[tuple[str, str]]:
    if not n:
        return []
    return [(ngettext("%(n)d overdue", "%(n)d overdue", n) % {"n": n}, "danger")]


def home_sections(user) -> list[WorkSection]:
    now = timezone.now()
    group = _("Incoming letters")
    daftar = reverse("masuk:suratmasuk_list")
    sections = []

    count, rows = first_rows(selectors.suratmasuk_to_dispose(user))
    sections.append(
        WorkSection(
            key="dispose",
            title=_("Incoming letters to dispose"),
            count=count,
            items=[
                _letter_item(
                    s,
                    meta=f"{s.nomor_agenda} · {s.pengirim} · {s.get_urgensi_display()}",
                )
                for s in rows
            ],
            all_url=f"{daftar}?tab=dispose",
            order=15,
            group=group,
        )
    )

    inbox = selectors.disposisi_inbox(user).select_related("surat", "disposisi__dari_jabatan")
    S = DisposisiPenerima.Status
    new = inbox.filter(status=S.BELUM_DIBACA)
    due = inbox.filter(
        status__in=[S.DIBACA, S.DIPROSES], batas_waktu__lte=now + dt.timedelta(FOLLOW_UP_DAYS)
    )
    counts = inbox.aggregate(
        new=Count("pk", filter=Q(status=S.BELUM_DIBACA)),
        new_overdue=Count("pk", filter=Q(status=S.BELUM_DIBACA, batas_waktu__lt=now)),
        due=Count(
            "pk",
            filter=Q(
                status__in=[S.DIBACA, S.DIPROSES],
                batas_waktu__lte=now + dt.timedelta(FOLLOW_UP_DAYS),
            ),
        ),
        due_overdue=Count("pk", filter=Q(status__in=[S.DIBACA, S.DIPROSES], batas_waktu__lt=now)),
    )
    sections.append(
        WorkSection(
            key="dispositions",
            title=_("New dispositions to me"),
            count=counts["new"],
            items=[_branch_item(c) for c in new[:HOME_LIMIT]],
            all_url=f"{daftar}?tab=inbox",
            badges=_overdue_badge(counts["new_overdue"]),
            order=16,
            group=group,
        )
    )
    sections.append(
        WorkSection(
            key="followups",
            title=_("Follow-ups due"),
            count=counts["due"],
            items=[_branch_item(c) for c in due[:HOME_LIMIT]],
            all_url=f"{daftar}?tab=inbox",
            badges=_overdue_badge(counts["due_overdue"]),
            order=17,
            group=group,
        )
    )

    units = perms.register_units(user)
    if units:
        queue = (
            selectors.suratmasuk_visible(user)
            .filter(unit_id__in=[u.pk for u in units], status=SuratMasuk.Status.TERDAFTAR)
            .select_related("jabatan_tujuan")
            .order_by("dibuat_pada")
        )
        waiting = [SuratMasuk.StatusOCR.MENUNGGU, SuratMasuk.StatusOCR.DIPROSES]
        c = queue.aggregate(
            total=Count("pk"),
            ocr=Count("pk", filter=Q(ocr_status__in=waiting)),
            saran=Count("pk", filter=~Q(ocr_saran={})),
        )
        badges = []
        if c["ocr"]:
            badges.append((_("%(n)d reading (OCR)") % {"n": c["ocr"]}, "secondary"))
        if c["saran"]:
            badges.append((_("%(n)d with suggestions") % {"n": c["saran"]}, "info"))
        sections.append(
            WorkSection(
                key="register",
                title=_("Register: registered, not yet disposed"),
                count=c["total"],
                items=[
                    _letter_item(
                        s,
                        meta=f"{s.nomor_agenda} · {s.pengirim} → {s.jabatan_tujuan}",
                    )
                    for s in queue[:HOME_LIMIT]
                ],
                all_url=f"{daftar}?tab=register",
                badges=badges,
                order=40,
                group=_("Incoming register"),
            )
        )
    return sections
