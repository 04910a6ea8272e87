"""A used number is never cancelled; a signed letter is withdrawn (pencabutan) by a later
signed letter that cites it, and the letter and verification pages say so."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent
from naskah.markup import blocks_from_markup
from naskah.models import PencabutanNaskah
from naskah.services.pencabutan import naskah_withdraw
from naskah.services.signing import sealed_bytes
from penomoran.models import Nomor
from penomoran.services import nomor_cancel
from tests.letters import make_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def _letter(demo, state, **fields):
    """A letter signed (or to be signed) by the Kepala Dinas himself."""
    return make_letter(demo, state, klasifikasi="biasa", signed_by=demo["kadiskominfo"], **fields)


@pytest.fixture
def signed(demo):
    return make_letter(demo, "signed", hal="Undangan Rapat Koordinasi")


def _citing(demo, nomor, *, sign=True):
    return _letter(
        demo,
        "signed" if sign else "ready",
        hal="Pencabutan Undangan Rapat Koordinasi",
        body=blocks_from_markup(f"Dengan ini surat kami Nomor {nomor} dinyatakan dicabut."),
    )


def test_the_number_of_a_signed_letter_cannot_be_cancelled(signed, demo):
    nomor = Nomor.objects.get(teks=signed.nomor)
    with pytest.raises(ConflictError, match="cannot be cancelled"):
        nomor_cancel(nomor=nomor, alasan="Surat ditarik", actor=demo["kadiskominfo"])
    nomor.refresh_from_db()
    assert nomor.status == Nomor.Status.DIGUNAKAN


def test_withdrawal_shows_on_the_letter_and_verification_pages(signed, demo, client):
    by = _citing(demo, signed.nomor)
    row = naskah_withdraw(
        naskah=signed, by_naskah=by, user=demo["kadiskominfo"], reason="Rapat ditunda"
    )
    assert (row.naskah, row.oleh, row.alasan) == (signed, by, "Rapat ditunda")
    event = AuditEvent.objects.get(action="naskah.withdraw")
    assert event.object_id == str(signed.pk)
    assert event.details["nomor_oleh"] == by.nomor and event.details["alasan"] == "Rapat ditunda"
    # Nothing about the withdrawn letter changes: its number stays used, its seal valid.
    assert Nomor.objects.get(teks=signed.nomor).status == Nomor.Status.DIGUNAKAN
    signed.refresh_from_db()
    assert signed.status == "ditandatangani"
    html = client.get(reverse("verifikasi:token", args=[signed.tte.token])).content.decode()
    assert 'id="verifikasi-dicabut"' in html
    assert f"Withdrawn by {by.nomor} dated" in html
    assert "alert-success" in html  # the signature itself stays valid
    by_page = client.get(reverse("verifikasi:token", args=[by.tte.token])).content.decode()
    assert 'id="verifikasi-dicabut"' not in by_page
    upload = SimpleUploadedFile(
        "surat.pdf", sealed_bytes(signed.tte.dokumen_terakhir()), "application/pdf"
    )
    html = client.post(reverse("verifikasi:upload"), {"berkas": upload}).content.decode()
    assert 'id="verifikasi-dicabut"' in html and by.nomor in html
    client.force_login(demo["kadiskominfo"])
    page = client.get(reverse("naskah:alur_detail", args=[signed.pk])).content.decode()
    assert 'id="naskah-dicabut"' in page and by.nomor in page
    page = client.get(reverse("naskah:tte", args=[signed.pk])).content.decode()
    assert 'id="naskah-dicabut"' in page and by.nomor in page
    assert reverse("naskah:withdraw", args=[signed.pk]) not in page  # once only
    with pytest.raises(ConflictError, match="already withdrawn"):
        naskah_withdraw(naskah=signed, by_naskah=by, user=demo["kadiskominfo"], reason="lagi")


def test_withdrawal_needs_a_signed_later_letter_citing_the_number(signed, demo):
    kadis = demo["kadiskominfo"]
    unsigned = _citing(demo, signed.nomor, sign=False)
    with pytest.raises(ApplicationError, match="must be signed first"):
        naskah_withdraw(naskah=signed, by_naskah=unsigned, user=kadis, reason="Rapat ditunda")
    not_citing = _letter(demo, "signed", hal="Surat lain")
    with pytest.raises(ApplicationError, match="must mention the number"):
        naskah_withdraw(naskah=signed, by_naskah=not_citing, user=kadis, reason="Rapat ditunda")
    with pytest.raises(ApplicationError, match="cannot withdraw itself"):
        naskah_withdraw(naskah=signed, by_naskah=signed, user=kadis, reason="Rapat ditunda")
    with pytest.raises(ApplicationError, match="signed after"):
        naskah_withdraw(naskah=not_citing, by_naskah=signed, user=kadis, reason="x")
    with pytest.raises(ApplicationError, match="reason"):
        naskah_withdraw(naskah=signed, by_naskah=not_citing, user=kadis, reason="  ")
    with pytest.raises(PermissionDeniedError):  # staff of a unit below the issuer
        naskah_withdraw(
            naskah=signed, by_naskah=not_citing, user=demo["prakommuda"], reason="Rapat ditunda"
        )
    assert not PencabutanNaskah.objects.exists()
    assert not AuditEvent.objects.filter(action="naskah.withdraw").exists()


def test_withdraw_from_the_letter_page(signed, demo, client):
    by = _citing(demo, signed.nomor)
    url = reverse("naskah:withdraw", args=[signed.pk])
    client.force_login(demo["prakommuda"])  # may read it, not of the issuing unit
    assert url not in client.get(reverse("naskah:tte", args=[signed.pk])).content.decode()
    assert client.post(url, {"oleh": by.pk, "alasan": "Rapat ditunda"}).status_code == 403
    client.force_login(demo["kadiskominfo"])
    page = client.get(reverse("naskah:tte", args=[signed.pk])).content.decode()
    assert url in page and f'value="{by.pk}"' in page
    response = client.post(url, {"oleh": by.pk, "alasan": ""}, follow=True)
    assert not PencabutanNaskah.objects.exists()
    response = client.post(url, {"oleh": by.pk, "alasan": "Rapat ditunda"}, follow=True)
    assert f"recorded as withdrawn by {by.nomor}" in response.content.decode()
    assert PencabutanNaskah.objects.get().oleh == by
