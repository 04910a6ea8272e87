"""Arrival notices: delivery tells every internal recipient (Kepada and Tembusan, the
holder on the day) with a notice and an e-mail without confidential content; "Naskah
diterima" shows an unread count in the menu; opening a notice marks it read."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_q.models import OrmQ

from naskah.context_processors import naskah_nav
from naskah.models import Distribusi
from naskah.services.distribusi import naskah_dispatch
from tests.naskah.test_tte_flow import _signed
from workflows.models import Notifikasi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def _run_notice_emails():
    from workflows.tasks import notifikasi_email_task

    for queued in OrmQ.objects.all():
        if queued.func() == "workflows.tasks.notifikasi_email_task":
            notifikasi_email_task(*queued.task["args"])
            queued.delete()


def _internal_rows(naskah):
    return list(Distribusi.objects.filter(naskah=naskah, saluran="internal"))


def test_delivery_notifies_every_internal_recipient_once(demo):
    naskah = _signed(demo)
    naskah_dispatch(naskah=naskah)
    naskah_dispatch(naskah=naskah)  # the dispatch task may run twice: one notice each
    rows = _internal_rows(naskah)
    assert {r.jenis for r in rows} == {"tujuan", "tembusan"}
    notices = Notifikasi.objects.filter(kind="naskah_diterima")
    assert sorted(n.recipient_id for n in notices) == sorted(r.pegawai_id for r in rows)
    for notice in notices:
        assert naskah.nomor in notice.text and naskah.hal in notice.text
        assert notice.link == reverse("naskah:tte", args=[naskah.pk])
    _run_notice_emails()
    sent = [m for m in mail.outbox if naskah.nomor in m.subject]
    assert len(sent) == len([r for r in rows if r.pegawai.email])


def test_confidential_letters_notify_without_subject(demo):
    naskah = _signed(demo, klasifikasi="rahasia", hal="Rencana Audit Keamanan Siber")
    naskah_dispatch(naskah=naskah)
    notices = list(Notifikasi.objects.filter(kind="naskah_diterima"))
    assert notices
    for notice in notices:
        assert "[RAHASIA]" in notice.text and naskah.nomor in notice.text
        assert "Audit" not in notice.text and naskah.unit.nama not in notice.text
    _run_notice_emails()
    assert mail.outbox
    for message in mail.outbox:
        assert "Audit" not in message.subject and "Audit" not in message.body


def test_menu_counts_unread_received_letters_with_one_query(demo, rf, client):
    naskah = _signed(demo)
    naskah_dispatch(naskah=naskah)
    row = _internal_rows(naskah)[0]
    user = row.pegawai
    request = rf.get("/")
    request.user = user
    with CaptureQueriesContext(connection) as one:
        counts = naskah_nav(request)["naskah_nav"]
    assert counts["diterima"] == 1 and counts["notifikasi"] >= 1
    # a second delivered letter: the count grows, the number of queries does not
    second = _signed(demo, hal="Undangan Rapat Evaluasi")
    naskah_dispatch(naskah=second)
    with CaptureQueriesContext(connection) as two:
        counts = naskah_nav(request)["naskah_nav"]
    assert counts["diterima"] == 2
    assert len(two.captured_queries) == len(one.captured_queries)
    # an htmx partial renders no menu and runs no count
    partial = rf.get("/", HTTP_HX_REQUEST="true")
    partial.user = user
    with CaptureQueriesContext(connection) as none:
        assert naskah_nav(partial) == {}
    assert len(none.captured_queries) == 0

    client.force_login(user)
    page = client.get(reverse("naskah:inbox"))
    assert re.search(rb'data-counter="diterima"[^>]*>2<', page.content)
    # opening the letter reads it and its arrival notice
    client.get(reverse("naskah:tte_pdf", args=[naskah.pk]))
    notice = Notifikasi.objects.get(
        kind="naskah_diterima", recipient=user, link__contains=f"/{naskah.pk}/"
    )
    assert notice.read_at is not None
    assert naskah_nav(request)["naskah_nav"]["diterima"] == 1


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(demo, client):
    naskah = _signed(demo)
    naskah_dispatch(naskah=naskah)
    notice = Notifikasi.objects.filter(kind="naskah_diterima").first()
    other = Notifikasi.objects.exclude(recipient=notice.recipient).first()
    client.force_login(notice.recipient)
    listing = client.get(reverse("workflows:notifikasi_list"))
    assert reverse("workflows:notifikasi_open", args=[notice.pk]).encode() in listing.content
    response = client.get(reverse("workflows:notifikasi_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == notice.link
    notice.refresh_from_db()
    assert notice.read_at is not None
    if other is not None:  # someone else's notice: not found, stays unread
        assert client.get(reverse("workflows:notifikasi_open", args=[other.pk])).status_code == 404
        other.refresh_from_db()
        assert other.read_at is None


def test_a_done_task_no_longer_counts_as_unread(demo, rf):
    from workflows.selectors import notifikasi_unread

    naskah = _signed(demo)  # initialled and signed: every "your turn" task is done
    steps = Notifikasi.objects.filter(kind="step", read_at__isnull=True)
    assert steps.exists()
    for notice in steps:
        assert not notifikasi_unread(notice.recipient).filter(pk=notice.pk).exists()
    assert naskah.status == "ditandatangani"


def test_the_notice_of_a_step_acted_on_stops_counting_when_the_letter_comes_back(demo):
    """Returned and resubmitted unchanged, the letter comes back to the same reviewer in a
    new step: the new "your turn" notice counts, the one for the returned step does not."""
    from naskah.services.approval import naskah_return, naskah_submit
    from tests.letters import make_letter
    from workflows.models import StepState
    from workflows.selectors import notifikasi_unread

    naskah = make_letter(demo, "submitted")
    first = StepState.objects.get(route__object_id=naskah.pk, status="active")
    reviewer = first.assignee
    old = Notifikasi.objects.get(recipient=reviewer, kind="step", key=f"step:{first.pk}")
    assert notifikasi_unread(reviewer).filter(pk=old.pk).exists()
    naskah_return(
        actor=reviewer, naskah=naskah, step_state=first, expected_revisi=1, note="Cek ulang."
    )
    assert not notifikasi_unread(reviewer).filter(pk=old.pk).exists()
    naskah.refresh_from_db()
    naskah_submit(actor=naskah.konseptor, naskah=naskah, expected_revisi=naskah.revisi_terakhir)
    again = StepState.objects.get(route__object_id=naskah.pk, status="active")
    assert again.assignee == reviewer and again.pk != first.pk
    new = Notifikasi.objects.get(recipient=reviewer, kind="step", key=f"step:{again.pk}")
    unread = set(notifikasi_unread(reviewer).filter(kind="step").values_list("pk", flat=True))
    assert unread == {new.pk}
