"""Stored notices read in the viewer's language (workflows.notice_text): the stored text is
the office language's (the e-mail's), the page renders the msgid in the reader's language,
old rows show their stored text. Disposition instructions and the date styles likewise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import formats, translation
from django.utils.translation import gettext_noop

from workflows.models import Notifikasi
from workflows.notice_text import notice_text
from workflows.services import notifikasi_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_indonesian(settings):
    settings.LANGUAGE_CODE = "id"


def _notice(person, text):
    return notifikasi_create(recipient=person, kind="step", text=text)


def test_a_notice_is_stored_in_the_office_language_and_shown_in_the_readers(
    demo, office_indonesian
):
    person = demo["prakommuda"]
    with translation.override("en"):  # whoever acted was reading English
        notice = _notice(
            person, notice_text(gettext_noop("Rejected: %(subject)s"), {"subject": "Rapat"})
        )
    notice.refresh_from_db()
    assert notice.text == "Ditolak: Rapat"  # the e-mail's text: the office language
    assert notice.text_msgid == "Rejected: %(subject)s"
    assert notice.text_params == {"subject": "Rapat"}
    with translation.override("en"):
        assert notice.display_text == "Rejected: Rapat"
    with translation.override("id"):
        assert notice.display_text == "Ditolak: Rapat"


def test_a_nested_message_is_translated_too(demo, office_indonesian):
    from naskah.masuk.services.notices import _notice_text

    class Surat:
        rahasia = True
        nomor_agenda = "12/BU/2026"

    notice = _notice(demo["karoumum"], _notice_text(Surat(), gettext_noop("New disposition")))
    notice.refresh_from_db()
    with translation.override("en"):
        assert notice.display_text == "New disposition: incoming letter 12/BU/2026 (classified)."
    with translation.override("id"):
        shown = notice.display_text
    assert shown == notice.text and "New disposition" not in shown and "12/BU/2026" in shown


def test_old_rows_and_broken_msgids_show_the_stored_text(demo):
    person = demo["prakommuda"]
    old = _notice(person, "Teks lama tanpa msgid")
    assert old.text_msgid == "" and old.display_text == "Teks lama tanpa msgid"
    Notifikasi.objects.filter(pk=old.pk).update(
        text_msgid="Rejected: %(subject)s", text_params={"other": "x"}
    )
    old.refresh_from_db()
    assert old.display_text == "Teks lama tanpa msgid"


def test_the_notifications_page_speaks_the_viewers_language(client, demo, office_indonesian):
    person = demo["prakommuda"]
    _notice(person, notice_text(gettext_noop("Overdue: %(subject)s"), {"subject": "Rapat"}))
    client.force_login(person)
    client.cookies["django_language"] = "en"
    english = client.get("/alur/notifikasi/").content.decode()
    client.cookies["django_language"] = "id"
    indonesian = client.get("/alur/notifikasi/").content.decode()
    assert "Overdue: Rapat" in english and "Overdue: Rapat" not in indonesian


def test_disposition_instructions_are_shown_translated_unless_renamed(db):
    from naskah.masuk.models import InstruksiDisposisi

    row = InstruksiDisposisi.objects.get(kode="ditindaklanjuti")
    assert row.nama == "Untuk ditindaklanjuti"  # the stored label stays
    with translation.override("en"):
        assert str(row) == "For follow-up"
    with translation.override("id"):
        assert str(row) == "Untuk ditindaklanjuti"
    row.nama = "Segera tindak lanjuti"  # an administrator's own wording is shown as it is
    with translation.override("en"):
        assert row.label == "Segera tindak lanjuti"


@pytest.mark.parametrize("language", ["id", "en"])
def test_one_short_date_style_for_lists_in_both_languages(language):
    moment = dt.datetime(2026, 12, 7, 13, 24)  # noqa: DTZ001 - a wall-clock time, printed as is
    with translation.override(language):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "07-12-2026 13:24"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "07-12-2026"
    with translation.override("id"):
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "7 Desember 2026"
