"""Certificate requests: self-service enrolment issues nothing until a registration
officer approves; request, approval, rejection and issuance are audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import AuditEvent
from signing.models import CertificateRequest, SignerCertificate
from signing.services import (
    certificate_request_approve,
    certificate_request_reject,
    certificate_request_submit,
    pdf_sign,
)
from tests.factories import (
    JabatanFactory,
    PegawaiFactory,
    PenugasanFactory,
    registration_officer,
)
from tests.signing.conftest import PASSPHRASE, make_pdf


def test_a_request_issues_nothing_until_approved(signer):
    request = certificate_request_submit(signer=signer, passphrase=PASSPHRASE)
    assert request.status == CertificateRequest.Status.DIAJUKAN
    assert not SignerCertificate.objects.exists()
    with pytest.raises(ApplicationError) as info:
        pdf_sign(pdf=make_pdf(), signer=signer, credential=PASSPHRASE)
    assert info.value.code == "no_certificate"
    assert AuditEvent.objects.filter(action="signing.certificate_request").count() == 1
    assert not AuditEvent.objects.filter(action="signing.certificate_issue").exists()
    # the passphrase is in no row and no event
    assert PASSPHRASE.encode() not in bytes(request.sealed_key)
    for event in AuditEvent.objects.all():
        assert PASSPHRASE not in str(event.details)

    cert = certificate_request_approve(request=request, officer=registration_officer())
    request.refresh_from_db()
    assert request.status == CertificateRequest.Status.DITERBITKAN
    assert request.sertifikat == cert and request.serial_hex == cert.serial_hex
    assert bytes(request.sealed_key) == b""  # the certificate row keeps the key
    assert pdf_sign(pdf=make_pdf(), signer=signer, credential=PASSPHRASE).sha256
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"signing.certificate_request_approve", "signing.certificate_issue"} <= actions


def test_the_officer_cannot_approve_his_own_request(db):
    officer = registration_officer()
    request = certificate_request_submit(signer=officer, passphrase=PASSPHRASE)
    with pytest.raises(PermissionDeniedError):
        certificate_request_approve(request=request, officer=officer)
    with pytest.raises(PermissionDeniedError):
        certificate_request_reject(request=request, officer=officer, reason="sendiri")
    assert not SignerCertificate.objects.exists()
    request.refresh_from_db()
    assert request.status == CertificateRequest.Status.DIAJUKAN


def test_only_registration_officers_decide(signer):
    request = certificate_request_submit(signer=signer, passphrase=PASSPHRASE)
    stranger = PegawaiFactory(is_staff=True)
    with pytest.raises(PermissionDeniedError):
        certificate_request_approve(request=request, officer=stranger)
    assert not SignerCertificate.objects.exists()


def test_rejection_needs_a_reason_and_allows_a_new_request(signer):
    request = certificate_request_submit(signer=signer, passphrase=PASSPHRASE)
    with pytest.raises(ApplicationError):
        certificate_request_submit(signer=signer, passphrase=PASSPHRASE)  # one open request
    officer = registration_officer()
    with pytest.raises(ApplicationError):
        certificate_request_reject(request=request, officer=officer, reason=" ")
    certificate_request_reject(request=request, officer=officer, reason="NIP tidak cocok")
    request.refresh_from_db()
    assert request.status == CertificateRequest.Status.DITOLAK
    assert bytes(request.sealed_key) == b""
    with pytest.raises(ConflictError):
        certificate_request_approve(request=request, officer=officer)
    assert not SignerCertificate.objects.exists()
    event = AuditEvent.objects.get(action="signing.certificate_request_reject")
    assert event.details["reason"] == "NIP tidak cocok"
    assert certificate_request_submit(signer=signer, passphrase=PASSPHRASE).pk != request.pk


def test_officer_queue_shows_the_pegawai_record(client, signer):
    signer.nip = "198001012005011001"
    signer.save()
    jabatan = JabatanFactory(nama="Kepala Seksi Persandian")
    PenugasanFactory(pegawai=signer, jabatan=jabatan)
    request = certificate_request_submit(signer=signer, passphrase=PASSPHRASE)
    officer = registration_officer()
    own = certificate_request_submit(signer=officer, passphrase="petugas-rahasia-1")

    client.force_login(signer)
    assert client.get(reverse("signing:request_queue")).status_code == 403
    assert client.post(reverse("signing:request_approve", args=[request.pk])).status_code == 403

    client.force_login(officer)
    page = client.get(reverse("signing:request_queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "198001012005011001" in html
    assert "Kepala Seksi Persandian" in html and jabatan.unit.nama in html
    assert reverse("signing:request_approve", args=[own.pk]) not in html
    # approving one's own request through the page is refused too
    client.post(reverse("signing:request_approve", args=[own.pk]))
    assert not SignerCertificate.objects.filter(pegawai=officer).exists()
    response = client.post(reverse("signing:request_reject", args=[request.pk]), {"reason": ""})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CertificateRequest.Status.DIAJUKAN
    client.post(reverse("signing:request_reject", args=[request.pk]), {"reason": "Bukan ybs"})
    request.refresh_from_db()
    assert request.status == CertificateRequest.Status.DITOLAK
    client.force_login(signer)
    assert b"Bukan ybs" in client.get(reverse("signing:settings")).content


def test_enrolment_returns_to_a_safe_next_only(client, signer):
    client.force_login(signer)
    letter = "/naskah/12/tte/"
    page = client.get(reverse("signing:settings"), {"next": letter})
    assert b'name="next" value="/naskah/12/tte/"' in page.content
    assert b'id="tte-back"' in page.content
    response = client.post(
        reverse("signing:enrol"),
        {"passphrase": PASSPHRASE, "passphrase2": PASSPHRASE, "next": letter},
    )
    assert response.status_code == 302 and response["Location"] == letter


def test_enrolment_ignores_a_foreign_next(client, signer):
    client.force_login(signer)
    response = client.post(
        reverse("signing:enrol"),
        {"passphrase": PASSPHRASE, "passphrase2": PASSPHRASE, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("signing:settings")


def test_warning_tag_names_each_state(signer, settings):
    from django.template import Context, Template

    from core.selectors.organisasi import jabatan_holder_on

    jabatan = JabatanFactory()
    PenugasanFactory(pegawai=signer, jabatan=jabatan)
    assert jabatan_holder_on(jabatan).pegawai == signer
    template = Template("{% load signing_tags %}{% signer_certificate_warning jabatan=j %}")

    def render():
        return template.render(Context({"j": jabatan.pk}))

    assert 'data-code="no_certificate"' in render()
    request = certificate_request_submit(signer=signer, passphrase=PASSPHRASE)
    assert 'data-code="pending"' in render()
    certificate_request_approve(request=request, officer=registration_officer())
    assert "signer-certificate-warning" not in render()
    assert 'data-code="no_holder"' in template.render(Context({"j": JabatanFactory().pk}))


@pytest.mark.parametrize("status", ["NOT_REGISTERED", "SUSPEND", "ISSUE"])
def test_warning_tag_with_bsre_reads_the_user_status(db, settings, status):
    from django.template import Context, Template

    from tests.signing.fake_bsre import PASSWORD, USERNAME, FakeBsreServer

    nik = "1871010101800002"
    signer = PegawaiFactory(nama="Rina", nik=nik)
    template = Template("{% load signing_tags %}{% signer_certificate_warning pegawai=p %}")
    with FakeBsreServer() as fake:
        fake.add_user(nik, "bsre-Passphrase-77", "Rina", status=status)
        settings.NASKAH_SIGNING_BACKEND = "bsre"
        settings.NASKAH_BSRE_URL = fake.url
        settings.NASKAH_BSRE_USERNAME = USERNAME
        settings.NASKAH_BSRE_PASSWORD = PASSWORD
        settings.NASKAH_BSRE_RETRIES = 0
        html = template.render(Context({"p": signer}))
    if status == "ISSUE":
        assert "signer-certificate-warning" not in html
    else:
        assert "signer-certificate-warning" in html and "Rina" in html
        assert "signer-enrol-link" not in html  # BSrE registers signers, not this page
