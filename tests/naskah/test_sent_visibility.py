"""Recipients see what was sent, not the kitchen (issue 14 item 6, DESIGN invariant 5).

Every URL of naskah/urls/__init__.py, naskah/urls/verification.py and workflows/urls.py is listed
below with what a recipient in another unit (and a tembusan) gets, and what an insider (the
drafter, the signer) gets. A new URL that is not listed fails `test_every_url_is_listed`."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from naskah.models import Naskah
from tests.letters import advance_letter, make_letter
from tests.naskah.conftest import pdf_bytes
from tests.naskah.tte_helpers import jabatan

pytestmark = pytest.mark.django_db

NOT_FOUND = 404
OK = "ok"  # 200 or a redirect (302): the page exists for this user
# An insider's action that needs a right some insiders lack (withdrawal: a position in the
# issuing unit): done, or refused with 403; never a 404 (the letter is theirs to see).
OK_OR_FORBIDDEN = "ok_or_403"

# name -> (method, args builder key, recipient gets, insider gets)
# "sent": the letter as sent; "internal": its history; "editable": only a draft's drafter.
LETTER_URLS = {
    "naskah:edit": ("get", "pk", NOT_FOUND, 302),  # insider: to the approval page (item 8)
    "naskah:preview_edit": ("post", "pk", NOT_FOUND, NOT_FOUND),  # a signed letter is final
    "naskah:autosave_edit": ("post", "pk", NOT_FOUND, NOT_FOUND),  # likewise
    "naskah:pdf": ("get", "pk", NOT_FOUND, 200),
    "naskah:revision_history": ("get", "pk", NOT_FOUND, 200),
    "naskah:revision_pdf": ("get", "rev1", NOT_FOUND, 200),
    "naskah:lampiran_add": ("post", "pk", NOT_FOUND, NOT_FOUND),
    "naskah:lampiran_file": ("get", "sent_lampiran", 200, 200),
    "naskah:lampiran_remove": ("post", "sent_lampiran", NOT_FOUND, NOT_FOUND),
    "naskah:alur_detail": ("get", "pk", NOT_FOUND, 200),
    "naskah:alur_submit": ("get", "pk", NOT_FOUND, OK),
    "naskah:alur_act": ("post", "pk", NOT_FOUND, OK),
    "naskah:alur_correct": ("get", "state", NOT_FOUND, NOT_FOUND),  # no open step left
    "naskah:alur_correct_preview": ("post", "state", NOT_FOUND, NOT_FOUND),  # same rule
    "naskah:alur_withdraw": ("post", "pk", NOT_FOUND, OK),
    "naskah:alur_comment": ("post", "pk", NOT_FOUND, OK),
    "naskah:alur_reassign": ("post", "pk", NOT_FOUND, OK),
    "naskah:alur_share": ("post", "pk", NOT_FOUND, OK),
    "naskah:tte": ("get", "pk", 200, 200),
    "naskah:tte_pdf": ("get", "pk", 200, 200),
    "naskah:tte_pertinggal": ("get", "pk", NOT_FOUND, 200),  # the file copy, with the paraf
    "naskah:withdraw": ("post", "pk", NOT_FOUND, OK_OR_FORBIDDEN),
    "naskah:dispatch_retry": ("post", "pk", NOT_FOUND, OK),
    "naskah:distribusi_retry": ("post", "distribusi", NOT_FOUND, OK),
    "verifikasi:token": ("get", "token", 200, 200),
    "workflows:route_detail": ("get", "route", NOT_FOUND, 302),  # insider: the letter page
    "workflows:route_act": ("post", "route", NOT_FOUND, OK),
    "workflows:route_comment": ("post", "route", NOT_FOUND, OK),
    "workflows:route_withdraw": ("post", "route", NOT_FOUND, OK),
    "workflows:step_reassign": ("post", "route", NOT_FOUND, OK),
}
# URLs of no particular letter (lists, forms for a new letter, the user's own batches and
# previews, notifications): checked below for what they show a recipient.
NO_LETTER_URLS = {
    "naskah:list",
    "naskah:choose",
    "naskah:new",
    "naskah:preview_new",
    "naskah:autosave_new",
    "naskah:preview_file",
    "naskah:penerima_search",
    "naskah:alur_list",
    "naskah:tte_batch",
    "naskah:tte_batch_detail",
    "naskah:tte_batch_continue",  # the user's own batch (404 for anyone else's)
    "naskah:inbox",
    "verifikasi:upload",
    "workflows:inbox",
    "workflows:notifikasi_list",
    "workflows:notifikasi_read",
    "workflows:notifikasi_open",  # the user's own notice (404 for anyone else's)
    "naskah:kelas_usulan",  # the SKKAAD class proposed for a code (no letter)
}
# A tembusan recipient with no other role, and a recipient unit's acting head.
OUTSIDERS = ["sekdisdik", "sekda"]
INSIDERS = ["prakommuda", "kadiskominfo"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sent(demo):
    """A Surat Dinas with two revisions of lampiran (one removed before signing), signed
    by the Kepala Dinas and delivered to Disdikbud (sekdisdik, Plt) and the Sekda (tembusan)."""
    from core.models import UnitKerja
    from naskah.services import lampiran_add, lampiran_remove
    from workflows.models import Route, StepState

    naskah = make_letter(
        demo,
        "draft",
        penerima=[
            {"jenis": "tujuan", "unit_id": UnitKerja.objects.get(kode="DISDIKBUD").pk},
            {"jenis": "tembusan", "jabatan_id": jabatan("Sekretaris Daerah Provinsi Lampung").pk},
        ],
        klasifikasi="biasa",
    )
    removed = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Draf lama",
        berkas=SimpleUploadedFile("lama.pdf", pdf_bytes(1)),
    )
    kept = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=2,
        judul="Daftar aplikasi",
        berkas=SimpleUploadedFile("daftar.pdf", pdf_bytes(1)),
    )
    lampiran_remove(actor=demo["prakommuda"], naskah=naskah, expected_revisi=3, lampiran=removed)
    naskah = advance_letter(naskah, "dispatched", signed_by=demo["kadiskominfo"])
    assert naskah.status == Naskah.Status.DITANDATANGANI
    route = Route.objects.filter(object_id=naskah.pk, content_type__model="naskah").latest("pk")
    return {
        "naskah": naskah,
        "kept": kept,
        "removed": removed,
        "route": route,
        "state": StepState.objects.filter(route=route).order_by("pk").first(),
    }


def _args(sent: dict, key: str) -> list:
    naskah = sent["naskah"]
    return {
        "pk": [naskah.pk],
        "rev1": [naskah.pk, 1],
        "sent_lampiran": [naskah.pk, sent["kept"].pk],
        "state": [naskah.pk, sent["state"].pk],
        "token": [naskah.tte.token],
        "route": [sent["route"].pk],
        "distribusi": [naskah.pk, naskah.distribusi.order_by("pk").first().pk],
    }[key]


def _matches(code: int, expected) -> bool:
    if expected == OK_OR_FORBIDDEN:
        return code in (200, 302, 403)
    return code in (200, 302) if expected == OK else code == expected


def test_every_url_is_listed():
    names = set()
    for namespace in ("naskah", "verifikasi", "workflows"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{n}" for n in resolver.reverse_dict if isinstance(n, str)}
    assert names == set(LETTER_URLS) | NO_LETTER_URLS


def test_recipient_urls_are_the_allow_list():
    """What a recipient may open is exactly naskah.permissions.RECIPIENT_URL_NAMES; every
    URL pattern that takes a letter (or one of its parts) is classified in LETTER_URLS."""
    from naskah.permissions import RECIPIENT_URL_NAMES

    allowed = {name for name, row in LETTER_URLS.items() if row[2] != NOT_FOUND}
    assert allowed == RECIPIENT_URL_NAMES
    letter_patterns = set()
    for namespace in ("naskah", "verifikasi", "workflows"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for name in resolver.reverse_dict:
            if not isinstance(name, str):
                continue
            params = {p for _, params in resolver.reverse_dict.getlist(name)[0][0] for p in params}
            if params & {"pk", "token", "nomor", "lampiran_pk", "state_pk", "distribusi_id"}:
                letter_patterns.add(f"{namespace}:{name}")
    assert letter_patterns - NO_LETTER_URLS <= set(LETTER_URLS), letter_patterns - set(LETTER_URLS)


@pytest.mark.parametrize("who", OUTSIDERS + INSIDERS)
def test_every_letter_url_for_recipients_and_insiders(sent, client, demo, who):
    """Each URL of the letter: 404 on its history for a recipient, 200 on what was sent;
    the insiders keep every page (a redirect where the page hands over)."""
    client.force_login(demo[who])
    column = 2 if who in OUTSIDERS else 3
    wrong = []
    for name, row in LETTER_URLS.items():
        method, key, expected = row[0], row[1], row[column]
        url = reverse(name, args=_args(sent, key))
        code = getattr(client, method)(url).status_code
        if not _matches(code, expected):
            wrong.append(f"{name} {url}: {code}, expected {expected}")
    assert wrong == []


@pytest.mark.parametrize("who", OUTSIDERS)
def test_recipient_reads_only_the_lampiran_that_was_sent(sent, client, demo, who):
    naskah = sent["naskah"]
    client.force_login(demo[who])
    removed = reverse("naskah:lampiran_file", args=[naskah.pk, sent["removed"].pk])
    assert client.get(removed).status_code == 404
    client.force_login(demo["prakommuda"])
    assert client.get(removed).status_code == 200


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_recipient_page_is_the_sent_view(sent, client, demo, who):
    naskah = sent["naskah"]
    client.force_login(demo[who])
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert naskah.nomor in page
    assert reverse("naskah:tte_pdf", args=[naskah.pk]) in page
    assert reverse("verifikasi:token", args=[naskah.tte.token]) in page
    assert reverse("naskah:lampiran_file", args=[naskah.pk, sent["kept"].pk]) in page
    for internal in ("alur_detail", "revision_history", "pdf"):
        assert reverse(f"naskah:{internal}", args=[naskah.pk]) not in page
    assert reverse("naskah:lampiran_file", args=[naskah.pk, sent["removed"].pk]) not in page
    assert 'id="distribusi"' not in page
    # The letter list links a received letter to this page, not to its route.
    listing = client.get(reverse("naskah:alur_list")).content.decode()
    assert reverse("naskah:tte", args=[naskah.pk]) in listing
    assert reverse("naskah:alur_detail", args=[naskah.pk]) not in listing
    # The insider's page keeps the distribution table and the way to the route.
    client.force_login(demo["prakommuda"])
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert 'id="distribusi"' in page and reverse("naskah:alur_detail", args=[naskah.pk]) in page


def test_the_two_levels_and_the_archive_readers(sent, demo):
    from naskah.permissions import naskah_internal_to, naskah_reader_ids, naskah_visible_to

    naskah = sent["naskah"]
    for who in OUTSIDERS:
        assert naskah_visible_to(demo[who]).filter(pk=naskah.pk).exists()
        assert not naskah_internal_to(demo[who]).filter(pk=naskah.pk).exists()
    for who in INSIDERS:
        assert naskah_internal_to(demo[who]).filter(pk=naskah.pk).exists()
    assert not naskah_visible_to(demo["stafsma"]).filter(pk=naskah.pk).exists()
    # The archive's named readers keep the recipients: they read the sealed copy.
    assert {demo["sekdisdik"].pk, demo["sekda"].pk} <= naskah_reader_ids(naskah)
