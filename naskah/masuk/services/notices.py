"""Notices of the incoming-letter register: to the addressee of a new letter, to the
recipients of a disposition, its reports and its reminders."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from core.clock import office_today
from core.models import Pegawai
from core.selectors.organisasi import jabatan_holder_on
from naskah.masuk.models import SuratMasuk


def _notice_text(surat: SuratMasuk, what: str) -> str:
    """`what`: a msgid (gettext_noop); the notice reads in its reader's language."""
    from workflows.notice_text import notice_text

    # Rahasia and Sangat Rahasia: never the subject or sender in a notification.
    if surat.rahasia:
        return notice_text(
            gettext_noop("%(what)s: incoming letter %(agenda)s (classified)."),
            {"what": notice_text(what), "agenda": surat.nomor_agenda},
        )
    return notice_text(
        gettext_noop("%(what)s: incoming letter %(agenda)s from %(sender)s — %(subject)s"),
        {
            "what": notice_text(what),
            "agenda": surat.nomor_agenda,
            "sender": surat.pengirim,
            "subject": surat.hal,
        },
    )


def _notify(recipients: list[Pegawai], *, surat: SuratMasuk, kind: str, text: str, key: str):
    from django.urls import reverse

    from workflows.models import Notifikasi
    from workflows.services import notifikasi_create

    link = reverse("masuk:suratmasuk_detail", kwargs={"pk": surat.pk})
    for person in {p.pk: p for p in recipients}.values():
        notice = notifikasi_create(
            recipient=person, kind=kind, text=text, key=f"{key}:{person.pk}"[:120]
        )
        if notice is not None:
            Notifikasi.objects.filter(pk=notice.pk).update(link=link)


def _notify_addressee(surat: SuratMasuk) -> None:
    """An agendaris registered a letter: the addressed official (the holder of the position
    today, a Plt/Plh included) is told. Internal letters were announced on delivery."""
    holder = jabatan_holder_on(surat.jabatan_tujuan, office_today())
    if holder is None:
        return
    _notify(
        [holder.pegawai],
        surat=surat,
        kind="masuk_baru",
        text=_notice_text(surat, gettext_noop("New incoming letter")),
        key=f"masuk-baru:{surat.pk}",
    )
