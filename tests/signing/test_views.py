"""TTE pages: wiring, permissions, and passphrases never echoed back."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from signing.models import SignerCertificate
from signing.services import pdf_sign
from signing.validation import pdf_validate
from tests.factories import PegawaiFactory, registration_officer
from tests.signing.conftest import PASSPHRASE, make_pdf


def test_settings_page_needs_login(client, db):
    response = client.get(reverse("signing:settings"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_enrol_through_the_page(client, signer):
    client.force_login(signer)
    page = client.get(reverse("signing:settings"))
    assert page.status_code == 200
    assert b"Set your signing passphrase" in page.content
    response = client.post(
        reverse("signing:enrol"), {"passphrase": PASSPHRASE, "passphrase2": PASSPHRASE}
    )
    assert response.status_code == 302
    assert not SignerCertificate.objects.filter(pegawai=signer).exists()  # a request only
    page = client.get(reverse("signing:settings"))
    assert b'id="tte-request-pending"' in page.content
    assert b"Set your signing passphrase" not in page.content
    officer = registration_officer()
    client.force_login(officer)
    request = signer.permohonan_sertifikat.get()
    assert client.post(reverse("signing:request_approve", args=[request.pk])).status_code == 302
    row = SignerCertificate.objects.get(pegawai=signer)
    client.force_login(signer)
    page = client.get(reverse("signing:settings"))
    assert row.serial_hex.encode() in page.content
    assert b"Change your signing passphrase" in page.content


def test_enrol_errors_are_shown_and_the_passphrase_not_echoed(client, signer):
    client.force_login(signer)
    response = client.post(
        reverse("signing:enrol"), {"passphrase": "pendek", "passphrase2": "pendek"}
    )
    assert response.status_code == 400
    assert b"at least 8 characters" in response.content
    assert b"pendek" not in response.content
    response = client.post(
        reverse("signing:enrol"), {"passphrase": PASSPHRASE, "passphrase2": PASSPHRASE + "x"}
    )
    assert response.status_code == 400
    assert b"The two passphrases differ." in response.content
    assert PASSPHRASE.encode() not in response.content
    assert not SignerCertificate.objects.exists()


def test_change_passphrase_through_the_page(client, enrolled):
    client.force_login(enrolled)
    response = client.post(
        reverse("signing:passphrase_change"),
        {
            "old_passphrase": "salah-salah-salah",
            "new_passphrase": "baru-sekali-12345",
            "new_passphrase2": "baru-sekali-12345",
        },
    )
    assert response.status_code == 400
    assert b"The signing passphrase is wrong." in response.content
    response = client.post(
        reverse("signing:passphrase_change"),
        {
            "old_passphrase": PASSPHRASE,
            "new_passphrase": "baru-sekali-12345",
            "new_passphrase2": "baru-sekali-12345",
        },
    )
    assert response.status_code == 302
    assert pdf_sign(pdf=make_pdf(), signer=enrolled, credential="baru-sekali-12345").sha256


def test_certificate_admin_pages_are_for_administrators_only(client, enrolled):
    row = SignerCertificate.objects.get(pegawai=enrolled)
    client.force_login(enrolled)
    assert client.get(reverse("signing:certificate_list")).status_code == 403
    assert client.get(reverse("signing:certificate_revoke", args=[row.pk])).status_code == 403
    response = client.post(reverse("signing:certificate_revoke", args=[row.pk]), {"reason": "coba"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == SignerCertificate.Status.ACTIVE


def test_administrator_revokes_with_a_reason(client, enrolled, admin_user):
    row = SignerCertificate.objects.get(pegawai=enrolled)
    client.force_login(admin_user)
    listing = client.get(reverse("signing:certificate_list"), {"q": "Budi"})
    assert listing.status_code == 200 and row.serial_hex.encode() in listing.content
    url = reverse("signing:certificate_revoke", args=[row.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Passphrase hilang"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == SignerCertificate.Status.REVOKED
    client.force_login(enrolled)
    page = client.get(reverse("signing:settings"))
    assert b"Passphrase hilang" in page.content
    assert b"Set your signing passphrase" in page.content  # may enrol again


def test_revoke_of_an_unknown_certificate_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("signing:certificate_revoke", args=[999999])).status_code == 404


def test_user_with_the_revoke_permission_may_manage(client, enrolled):
    from django.contrib.auth.models import Permission

    officer = PegawaiFactory()
    officer.user_permissions.add(Permission.objects.get(codename="revoke_signercertificate"))
    client.force_login(officer)
    assert client.get(reverse("signing:certificate_list")).status_code == 200


def test_bsre_installation_shows_bsre_status_without_enrol_form(client, signer, settings):
    settings.NASKAH_SIGNING_BACKEND = "bsre"
    settings.NASKAH_BSRE_URL = "http://127.0.0.1:9"
    settings.NASKAH_BSRE_RETRIES = 0
    client.force_login(signer)
    page = client.get(reverse("signing:settings"))
    assert page.status_code == 200
    assert b"Set your signing passphrase" not in page.content
    assert b"issued by BSrE" in page.content


@pytest.mark.parametrize("tamper", [False, True])
def test_validation_report_partial_renders(enrolled, tamper):
    signed = pdf_sign(pdf=make_pdf(), signer=enrolled, credential=PASSPHRASE).pdf
    if tamper:
        at = signed.index(b"ReportLab Generated")
        signed = signed[:at] + b"X" + signed[at + 1 :]
    html = render_to_string("signing/_validation_report.html", {"report": pdf_validate(signed)})
    assert "Budi Santoso" in html
    if tamper:
        assert "Not valid" in html and "changed after signing" in html
    else:
        assert "All signatures are valid" in html
